"""HTML fragments built in Python because every page repeats them thousands of times:
an update's four answers. Measured: the same markup through Jinja macros was most
of the time of a 450-meeting build. `macros.html` calls it as `link.answers(update)`;
a data repository can still override the `update_body` macro with plain Jinja.
"""

from __future__ import annotations

from typing import Protocol

from markupsafe import Markup

from sosgen import model as m
from sosgen.markdown import inline

QUESTIONS = (
    ("completed", "1. Completed, affecting other teams"),
    ("next", "2. Next, affecting other teams"),
    ("blockers", "3. Blockers: help needed from another team"),
    ("heads_up", "4. Heads-up: about to block another team"),
)


class Linker(Protocol):
    """What a fragment needs from `sosgen.links.Links`."""

    def teams(self, teams: tuple[str, ...]) -> Markup: ...

    def dep(self, dep: str) -> Markup: ...


def answers(update: m.Update, link: Linker) -> Markup:
    """`<dl class="answers">`: each question, its items (Markdown), whom they concern."""
    out = ['<dl class="answers">\n']
    for key, label in QUESTIONS:
        out.append(f"<dt>{label}</dt>\n<dd>\n")
        items = update.answer(key)
        if not items:
            out.append('<span class="none">None</span>\n</dd>\n')
            continue
        out.append("<ul>\n")
        word = " needs " if key == "blockers" else " for "
        for item in items:
            out.append(f"<li>{inline(item.text)}\n")
            if item.teams or item.dependency:
                out.append('<span class="meta">')
                if item.teams:
                    out.append(f"{word}{link.teams(item.teams)}")
                if item.dependency:
                    out.append(f" · {link.dep(item.dependency)}")
                out.append("</span>\n")
            out.append("</li>\n")
        out.append("</ul>\n</dd>\n")
    out.append("</dl>")
    return Markup("".join(out))
