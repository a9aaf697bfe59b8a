"""Phase 4: no drift, with a stand-in planner (the real one is exercised by the GTM740 fixture)."""

from __future__ import annotations

from pathlib import Path

import pytest
from gate_helpers import REPO

from compiler.diagnostics import Diagnostic, SourceRange, error
from compiler.gates import run_gates
from compiler.gates.drift import MAX_FINDINGS
from compiler.ir import Resource
from compiler.plan import AttrChange, Change, Plan
from compiler.project import Project, load_project

SRC = SourceRange("specs/pipeline.yaml", 4, 5)


def _project(monkeypatch: pytest.MonkeyPatch) -> Project:
    monkeypatch.chdir(REPO)
    return load_project(REPO)


def planner_returning(plan: Plan | None, diags: list[Diagnostic] | None = None,
                      seen: list[str] | None = None):  # type: ignore[no-untyped-def]
    def make_plan(project: Project, env: str) -> tuple[Plan | None, list[Diagnostic]]:
        if seen is not None:
            seen.append(env)
        return plan, diags or []
    return make_plan


def test_no_changes_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []
    report = run_gates(_project(monkeypatch), 4, None, planner_returning(Plan("local", "local"), seen=seen))
    assert report.passed
    assert seen == ["local"]  # the workspace's default environment
    assert report.environment == "local"


def test_changes_fail_at_their_source(monkeypatch: pytest.MonkeyPatch) -> None:
    before = Resource("pipeline", "deals", "gtm-new-business", {"label": "Old"})
    after = Resource("pipeline", "deals", "gtm-new-business", {"label": "New Business"}, SRC,
                     origin="Pipeline")
    gone = Resource("property", "contacts", "gtm_legacy", {})
    plan = Plan("sandbox", "hubspot", [Change("update", before, after, [AttrChange("label", "Old", "New")]),
                                       Change("delete", gone, None)])
    seen: list[str] = []
    report = run_gates(_project(monkeypatch), 4, "sandbox", planner_returning(plan, seen=seen))
    assert seen == ["sandbox"]
    (r,) = report.failed
    upd, dele = r.diagnostics
    assert (r.code, upd.range, upd.address) == ("GTM740", SRC, "pipeline.deals.gtm-new-business")
    assert upd.summary == "pipeline.deals.gtm-new-business differs from the specs in 1 attribute: label"
    assert dele.summary == "property.contacts.gtm_legacy is in sandbox but no longer in the specs"
    assert dele.range is None
    assert "gtm apply -e sandbox" in (upd.hint or "")


def test_many_changes_are_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    changes = [Change("create", None, Resource("list", "contacts", f"gtm-l{i}", {}, SRC)) for i in range(120)]
    report = run_gates(_project(monkeypatch), 4, None, planner_returning(Plan("local", "local", changes)))
    diags = report.failed[0].diagnostics
    assert len(diags) == MAX_FINDINGS + 1
    assert diags[-1].summary.startswith("… and 70 more differences (Plan: 120 to add")


def test_planning_errors_fail_the_check(monkeypatch: pytest.MonkeyPatch) -> None:
    bad = error("GTM202", 'unknown environment "prod"', SourceRange("gtm.yaml", 6, 1), hint="did you mean?")
    report = run_gates(_project(monkeypatch), 4, "prod", planner_returning(None, [bad]))
    (d,) = report.failed[0].diagnostics
    assert d.summary == 'cannot plan against environment "prod": [GTM202] unknown environment "prod"'
    assert d.range == SourceRange("gtm.yaml", 6, 1)


def test_phase_4_is_not_run_for_earlier_phases(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(project: Project, env: str) -> tuple[Plan | None, list[Diagnostic]]:
        raise AssertionError("planned")

    report = run_gates(_project(monkeypatch), 3, None, boom)
    assert "GTM740" not in {r.code for r in report.results}


def test_real_planner_is_found_lazily(tmp_path: Path, example_copy: Path) -> None:
    pytest.importorskip("gtm.planning")
    report = run_gates(load_project(example_copy), 4)  # no planner passed: gtm.planning.make_plan
    (r,) = report.failed
    assert r.code == "GTM740" and r.diagnostics
