"""Which phases run: --phase, else a gtm/phase-N-… branch (GITHUB_HEAD_REF first), else all."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from gate_helpers import REPO, run_gate

from compiler.gates import choose_phase, phase_from_branch, phases_through
from compiler.gates.phase import current_branch


@pytest.mark.parametrize(("branch", "phase"), [
    ("gtm/phase-2-pipeline", 2),
    ("gtm/phase-1", 1),
    ("refs/heads/gtm/phase-3-execution", 3),
    ("gtm/phase-4-analysis-q3", 4),
    ("gtm/phase-5-extra", None),
    ("gtm/phase-22-x", None),
    ("feature/gtm/phase-2-x", None),
    ("gtm/phase2-pipeline", None),
    ("main", None),
    ("", None),
    (None, None),
])
def test_phase_from_branch(branch: str | None, phase: int | None) -> None:
    assert phase_from_branch(branch) == phase


def test_github_head_ref_wins() -> None:
    env = {"GITHUB_HEAD_REF": "gtm/phase-2-pipeline"}
    choice = choose_phase(None, cwd=REPO, env=env)
    assert choice.phase == 2
    assert choice.source == "branch gtm/phase-2-pipeline"


def test_explicit_phase_wins_over_the_branch() -> None:
    choice = choose_phase(3, env={"GITHUB_HEAD_REF": "gtm/phase-1-strategy"})
    assert (choice.phase, choice.source) == (3, "--phase")


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                   env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
                        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com",
                        "HOME": str(cwd), "PATH": "/usr/bin:/bin"})


def test_current_git_branch_when_not_in_a_pull_request(tmp_path: Path) -> None:
    _git(tmp_path, "init", "-q", "-b", "gtm/phase-3-execution")
    _git(tmp_path, "commit", "-q", "--allow-empty", "-m", "x")
    assert current_branch(tmp_path, env={}) == "gtm/phase-3-execution"
    assert choose_phase(None, cwd=tmp_path, env={}).phase == 3
    _git(tmp_path, "checkout", "-q", "-b", "topic")
    choice = choose_phase(None, cwd=tmp_path, env={"GITHUB_HEAD_REF": ""})
    assert choice.phase is None and "topic" in choice.source


def test_outside_a_repository_means_all_phases(tmp_path: Path) -> None:
    assert current_branch(tmp_path, env={}) is None
    assert choose_phase(None, cwd=tmp_path, env={}).phase is None
    assert phases_through(None) == (1, 2, 3, 4)
    assert phases_through(2) == (1, 2)
    with pytest.raises(ValueError):
        phases_through(5)


def test_cli_takes_the_phase_from_github_head_ref(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_HEAD_REF", "gtm/phase-2-pipeline")
    r = run_gate("-C", str(REPO))
    assert r.exit_code == 0, r.output
    assert "phases 1..2 (branch gtm/phase-2-pipeline)" in r.stdout
    assert "GTM720" in r.stdout and "GTM730" not in r.stdout


def test_cli_branch_of_an_earlier_phase_skips_later_failures(monkeypatch: pytest.MonkeyPatch) -> None:
    root = REPO / "tests/gates/fixtures/GTM720-stage-without-exit"
    monkeypatch.chdir(root)
    monkeypatch.setenv("GITHUB_HEAD_REF", "gtm/phase-1-strategy")
    assert run_gate().exit_code == 0
    monkeypatch.setenv("GITHUB_HEAD_REF", "gtm/phase-2-pipeline")
    assert run_gate().exit_code == 1
