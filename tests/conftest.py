"""Shared test fixtures: the repo root, a fresh copy of a workspace, and a CLI runner."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

REPO = Path(__file__).resolve().parent.parent


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


@pytest.fixture(autouse=True)
def _not_a_pr_check(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests run outside GitHub's PR-check mode even when CI runs them for a pull request (in that mode gtm
    sends a token only to the host the base branch names; tests/ci/test_pr_trusted_host.py sets it up)."""
    for name in ("GITHUB_EVENT_NAME", "GITHUB_BASE_REF", "GTM_TRUSTED_WORKSPACE"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def repo() -> Path:
    return REPO


@pytest.fixture
def example_ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private copy of the example workspace (gtm.yaml + specs/), as the current directory."""
    ws = tmp_path / "ws"
    ws.mkdir()
    shutil.copy(REPO / "gtm.yaml", ws / "gtm.yaml")
    shutil.copytree(REPO / "specs", ws / "specs")
    monkeypatch.chdir(ws)
    yield ws


def check_golden(path: Path, actual: str) -> None:
    """``actual`` equals the golden file at ``path`` (``GTM_UPDATE_GOLDEN=1`` rewrites it first)."""
    if os.environ.get("GTM_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"missing golden {path}; run with GTM_UPDATE_GOLDEN=1"
    assert actual == path.read_text(encoding="utf-8"), f"{path} differs (GTM_UPDATE_GOLDEN=1 regenerates)"


def plan_apply_converge() -> Run:
    """Plan (changes expected), apply, plan again (none expected); the last plan's run."""
    first = gtm("plan", "--detailed-exitcode")
    assert first.exit_code == 2, first.output
    applied = gtm("apply", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    again = gtm("plan", "--detailed-exitcode")
    assert again.exit_code == 0, again.output
    return again


def gtm(*args: str, input: str | None = None) -> Run:
    """Run the CLI in-process (cwd is the caller's); never raises."""
    from gtm.cli import cli

    r = CliRunner().invoke(cli, list(args), input=input, catch_exceptions=True)
    if r.exception is not None and not isinstance(r.exception, SystemExit):
        import traceback

        tb = "".join(traceback.format_exception(r.exception))
        raise AssertionError(f"gtm {' '.join(args)} raised:\n{tb}")
    return Run(r.exit_code, r.stdout, r.stderr)


@pytest.fixture
def run_gtm() -> object:
    return gtm
