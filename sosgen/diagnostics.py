"""Diagnostics: every problem sosgen finds is a value, collected and reported at once."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True, order=True)
class Pos:
    """A place in a file: repository-relative POSIX path, 1-based line and column."""

    path: str
    line: int = 1
    column: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    pos: Pos
    severity: Severity
    message: str
    rule: str

    @property
    def sort_key(self) -> tuple[str, int, int, bool, str, str]:
        p = self.pos
        return (
            p.path,
            p.line,
            p.column,
            self.severity is Severity.WARNING,
            self.rule,
            self.message,
        )

    def __str__(self) -> str:
        return f"{self.pos}: {self.severity.value}: {self.message} [{self.rule}]"


def error(pos: Pos, rule: str, message: str) -> Diagnostic:
    return Diagnostic(pos, Severity.ERROR, message, rule)


def warning(pos: Pos, rule: str, message: str) -> Diagnostic:
    return Diagnostic(pos, Severity.WARNING, message, rule)
