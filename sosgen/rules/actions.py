"""Rules on action items, derived from the whole history of meetings."""

from __future__ import annotations

from sosgen.rules import Rule

RULES: tuple[Rule, ...] = ()
