"""Data-driven gate tests: each fixture tree fails exactly one check at its phase.

A fixture is ``tests/gates/fixtures/<code>-<slug>/`` (gtm.yaml + specs/, the example with one
minimal break) plus ``expect.yaml`` naming the check, the phase and the file:line the failure
must point at.  Every fixture passes the phases before its own.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from gate_helpers import FIXTURES, REPO, Expect, fixture_dirs, load_expect, run_gate

from compiler.gates import BUILTIN_CHECKS, GateReport, run_gates
from compiler.project import load_project

EXPECTS = [load_expect(p) for p in fixture_dirs()]
OFFLINE = [e for e in EXPECTS if e.phase < 4]


def _report(e: Expect, phase: int, monkeypatch: pytest.MonkeyPatch) -> GateReport:
    monkeypatch.chdir(e.root)  # diagnostics show paths relative to the current directory
    return run_gates(load_project(e.root), phase)


def test_every_builtin_check_has_a_fixture() -> None:
    codes = {e.code for e in EXPECTS}
    missing = [c.code for c in BUILTIN_CHECKS if c.code not in codes]
    assert not missing, f"no fixture under {FIXTURES} fails {missing}"


def test_fixture_trees_are_complete() -> None:
    for e in EXPECTS:
        assert (e.root / "gtm.yaml").is_file(), e.name
        assert sorted(p.name for p in (e.root / "specs").glob("*.yaml")), e.name
        assert e.name.startswith(e.code + "-"), e.name


@pytest.mark.parametrize("e", OFFLINE, ids=[e.name for e in OFFLINE])
def test_fixture_fails_exactly_its_check(e: Expect, monkeypatch: pytest.MonkeyPatch) -> None:
    report = _report(e, e.phase, monkeypatch)
    assert [r.code for r in report.failed] == [e.code]
    assert not report.passed
    failed = report.failed[0]
    assert failed.phase == e.phase
    assert all(d.code == e.code for d in failed.diagnostics)
    where = [(d.range.file, d.range.line) for d in failed.diagnostics if d.range is not None]
    assert (e.file, e.line) in where, f"{e.name}: expected a failure at {e.file}:{e.line}, got {where}"
    assert all(d.hint for d in failed.diagnostics), "every failure carries a fix hint"
    unexpected = sorted({d.code for d in report.validation} - set(e.validation))
    assert not unexpected, f"{e.name}: unexpected spec errors {unexpected}"


@pytest.mark.parametrize("e", [e for e in OFFLINE if e.phase > 1], ids=lambda e: e.name)
def test_fixture_passes_earlier_phases(e: Expect, monkeypatch: pytest.MonkeyPatch) -> None:
    report = _report(e, e.phase - 1, monkeypatch)
    assert report.failed == []
    assert report.phases == tuple(range(1, e.phase))


@pytest.mark.parametrize("e", OFFLINE, ids=[e.name for e in OFFLINE])
def test_fixture_through_the_cli(e: Expect, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(e.root)
    r = run_gate("--phase", str(e.phase))
    assert r.exit_code == 1, r.output
    assert f"[ ] {e.code}" in r.stdout
    assert f"{e.file}:{e.line}:" in r.stdout
    unchecked = [ln.split()[2] for ln in r.stdout.splitlines() if ln.startswith("  [ ] ")]
    assert [c for c in unchecked if c != "specs"] == [e.code], r.stdout
    assert "Gate failed" in r.stdout


def test_drift_fixture_fails_against_a_fresh_local_database(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from gtm.planning import make_plan

    e = next(x for x in EXPECTS if x.code == "GTM740")
    root = tmp_path / e.name
    shutil.copytree(e.root, root)
    monkeypatch.chdir(root)
    report = run_gates(load_project(root), 4, planner=make_plan)
    assert [r.code for r in report.failed] == ["GTM740"]
    drift = report.failed[0].diagnostics
    assert drift and all("missing from local" in d.summary for d in drift if d.address)
    assert any(d.range is not None and d.range.file.startswith("specs/") for d in drift)
    r = run_gate("--phase", "4", "-C", str(root))
    assert r.exit_code == 1
    assert "[ ] GTM740" in r.stdout


def test_example_passes_phase_3(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    report = run_gates(load_project(REPO), 3)
    assert report.passed, [d.summary for r in report.failed for d in r.diagnostics]
    assert {r.code for r in report.results} >= {c.code for c in BUILTIN_CHECKS if c.phase <= 3}
    assert "NW001" in {r.code for r in report.results}
    r = run_gate("--phase", "3", "-C", str(REPO))
    assert r.exit_code == 0, r.output
    assert "[ ]" not in r.stdout
    assert "Gate passed: 20 of 20 checks passed (phases 1..3)." in r.stdout


def test_example_passes_with_explicit_specs_dir(example_copy: Path) -> None:
    shutil.move(example_copy / "specs", example_copy / "elsewhere")
    r = run_gate("--phase", "3", "--specs", str(example_copy / "elsewhere"))
    assert r.exit_code == 0, r.output
