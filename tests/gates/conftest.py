"""Fixtures for the gate tests (the helpers themselves live in ``gate_helpers``)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from gate_helpers import REPO, GateRun, check_golden, run_gate


@pytest.fixture
def gate_cli() -> Callable[..., GateRun]:
    return run_gate


@pytest.fixture
def example_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the example workspace, as the current directory."""
    ws = tmp_path / "ws"
    ws.mkdir()
    shutil.copy(REPO / "gtm.yaml", ws / "gtm.yaml")
    shutil.copytree(REPO / "specs", ws / "specs")
    monkeypatch.chdir(ws)
    return ws


@pytest.fixture
def no_branch(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make branch inference deterministic: a PR branch that names no phase."""
    monkeypatch.setenv("GITHUB_HEAD_REF", "feature/no-phase")


@pytest.fixture
def golden() -> Callable[[str, str], None]:
    return check_golden
