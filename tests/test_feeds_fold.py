"""iCalendar line folding: ASCII lines are cut by slicing, other lines character by
character; both give the octet-exact folding RFC 5545 asks for."""

from __future__ import annotations

import random

from sosgen.feeds import fold


def _by_character(line: str) -> str:
    out: list[str] = []
    current, size = "", 0
    for ch in line:
        width = len(ch.encode("utf-8"))
        if size + width > 75:
            out.append(current)
            current, size = " ", 1
        current += ch
        size += width
    out.append(current)
    return "\r\n".join(out)


def test_ascii_and_other_lines_fold_as_character_by_character() -> None:
    rnd = random.Random(5)
    for n in [*range(160), 223, 224, 225, 1000]:
        for alphabet in ("ab ;,", "aé€😀"):
            line = "".join(rnd.choice(alphabet) for _ in range(n))
            folded = fold(line)
            assert folded == _by_character(line)
            assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))
            assert folded.replace("\r\n ", "") == line
