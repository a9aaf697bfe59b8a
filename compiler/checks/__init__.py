"""Checks over the whole spec set: identity, references, semantics.  Each returns diagnostics."""

from __future__ import annotations

from collections.abc import Callable

from compiler.checks import identity, properties, references, semantics, spectests
from compiler.diagnostics import Diagnostic
from compiler.specset import SpecSet

Check = Callable[[SpecSet], list[Diagnostic]]

ALL_CHECKS: tuple[Check, ...] = (
    identity.check,
    references.check,
    semantics.check,
    properties.check,
    spectests.check,
)


def run_checks(ss: SpecSet) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for c in ALL_CHECKS:
        out.extend(c(ss))
    return out
