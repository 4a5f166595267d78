"""Find the teams a piece of free text names: by id, by name, or by one of its aliases."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from sosgen import model as m


@dataclass(frozen=True, slots=True)
class Mention:
    team: str
    term: str  # the words as written in the text
    start: int
    end: int


class MentionFinder:
    """One regular expression over every team's words; longest words win."""

    def __init__(self, teams: Iterable[m.Team]) -> None:
        self._owner: dict[str, str] = {}
        for team in teams:
            for word in (team.id, team.name, *team.aliases):
                key = _fold(word)
                if key and key not in self._owner:
                    self._owner[key] = team.id
        words = sorted(self._owner, key=lambda w: (-len(w), w))
        alternatives = "|".join(r"\s+".join(map(re.escape, w.split())) for w in words)
        self._pattern = (
            re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.IGNORECASE) if words else None
        )

    def find(self, text: str) -> list[Mention]:
        if self._pattern is None:
            return []
        return [
            Mention(self._owner[_fold(match.group())], match.group(), match.start(), match.end())
            for match in self._pattern.finditer(text)
        ]

    def teams_in(self, text: str) -> list[str]:
        seen: dict[str, None] = {}
        for mention in self.find(text):
            seen.setdefault(mention.team)
        return list(seen)


def _fold(word: str) -> str:
    return " ".join(word.casefold().split())
