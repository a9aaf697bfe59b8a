"""What a gate check is: a stable code, a phase, a one-line title, a fix hint and a function.

A check function receives a :class:`GateContext` and returns :class:`Finding` objects, one per
failure; :func:`run_check` turns them into diagnostics carrying the check's code, so check
bodies never repeat their own code or default hint.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from compiler.diagnostics import Diagnostic, Severity, SourceRange
from compiler.gates.report import CheckResult
from compiler.parse import Spec
from compiler.plan import Plan
from compiler.project import Project
from compiler.source import Path_
from compiler.specset import SpecSet

#: Builds the plan for an environment: ``(plan or None, diagnostics)``.
Planner = Callable[[Project, str], tuple[Plan | None, list[Diagnostic]]]


@dataclass(frozen=True)
class Finding:
    """One failure of a check: what is wrong, where, and optionally a more specific hint."""

    summary: str
    range: SourceRange | None
    notes: tuple[str, ...] = ()
    hint: str | None = None
    address: str | None = None


@dataclass(frozen=True)
class GateContext:
    """Everything a check may look at."""

    project: Project
    environment: str | None = None
    planner: Planner | None = None

    @property
    def specs(self) -> SpecSet:
        return self.project.specs

    def anchor(self) -> SourceRange | None:
        """Where to report that something is missing altogether: the ``specs:`` line of gtm.yaml."""
        doc = self.project.workspace_doc
        return doc.at(("specs",), key=True) if doc is not None else None

    @property
    def environment_name(self) -> str:
        if self.environment:
            return self.environment
        ws = self.project.workspace
        return ws.default_environment if ws is not None else "local"


CheckFn = Callable[[GateContext], list[Finding]]


@dataclass(frozen=True)
class GateCheck:
    """A built-in check of one phase."""

    code: str
    phase: int
    title: str
    hint: str
    fn: CheckFn


def locate(spec: Spec, *paths: Path_) -> SourceRange:
    """The position of the first of ``paths`` present in the document, else the document start."""
    for path in paths:
        rng = spec.doc.values.get(tuple(path))
        if rng is not None:
            return rng
    return spec.doc.start or spec.at()


def quoted(ident: str) -> str:
    return f'"{ident}"'


def join_words(items: list[str], conj: str = "or") -> str:
    """``a``, ``a or b``, ``a, b or c``."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conj} {items[-1]}"


def to_diagnostic(code: str, f: Finding, default_hint: str | None) -> Diagnostic:
    return Diagnostic(code, Severity.ERROR, f.summary, f.range, f.address, f.notes, f.hint or default_hint)


def run_check(check: GateCheck, ctx: GateContext) -> CheckResult:
    findings = check.fn(ctx)
    diags = tuple(to_diagnostic(check.code, f, check.hint) for f in findings)
    return CheckResult(check.code, check.phase, check.title, not diags, diags)
