"""YAML out: every file sosgen writes is produced by a real emitter, never a string template.

The dumper keeps insertion order, writes no anchors, aliases or tags, indents lists under
their key, writes dates plain (`2026-11-25`), multi-line text as `|` blocks and None as an
empty value (`status:`), and quotes every string that some YAML reader, 1.1 or 1.2, would
read as something other than that string (`NO`, `on`, `~`, `012`, `1e3`, `10:30`, ...).
Lines are never wrapped, so one text stays on one line.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping

import yaml

# Plain words that YAML 1.1 or 1.2 readers (PyYAML, libyaml, ruamel, go-yaml, js-yaml)
# take as booleans, nulls or special floats; compared in lower case.
_KEYWORDS = frozenset(
    {"y", "n", "yes", "no", "true", "false", "on", "off", "null", "~", "=", "<<"}
    | {"nan", ".nan", "inf", ".inf", "-.inf", "+.inf"}
)
# One token that starts like a number: ints, octal/hex/binary, floats, exponents,
# sexagesimal 10:30, dates and timestamps. Quoting a few ids like `2fa` is the price.
_NUMBER_LIKE = re.compile(r"[-+]?\.?[0-9][0-9A-Za-z_.:+-]*")
# Line breaks other than \n are only safe escaped in double quotes.
_ODD_BREAKS = frozenset("\r\x85\u2028\u2029")


class _Dumper(yaml.SafeDumper):
    """SafeDumper with sosgen's style: no aliases, lists indented under their key."""

    def ignore_aliases(self, data: object) -> bool:
        return True

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _string_style(text: str) -> str | None:
    """The scalar style for `text`: None lets the emitter choose plain when that is safe."""
    if _ODD_BREAKS.intersection(text):
        return '"'
    if "\n" in text:
        return "|"  # the emitter falls back to double quotes when a block cannot hold it
    if text.lower() in _KEYWORDS or _NUMBER_LIKE.fullmatch(text):
        return "'"
    return None


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    text = str.__str__(data)  # the plain text of str subclasses such as StrEnum members
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=_string_style(text))


def _represent_none(dumper: yaml.SafeDumper, data: None) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:null", "")


def _represent_date(dumper: yaml.SafeDumper, data: dt.date) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:timestamp", data.isoformat())


def _represent_list(dumper: yaml.SafeDumper, data: list[object]) -> yaml.SequenceNode:
    return dumper.represent_list(data)


def _represent_tuple(dumper: yaml.SafeDumper, data: tuple[object, ...]) -> yaml.SequenceNode:
    return dumper.represent_list(list(data))


def _represent_dict(dumper: yaml.SafeDumper, data: dict[object, object]) -> yaml.MappingNode:
    return dumper.represent_dict(data)


def _refuse(dumper: yaml.SafeDumper, data: object) -> yaml.Node:
    raise TypeError(f"sosgen files hold no {type(data).__name__} values: {data!r}")


# Only the types sosgen files hold; anything else (bytes, sets, floats, datetimes) is refused
# rather than written with a tag the loader would reject.
_Dumper.yaml_representers = {}
_Dumper.yaml_multi_representers = {}
_Dumper.add_representer(dict, _represent_dict)
_Dumper.add_representer(list, _represent_list)
_Dumper.add_representer(tuple, _represent_tuple)
_Dumper.add_representer(bool, yaml.SafeDumper.represent_bool)
_Dumper.add_representer(int, yaml.SafeDumper.represent_int)
_Dumper.add_representer(type(None), _represent_none)
_Dumper.add_representer(dt.date, _represent_date)
_Dumper.add_multi_representer(str, _represent_str)
_Dumper.add_multi_representer(object, _refuse)


def _comment(header: str) -> str:
    lines = header.splitlines()
    return "".join(
        f"{line}\n" if line.startswith("#") else f"# {line}".rstrip() + "\n" for line in lines
    )


def dump_yaml(data: Mapping[str, object], *, header: str = "") -> str:
    """`data` as one YAML document, after `header` written as `#` comment lines."""
    body = yaml.dump(
        dict(data),
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=math.inf,
    )
    return _comment(header) + body
