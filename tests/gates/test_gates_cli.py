"""``gtm gate`` exit codes and options: spec errors fail the gate, bad input is a clean error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from gate_helpers import run_gate


def test_spec_errors_fail_the_gate_even_when_checks_pass(example_copy: Path) -> None:
    spec = example_copy / "specs/slas.yaml"
    spec.write_text(spec.read_text(encoding="utf-8").replace("respond_within: 2h", "respond_within: 2 hours"),
                    encoding="utf-8")
    r = run_gate("--phase", "1")
    assert r.exit_code == 1
    assert "error[GTM106]" in r.stderr and "specs/slas.yaml:7:" in r.stderr
    assert "GTM304" not in r.stderr  # the band still names a declared SLA: no follow-on error
    assert "[ ] specs load and validate: 1 error" in r.stdout
    assert "[ ] GTM" not in r.stdout  # every phase-1 check itself passes
    assert "Gate failed: 1 spec error (phase 1)." in r.stdout


def test_json_carries_spec_errors(example_copy: Path) -> None:
    (example_copy / "specs/broken.yaml").write_text("kind: Tier\n", encoding="utf-8")
    r = run_gate("--phase", "1", "--format", "json")
    data = json.loads(r.stdout)
    assert r.exit_code == 1 and data["passed"] is False
    assert [d["code"] for d in data["validation"]] == ["GTM012"]


def test_missing_workspace_is_an_error_not_a_traceback(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    r = run_gate("--phase", "2")
    assert r.exit_code == 1
    assert "GTM201" in r.output


@pytest.mark.parametrize("phase", ["0", "5", "two"])
def test_bad_phase_is_a_usage_error(phase: str, example_copy: Path) -> None:
    assert run_gate("--phase", phase).exit_code == 2


def test_unknown_environment_fails_the_drift_check(example_copy: Path) -> None:
    r = run_gate("--phase", "4", "-e", "prod")
    assert r.exit_code == 1
    assert "[ ] GTM740" in r.stdout
    assert 'unknown environment "prod"' in r.stdout


def test_no_phase_anywhere_runs_every_phase(example_copy: Path, no_branch: None) -> None:
    r = run_gate()
    assert "phases 1..4 (branch feature/no-phase names no phase; all phases)" in r.stdout
    assert "GTM740" in r.stdout


def test_github_format_prints_annotations_and_the_summary(example_copy: Path) -> None:
    icp = example_copy / "specs/icp.yaml"
    text = icp.read_text(encoding="utf-8")
    icp.write_text(text.replace("    triggers: [peak season]\n", ""), encoding="utf-8")
    r = run_gate("--phase", "1", "--format", "github")
    assert r.exit_code == 1
    first, summary = r.stdout.splitlines()
    assert first.startswith("::error file=specs/icp.yaml,line=18,") and "title=GTM712" in first
    assert summary == "Gate failed: 1 of 7 checks failed (phase 1)."
