"""The text of the files `new-meeting` and `update` write: a real YAML emitter, plus comments.

Every value goes through `sosgen.emit.dump_yaml`. The only text written outside the
emitter is comment lines: the header (fixed words, ids and dates, each line behind
`#`) and, in an update skeleton, last time's blockers offered as commented YAML.
Those are emitted by `dump_yaml` too and every line of them, whatever its text, is
then put behind a `#`: a comment runs to the end of its line, and the emitter never
leaves a raw line break inside a value (multi-line text becomes a `|` block whose
lines are each commented; other breaks are escaped in double quotes), so nothing in
a blocker's text can end the comment and become YAML. Removing the `#` (or `# `)
from the block gives back the emitted, valid YAML, indented under `blockers:`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sosgen.emit import dump_yaml
from sosgen.schema import load_schema


def schema_line(name: str) -> str:
    """The line that lets editors (yaml-language-server) validate and complete the file."""
    return f"# yaml-language-server: $schema={load_schema(name)['$id']}"


def meeting_text(document: dict[str, Any], day: dt.date) -> str:
    header = f"""\
{schema_line("meeting")}
# The scrum of scrums of {day}, opened by `sosgen new-meeting`. During the meeting:
# - review: give every carried action item a status (open, done or dropped) and a note;
#   `escalated: true` items go to the chief product owner.
# - actions: raise new items as {{id: A-{day}-<n>, text, owner, due}}.
# - parking_lot: park long discussions as {{id: P-{day}-<n>, topic, teams, owner}};
#   close a carried topic with `status: done`.
# - follow_up: last meeting's blockers and heads-ups, to ask about."""
    return dump_yaml(document, header=header)


def update_text(
    document: dict[str, Any],
    *,
    team: str,
    day: dt.date,
    blockers: Sequence[dict[str, Any]] = (),
    since: dt.date | None = None,
) -> str:
    header = f"""\
{schema_line("update")}
# The update of {team} for the scrum of scrums of {day}. Every answer is about OTHER
# teams: name them with `for: [team]` (a blocker: `needs: team`). `none` is an answer;
# an empty one is not.
# 1. completed: what has your team completed since we last met that affects other teams?
# 2. next: what will your team work on next that affects other teams?
# 3. blockers: what blockers does your team have that require help from another team?
# 4. heads_up: are you about to introduce a blocker that will affect another team?
#    The most important question: never skip it.
# An item: `- text: ...` with `for: [team, ...]` (`needs: team` for a blocker) and
# optionally `dependency: DEP-12`."""
    text = dump_yaml(document, header=header)
    if not blockers:
        return text
    lines = text.splitlines(keepends=True)
    at = [i for i, line in enumerate(lines) if line == "blockers:\n"]
    if len(at) != 1:  # pragma: no cover - the document has exactly one top-level `blockers:`
        raise ValueError("the skeleton has no single `blockers:` line")
    offered = dump_yaml({"blockers": list(blockers)}).splitlines(keepends=True)[1:]
    note = f"# Open in the update of {since}: uncomment the ones that still block you.\n"
    block = [note, *("#" + line for line in offered)]
    return "".join(lines[: at[0] + 1] + block + lines[at[0] + 1 :])
