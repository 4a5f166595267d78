"""Templates to strings: one Jinja environment, autoescaped and strict.

A data repository's own `templates/` folder comes first, so a file there replaces
the packaged template of the same name (`base.html`, `style.css`, ...). Undefined
names fail the build (`StrictUndefined`): a typo is an error, not an empty cell.
HTML-ish templates are autoescaped; `.md` and `.txt` templates are plain text.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import marshal
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import meta, nodes
from jinja2.bccache import Bucket
from jinja2.utils import missing
from markupsafe import Markup, escape

from sosgen import kept, markdown
from sosgen.errors import SosgenError

PACKAGED = Path(__file__).resolve().parent / "templates"
OVERRIDES = "templates"
_ESCAPED = ("html", "htm", "xml", "svg", "css")


def _autoescape(name: str | None) -> bool:
    return name is not None and name.rsplit(".", 1)[-1] in _ESCAPED


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else many or one + 's'}"


def _date(value: dt.date | None, fmt: str = "long") -> str:
    if value is None:
        return "—"
    if fmt == "iso":
        return value.isoformat()
    if fmt == "short":
        return f"{value.strftime('%a')} {value.day} {value.strftime('%b')}"
    return f"{value.strftime('%A')} {value.day} {value.strftime('%B %Y')}"


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{round(value * 100)}%"


def _decimal(value: float | None, places: int = 2) -> str:
    return "—" if value is None else f"{value:.{places}f}"


def _code_spans(text: str) -> Markup:
    """Plain text, escaped, with `backquoted` words as <code>: for messages sosgen
    writes itself (Markdown would also read the names and words quoted in them)."""
    parts = str(escape(text)).split("`")
    if len(parts) % 2 == 0:
        return escape(text)
    return Markup("".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts)))


def _md(text: str) -> Markup:
    return markdown.inline(text)


class _Template(jinja2.Template):
    """Every page imports `macros.html` "with context" (`base.html`), which runs the whole
    file again for each page: 0.2 ms, an eighth of the render of a 450-meeting site. A
    packaged template's module reads nothing of the page but the names it does not
    define itself (`link`, for `macros.html`), so pages whose values of those names are
    the same objects share one module. A template of the data repository's own is run
    for every page, as Jinja does: who knows what it reads."""

    _reads: tuple[str, ...] | None
    _modules: dict[tuple[int, ...], tuple[tuple[Any, ...], jinja2.environment.TemplateModule]]

    def make_module(
        self,
        vars: dict[str, Any] | None = None,
        shared: bool = False,
        locals: Mapping[str, Any] | None = None,
    ) -> jinja2.environment.TemplateModule:
        reads = self._names_read()
        if reads is None or vars is None:
            return super().make_module(vars, shared, locals)
        values = tuple(_value(name, vars, locals) for name in reads)
        key = tuple(map(id, values))
        found = self._modules.get(key)
        if found is not None and all(a is b for a, b in zip(found[0], values, strict=True)):
            return found[1]
        module = super().make_module(
            {n: v for n, v in zip(reads, values, strict=True) if v is not missing}
        )
        if len(self._modules) >= _MODULES:  # a few: one per page depth (two) in a build
            del self._modules[next(iter(self._modules))]
        self._modules[key] = (values, module)  # holds the values: their ids stay theirs
        return module

    def _names_read(self) -> tuple[str, ...] | None:
        """The names of the page a packaged template reads; None for any other."""
        try:
            return self._reads
        except AttributeError:
            pass
        reads = None
        if self.filename is not None and Path(self.filename).parent == PACKAGED:
            source, _, _ = PACKAGED_LOADER.get_source(self.environment, str(self.name))
            parsed = self.environment.parse(source)
            # a template it pulls in would read the whole page
            if next(parsed.find_all(_PULLS_IN), None) is None:
                reads = tuple(sorted(meta.find_undeclared_variables(parsed)))
        self._reads = reads
        self._modules = {}
        return reads


def _value(name: str, vars: Mapping[str, Any], locals: Mapping[str, Any] | None) -> Any:
    """What `name` is in a module made by `make_module(vars, locals=locals)`."""
    value = locals.get(name, missing) if locals else missing
    return vars.get(name, missing) if value is missing else value


_MODULES = 4
_PULLS_IN = (nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)
PACKAGED_LOADER = jinja2.FileSystemLoader(PACKAGED)
COMPILED = kept.FOLDER  # where a `Renderer` keeps the packaged templates' code


class _KeptTemplates(jinja2.BytecodeCache):
    """The packaged templates' compiled code, kept once per installation
    (`sosgen.kept`): compiling them costs a tenth of a second in every process that
    renders pages, loading them a millisecond. A kept file is named by the template's
    name and by what else decides its code (this module, which sets up the
    environment, Jinja's version and Python's), and holds the digest of the source it
    was compiled from: a changed template is compiled again and its file replaced. A
    data repository's own templates are compiled every time, as Jinja does without a
    cache."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.settings = hashlib.sha256(
            b"\0".join(
                (
                    Path(__file__).read_bytes(),
                    jinja2.__version__.encode(),
                    sys.version.encode(),
                )
            )
        ).hexdigest()

    def get_bucket(
        self, environment: jinja2.Environment, name: str, filename: str | None, source: str
    ) -> Bucket:
        packaged = filename is not None and Path(filename).parent == PACKAGED
        key = hashlib.sha256(f"{self.settings}\0{name}".encode()).hexdigest()[:32]
        checksum = hashlib.sha256(source.encode()).hexdigest()
        bucket = Bucket(environment, f"jinja-{key}.code" if packaged else "", checksum)
        self.load_bytecode(bucket)
        return bucket

    def load_bytecode(self, bucket: Bucket) -> None:
        kept_code = kept.read(self.folder / bucket.key) if bucket.key else None
        if kept_code is None:
            return
        checksum, _, code = kept_code.partition(b"\n")
        if checksum == bucket.checksum.encode():  # else the template changed: compile it
            with contextlib.suppress(EOFError, ValueError, TypeError):
                bucket.code = marshal.loads(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        if bucket.key and bucket.code is not None:
            code = marshal.dumps(bucket.code)
            kept.write(self.folder / bucket.key, bucket.checksum.encode() + b"\n" + code)


def environment(repo_root: Path | None, compiled: Path | None = None) -> jinja2.Environment:
    """The templates of `repo_root` (if given) over the packaged ones; the packaged
    ones' compiled code is kept in the folder `compiled`, if given."""
    loaders: list[jinja2.BaseLoader] = []
    if repo_root is not None and (repo_root / OVERRIDES).is_dir():
        loaders.append(jinja2.FileSystemLoader(repo_root / OVERRIDES))
    loaders.append(PACKAGED_LOADER)
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=_autoescape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
        bytecode_cache=_KeptTemplates(compiled) if compiled is not None else None,
    )
    env.template_class = _Template
    env.filters.update(
        markdown=_md,
        plain=markdown.plain,
        date=_date,
        percent=_percent,
        decimal=_decimal,
        code_spans=_code_spans,
        plural=_plural,
        safe_url=markdown.safe_link,
    )
    return env


class Renderer:
    """Renders a named template with a context; templates are compiled once."""

    def __init__(self, repo_root: Path | None) -> None:
        self.env = environment(repo_root, COMPILED)
        self._cache: dict[str, jinja2.Template] = {}

    def prepare(self) -> None:
        """Compile every template now (before forking a worker that would otherwise
        compile them all again)."""
        for name in self.env.list_templates(filter_func=_autoescape):
            # a broken template fails where a page renders it, with its name and line
            with contextlib.suppress(jinja2.TemplateError):
                self._cache.setdefault(name, self.env.get_template(name))

    def render(self, name: str, context: Mapping[str, Any]) -> str:
        template = self._cache.get(name)
        try:
            if template is None:
                template = self._cache[name] = self.env.get_template(name)
            return template.render(context)
        except jinja2.TemplateError as exc:
            where = getattr(exc, "filename", None) or name
            line = getattr(exc, "lineno", None)
            at = f"{where}:{line}" if line else where
            message = str(exc.message or exc)
            if len(message) > 300:
                message = message[:297] + "..."
            raise SosgenError(f"template {at}: {message}") from exc
