"""Helpers for the CI tests: load workflows, run their shell steps with a fake ``gtm``, find actionlint."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / ".github" / "workflows"
ACTION = ROOT / "action.yml"
INSTALLER = ROOT / "tests" / "ci" / "install_actionlint.sh"
RUNNER = ROOT / "tests" / "ci" / "actionlint_runner.cjs"
WASM_PACKAGE = ROOT / ".tools" / "actionlint" / "node_modules" / "@tktco" / "node-actionlint"


def load_yaml(path: Path) -> Any:
    """Parse YAML 1.2 (so ``on:`` stays a string key, as GitHub reads it)."""
    return YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))


def dump_yaml(data: Any) -> str:
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    stream = io.StringIO()
    yaml.dump(data, stream)
    return stream.getvalue()


def workflow_files() -> list[Path]:
    return sorted(WORKFLOWS.glob("*.yml"))


def step(doc: dict[str, Any], step_id: str, job: str | None = None) -> dict[str, Any]:
    """The step with ``id: step_id`` (or ``name: step_id``) in a workflow job or a composite action."""
    if "runs" in doc:
        steps = doc["runs"]["steps"]
    else:
        jobs = doc["jobs"]
        steps = jobs[job or next(iter(jobs))]["steps"]
    for item in steps:
        if step_id in (item.get("id"), item.get("name")):
            return dict(item)
    raise KeyError(step_id)


FAKE_GTM = """#!{python}
import json, os, sys
args = sys.argv[1:]
with open(os.environ["FAKE_GTM_LOG"], "a", encoding="utf-8") as log:
    log.write(json.dumps(args) + "\\n")
cmd = args[0] if args else ""
fmt = args[args.index("--format") + 1] if "--format" in args[:-1] else "text"
print(os.environ.get("FAKE_GTM_OUT_" + cmd + "_" + fmt, "fake gtm " + " ".join(args)))
sys.exit(int(os.environ.get("FAKE_GTM_RC_" + cmd, "0")))
"""


@dataclass
class StepResult:
    returncode: int
    stdout: str
    stderr: str
    outputs: dict[str, str]
    summary: str
    calls: list[list[str]]


class StepRunner:
    """Runs the ``run:`` script of a step as GitHub's bash shell would, with a fake ``gtm`` on PATH."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.bin = workdir / "_bin"
        self.bin.mkdir(parents=True, exist_ok=True)
        fake = self.bin / "gtm"
        fake.write_text(FAKE_GTM.format(python=sys.executable), encoding="utf-8")
        fake.chmod(0o755)
        for name in ("python", "python3"):
            link = self.bin / name
            if not link.exists():
                link.symlink_to(sys.executable)
        self.log = workdir / "_gtm_calls.jsonl"

    def run(self, script_step: dict[str, Any], env: dict[str, str] | None = None) -> StepResult:
        script = script_step["run"]
        assert "${{" not in script, "run scripts take expressions through env:, never inline"
        output = self.workdir / "_github_output"
        summary = self.workdir / "_step_summary"
        for path in (output, summary, self.log):
            path.write_text("", encoding="utf-8")
        script_file = self.workdir / "_step.sh"
        script_file.write_text(script, encoding="utf-8")
        full_env = {
            "PATH": f"{self.bin}{os.pathsep}{os.environ.get('PATH', '')}",
            "HOME": os.environ.get("HOME", str(self.workdir)),
            "PYTHONPATH": str(ROOT),
            "GITHUB_OUTPUT": str(output),
            "GITHUB_STEP_SUMMARY": str(summary),
            "RUNNER_TEMP": str(self.workdir),
            "FAKE_GTM_LOG": str(self.log),
        }
        full_env.update(env or {})
        workdir = self.workdir / script_step.get("working-directory", ".")
        proc = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script_file)],
            cwd=workdir,
            env=full_env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        outputs = {}
        for line in output.read_text(encoding="utf-8").splitlines():
            key, _, value = line.partition("=")
            outputs[key] = value
        calls = [json.loads(line) for line in self.log.read_text(encoding="utf-8").splitlines() if line]
        return StepResult(
            proc.returncode, proc.stdout, proc.stderr, outputs, summary.read_text(encoding="utf-8"), calls
        )


# -- actionlint ----------------------------------------------------------------------------


@dataclass
class Actionlint:
    """actionlint, either the WebAssembly build under Node or a native binary on PATH."""

    kind: str  # "wasm" or "native"
    command: list[str]

    def lint(self, *files: Path) -> list[dict[str, Any]]:
        """Problems found in ``files``: dicts with file, line, column, message, kind."""
        names = [str(f) for f in files]
        if self.kind == "wasm":
            proc = subprocess.run(
                [*self.command, *names], capture_output=True, text=True, timeout=120, check=False
            )
            if proc.returncode != 0:
                raise RuntimeError(f"actionlint runner failed ({proc.returncode}): {proc.stderr.strip()}")
            return list(json.loads(proc.stdout))
        proc = subprocess.run(
            [*self.command, "-no-color", "-format", "{{json .}}", *names],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if proc.returncode not in (0, 1):
            raise RuntimeError(f"actionlint failed ({proc.returncode}): {proc.stderr.strip()}")
        found = json.loads(proc.stdout or "[]") or []
        keys = {"file": "filepath", "line": "line", "column": "column", "message": "message", "kind": "kind"}
        return [{ours: e.get(theirs) for ours, theirs in keys.items()} for e in found]


def find_actionlint() -> Actionlint | None:
    """The project-local WebAssembly actionlint (tests/ci/install_actionlint.sh), else one on PATH."""
    node = shutil.which("node")
    if node and (WASM_PACKAGE / "build" / "run-lint.js").is_file():
        return Actionlint("wasm", [node, str(RUNNER), str(WASM_PACKAGE)])
    native = shutil.which("actionlint")
    if native:
        return Actionlint("native", [native])
    return None


def format_problems(problems: list[dict[str, Any]]) -> str:
    return "\n".join(f"{p['file']}:{p['line']}:{p['column']}: {p['message']} [{p['kind']}]" for p in problems)
