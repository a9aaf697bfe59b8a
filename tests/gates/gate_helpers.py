"""Shared helpers for the gate tests: fixture trees, expectations, the gate CLI, golden files.

Golden files live in ``tests/gates/golden``; regenerate them with ``GTM_UPDATE_GOLDEN=1``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
from click.testing import CliRunner
from ruamel.yaml import YAML

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
FIXTURES = HERE / "fixtures"
GOLDEN = HERE / "golden"


@dataclass(frozen=True)
class Expect:
    """``expect.yaml`` of a fixture tree: the failing check and where it points."""

    name: str
    root: Path
    code: str
    phase: int
    file: str | None
    line: int | None
    validation: tuple[str, ...]


def load_expect(root: Path) -> Expect:
    data: dict[str, Any] = YAML(typ="safe").load((root / "expect.yaml").read_text(encoding="utf-8"))
    return Expect(root.name, root, data["code"], int(data["phase"]), data.get("file"), data.get("line"),
                  tuple(data.get("validation") or ()))


def fixture_dirs() -> list[Path]:
    return sorted(p for p in FIXTURES.iterdir() if (p / "expect.yaml").is_file())


@dataclass
class GateRun:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def gate_command() -> tuple[click.Command, list[str]]:
    """``gtm gate`` through ``gtm.cli.cli`` when registered there, else the command object itself."""
    try:
        from gtm.cli import cli
    except ImportError:
        cli = None
    if isinstance(cli, click.Group) and "gate" in cli.commands:
        return cli, ["gate"]
    from gtm.commands.gate import gate

    return gate, []


def run_gate(*args: str) -> GateRun:
    cmd, prefix = gate_command()
    r = CliRunner().invoke(cmd, [*prefix, *args], catch_exceptions=True)
    if r.exception is not None and not isinstance(r.exception, SystemExit):
        import traceback

        raise AssertionError("gtm gate raised:\n" + "".join(traceback.format_exception(r.exception)))
    return GateRun(r.exit_code, r.stdout, r.stderr)





def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("GTM_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    assert path.exists(), f"golden file {path} is missing; run the tests with GTM_UPDATE_GOLDEN=1"
    want = path.read_text(encoding="utf-8")
    assert text == want, f"output differs from {path}; if intended, rerun with GTM_UPDATE_GOLDEN=1"
