"""Shared test fixtures: the repo root, a fresh copy of a workspace, and a CLI runner."""

from __future__ import annotations

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
