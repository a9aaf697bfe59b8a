"""The result types of the phase quality gates: one :class:`CheckResult` per check, one report.

A report is plain data: the CLI renders it as a checklist (text), JSON, Markdown (a PR
comment) or GitHub annotations, all from the same object.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from compiler.diagnostics import Diagnostic

FORMAT_VERSION = "1.0"
PHASES: tuple[int, ...] = (1, 2, 3, 4)
PHASE_TITLES: dict[int, str] = {
    1: "strategy & foundation",
    2: "pipeline building",
    3: "execution",
    4: "analysis",
}


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one gate check; ``diagnostics`` holds one entry per failure."""

    code: str
    phase: int
    title: str
    passed: bool
    diagnostics: tuple[Diagnostic, ...] = ()
    custom: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "phase": self.phase,
            "title": self.title,
            "passed": self.passed,
            "custom": self.custom,
            "diagnostics": [d.to_dict() for d in self.diagnostics],
        }


@dataclass
class GateReport:
    """Every check's result for the phases that ran, plus the spec errors that also fail the gate."""

    phases: tuple[int, ...]
    results: list[CheckResult] = field(default_factory=list)
    validation: list[Diagnostic] = field(default_factory=list)
    environment: str | None = None
    phase_source: str | None = None  # how the phase was chosen, e.g. "branch gtm/phase-2-pipeline"

    @property
    def max_phase(self) -> int:
        return max(self.phases) if self.phases else 0

    @property
    def failed(self) -> list[CheckResult]:
        return [r for r in self.results if not r.passed]

    @property
    def passed(self) -> bool:
        return not self.failed and not any(d.is_error for d in self.validation)

    def by_phase(self) -> dict[int, list[CheckResult]]:
        out: dict[int, list[CheckResult]] = {p: [] for p in self.phases}
        for r in self.results:
            out.setdefault(r.phase, []).append(r)
        return out

    def summary_line(self) -> str:
        total = len(self.results)
        bad = len(self.failed)
        errors = sum(1 for d in self.validation if d.is_error)
        span = _span(self.phases)
        if self.passed:
            return f"Gate passed: {total} of {total} checks passed ({span})."
        parts = []
        if bad:
            parts.append(f"{bad} of {total} check{'s' if total != 1 else ''} failed")
        if errors:
            parts.append(f"{errors} spec error{'s' if errors != 1 else ''}")
        return f"Gate failed: {', '.join(parts)} ({span})."

    def to_dict(self) -> dict[str, Any]:
        return {
            "format_version": FORMAT_VERSION,
            "passed": self.passed,
            "phases": list(self.phases),
            "phase_source": self.phase_source,
            "environment": self.environment,
            "summary": {
                "checks": len(self.results),
                "failed": len(self.failed),
                "validation_errors": sum(1 for d in self.validation if d.is_error),
            },
            "checks": [r.to_dict() for r in self.results],
            "validation": [d.to_dict() for d in self.validation],
        }


def _span(phases: tuple[int, ...]) -> str:
    if not phases:
        return "no phases"
    if len(phases) == 1:
        return f"phase {phases[0]}"
    return f"phases {min(phases)}..{max(phases)}"


def phase_span(phases: tuple[int, ...]) -> str:
    """``phase 1`` / ``phases 1..3`` for headings and summaries."""
    return _span(phases)
