"""Phase quality gates: the built-in checks of phases 1–4 plus the team's custom checks.

A pull request for phase N must pass the checks of phases 1..N (DESIGN.md, "Phase quality
gates").  :func:`run_gates` runs them over a loaded project and returns a
:class:`GateReport` with every check's result; spec errors found while loading are carried
in ``report.validation`` and fail the gate too.

Modules: :mod:`.builtin` (the registry of built-in checks), :mod:`.strategy`,
:mod:`.building`, :mod:`.execution`, :mod:`.drift` (the checks of phases 1–4),
:mod:`.custom` (checks from gtm.yaml), :mod:`.trust` (the trust rule), :mod:`.reach`
(implication between conditions), :mod:`.phase` (phase from a branch name),
:mod:`.report` (result types).
"""

from __future__ import annotations

from compiler.gates.base import GateCheck, GateContext, Planner, run_check
from compiler.gates.builtin import BUILTIN_CHECKS, checks_for
from compiler.gates.custom import run_custom_checks
from compiler.gates.phase import PhaseChoice, choose_phase, phase_from_branch
from compiler.gates.report import PHASE_TITLES, PHASES, CheckResult, GateReport, phase_span
from compiler.project import Project

__all__ = [
    "BUILTIN_CHECKS",
    "PHASES",
    "PHASE_TITLES",
    "CheckResult",
    "GateCheck",
    "GateReport",
    "PhaseChoice",
    "Planner",
    "choose_phase",
    "phase_from_branch",
    "phase_span",
    "phases_through",
    "run_gates",
]


def phases_through(phase: int | None) -> tuple[int, ...]:
    """Phases 1..N (every phase when ``phase`` is None)."""
    if phase is None:
        return PHASES
    if phase not in PHASES:
        raise ValueError(f"phase must be one of {', '.join(map(str, PHASES))}, not {phase}")
    return tuple(p for p in PHASES if p <= phase)


def run_gates(project: Project, phase: int | None, environment: str | None = None,
              planner: Planner | None = None, phase_source: str | None = None) -> GateReport:
    """Run the checks of phases 1..``phase`` (all when None); ``environment`` is for the drift check."""
    phases = phases_through(phase)
    ctx = GateContext(project, environment, planner)
    results: list[CheckResult] = [run_check(c, ctx) for c in checks_for(phases)]
    results.extend(run_custom_checks(project, phases, {c.code for c in BUILTIN_CHECKS}))
    results.sort(key=lambda r: (r.phase, r.custom))
    validation = [d for d in project.diagnostics.sorted() if d.is_error]
    env = ctx.environment_name if 4 in phases else environment
    return GateReport(phases, results, validation, env, phase_source)
