"""Reporters: the same diagnostics as text, GitHub annotations or JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TextIO

from sosgen.diagnostics import Diagnostic, Severity

FORMATS = ("text", "github", "json")


def summary(diagnostics: Sequence[Diagnostic], files: int) -> str:
    errors = sum(d.severity is Severity.ERROR for d in diagnostics)
    warnings = len(diagnostics) - errors
    return (
        f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)} "
        f"in {files} file{'s' * (files != 1)} checked"
    )


def report(diagnostics: Sequence[Diagnostic], fmt: str, out: TextIO, *, files: int) -> None:
    ordered = sorted(diagnostics, key=lambda d: d.sort_key)
    if fmt == "json":
        payload = {
            "diagnostics": [
                {
                    "path": d.pos.path,
                    "line": d.pos.line,
                    "column": d.pos.column,
                    "severity": d.severity.value,
                    "rule": d.rule,
                    "message": d.message,
                }
                for d in ordered
            ],
            "errors": sum(d.severity is Severity.ERROR for d in ordered),
            "warnings": sum(d.severity is Severity.WARNING for d in ordered),
            "files": files,
        }
        out.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
        return
    for d in ordered:
        if fmt == "github":
            out.write(
                f"::{d.severity.value} file={_prop(d.pos.path)},line={d.pos.line},"
                f"col={d.pos.column},title={_prop(d.rule)}::{_data(d.message)}\n"
            )
        else:
            out.write(f"{d}\n")
    out.write(summary(ordered, files) + "\n")


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")
