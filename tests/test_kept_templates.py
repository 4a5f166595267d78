"""The packaged templates' compiled code is kept once per installation (`sosgen.kept`,
`sosgen.render._KeptTemplates`): compiled once, loaded by the next environment
without compiling, compiled again when the template or the kept file changed, never
for a data repository's own templates, and not written under PYTHONDONTWRITEBYTECODE."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import jinja2
import pytest
from conftest import ROOT
from site_builds import quiet_build, tree

from sosgen import kept, render

CONTEXT = {"title": "<b>Board</b>"}
SOURCE = "{{ title }} and {{ title | plain }}\n"


@pytest.fixture(autouse=True)
def writing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", False)


@pytest.fixture
def packaged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A packaged templates folder of one template, `page.html`."""
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "page.html").write_text(SOURCE, encoding="utf-8")
    monkeypatch.setattr(render, "PACKAGED", folder)
    monkeypatch.setattr(render, "PACKAGED_LOADER", jinja2.FileSystemLoader(folder))
    return folder


def compiles(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the templates compiled from now on."""
    names: list[str] = []
    compile_ = jinja2.Environment.compile

    def counted(self: jinja2.Environment, source: str, name: str | None = None, *a, **k):  # type: ignore[no-untyped-def]
        names.append(str(name))
        return compile_(self, source, name, *a, **k)

    monkeypatch.setattr(jinja2.Environment, "compile", counted)
    return names


def rendered(store: Path | None, repo: Path | None = None) -> str:
    env = render.environment(repo, compiled=store)
    return env.get_template("page.html").render(CONTEXT)


def test_compiled_once_then_loaded(
    packaged: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = tmp_path / "kept"
    expected = rendered(None)
    assert expected == "&lt;b&gt;Board&lt;/b&gt; and &lt;b&gt;Board&lt;/b&gt;\n"
    compiled = compiles(monkeypatch)
    assert rendered(store) == expected
    assert compiled == ["page.html"]
    (only,) = store.iterdir()
    assert only.name.startswith("jinja-") and only.suffix == ".code"
    assert rendered(store) == expected  # a new environment: loaded, not compiled
    assert compiled == ["page.html"]


def test_a_changed_template_is_compiled_again_into_the_same_file(
    packaged: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = tmp_path / "kept"
    rendered(store)
    (packaged / "page.html").write_text("changed {{ title }}\n", encoding="utf-8")
    compiled = compiles(monkeypatch)
    assert rendered(store) == "changed &lt;b&gt;Board&lt;/b&gt;\n"
    assert compiled == ["page.html"]
    assert len(list(store.iterdir())) == 1
    assert rendered(store) == "changed &lt;b&gt;Board&lt;/b&gt;\n"
    assert compiled == ["page.html"]


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[:-10],  # truncated
        lambda data: data.replace(b"\n", b"\nx", 1),  # its digest no longer matches
        lambda data: b"",
    ],
)
def test_a_damaged_kept_file_is_compiled_again_and_replaced(
    packaged: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: object
) -> None:
    store = tmp_path / "kept"
    expected = rendered(store)
    (only,) = store.iterdir()
    whole = only.read_bytes()
    only.write_bytes(damage(whole))  # type: ignore[operator]
    compiled = compiles(monkeypatch)
    assert rendered(store) == expected
    assert compiled == ["page.html"]
    assert only.read_bytes() == whole


def test_kept_code_that_is_not_code_is_compiled_again(
    packaged: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whole (its digest matches) but not marshalled code: compiled, never trusted."""
    store = tmp_path / "kept"
    expected = rendered(store)
    (only,) = store.iterdir()
    checksum = kept.read(only)
    assert checksum is not None
    kept.write(only, checksum.partition(b"\n")[0] + b"\nnot marshal data")
    compiled = compiles(monkeypatch)
    assert rendered(store) == expected
    assert compiled == ["page.html"]


def test_a_data_repositorys_own_templates_are_never_kept(
    packaged: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path / "repo"
    (repo / "templates").mkdir(parents=True)
    (repo / "templates" / "page.html").write_text("own {{ title }}\n", encoding="utf-8")
    store = tmp_path / "kept"
    compiled = compiles(monkeypatch)
    assert rendered(store, repo) == "own &lt;b&gt;Board&lt;/b&gt;\n"
    assert rendered(store, repo) == "own &lt;b&gt;Board&lt;/b&gt;\n"
    assert compiled == ["page.html", "page.html"]
    assert not store.exists()


def test_nothing_is_written_under_pythondontwritebytecode(
    packaged: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    store = tmp_path / "kept"
    rendered(store)
    assert not store.exists()
    (tmp_path / "file").write_text("not a folder")
    rendered(tmp_path / "file" / "kept")  # cannot be written: compiled, not kept


def test_a_site_built_with_kept_templates_is_the_same_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The example organisation built with every packaged template compiled afresh,
    then compiled and kept, then loaded from what was kept: the same bytes."""
    sites = []
    for store in (None, tmp_path / "kept", tmp_path / "kept"):
        monkeypatch.setattr(render, "COMPILED", store)
        out = tmp_path / f"site-{len(sites)}"
        quiet_build(ROOT, out, today=dt.date(2026, 12, 1), jobs=1, cache=False)
        sites.append(tree(out, manifest=False))
    assert sites[0] == sites[1] == sites[2]
    used = {p.name for p in (tmp_path / "kept").iterdir()}
    assert len(used) >= 10  # every page template and what it pulls in
