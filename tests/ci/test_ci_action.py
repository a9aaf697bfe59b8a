"""The composite action (action.yml): its metadata, and its steps run against a fake ``gtm``."""

from __future__ import annotations

from pathlib import Path

import pytest
from ci_support import ACTION, StepRunner, load_yaml, step

ACTION_DOC = load_yaml(ACTION)


def test_action_metadata_is_a_complete_composite_action() -> None:
    assert isinstance(ACTION_DOC, dict)
    assert ACTION_DOC["name"] and ACTION_DOC["description"]
    assert ACTION_DOC["runs"]["using"] == "composite"
    inputs = ACTION_DOC["inputs"]
    assert {"command", "args", "environment", "version", "python-version", "working-directory"} <= set(inputs)
    for name, spec in inputs.items():
        assert spec.get("description"), f"input {name} has no description"
        assert "default" in spec or spec.get("required"), f"input {name} needs a default"
    assert set(ACTION_DOC["outputs"]) == {"exitcode", "output-file"}
    for name, spec in ACTION_DOC["outputs"].items():
        assert spec.get("description") and spec["value"].startswith("${{ steps.run.outputs."), name
    for item in ACTION_DOC["runs"]["steps"]:
        assert "run" in item or "uses" in item
        if "run" in item:
            assert item.get("shell") == "bash", "composite run steps must name their shell"


def test_action_installs_from_its_own_path() -> None:
    install = step(ACTION_DOC, "Install gtm")
    assert install["env"]["GTM_ACTION_PATH"] == "${{ github.action_path }}"
    assert step(ACTION_DOC, "run")["working-directory"] == "${{ inputs.working-directory }}"


def run_env(**inputs: str) -> dict[str, str]:
    env = {"GTM_COMMAND": "plan", "GTM_ARGS": "", "GTM_ENVIRONMENT": "", "GTM_OK_EXITCODES": "0"}
    env.update(inputs)
    return env


def runnable(step_runner: StepRunner, name: str) -> dict[str, object]:
    item = step(ACTION_DOC, name)
    item["working-directory"] = "."  # the workspace stands in for inputs.working-directory
    return item


def test_run_passes_command_environment_and_quoted_args(step_runner: StepRunner) -> None:
    env = run_env(
        GTM_ENVIRONMENT="sandbox", GTM_ARGS="--format markdown --target 'list.companies.gtm-tier-1'"
    )
    result = step_runner.run(runnable(step_runner, "run"), env)
    assert result.returncode == 0, result.stderr
    assert result.calls == [
        ["plan", "-e", "sandbox", "--format", "markdown", "--target", "list.companies.gtm-tier-1"]
    ]
    assert result.outputs["exitcode"] == "0"
    out = Path(result.outputs["output-file"])
    assert out.read_text().startswith("fake gtm plan -e sandbox")
    assert out.parent == step_runner.workdir, "captured under RUNNER_TEMP"


def test_run_without_environment_or_args(step_runner: StepRunner) -> None:
    result = step_runner.run(runnable(step_runner, "run"), run_env(GTM_COMMAND="validate"))
    assert result.returncode == 0
    assert result.calls == [["validate"]]


@pytest.mark.parametrize(
    ("rc", "ok", "step_rc"), [("2", "0 2", 0), ("2", "0", 2), ("1", "0 2", 1), ("0", "2", 1)]
)
def test_ok_exitcodes(step_runner: StepRunner, rc: str, ok: str, step_rc: int) -> None:
    env = run_env(GTM_ARGS="--detailed-exitcode", GTM_OK_EXITCODES=ok, FAKE_GTM_RC_plan=rc)
    result = step_runner.run(runnable(step_runner, "run"), env)
    assert result.returncode == step_rc
    assert result.outputs["exitcode"] == rc, "the exit code is an output whether or not the step fails"
    assert Path(result.outputs["output-file"]).is_file()


def test_unbalanced_quotes_in_args_are_an_error(step_runner: StepRunner) -> None:
    result = step_runner.run(runnable(step_runner, "run"), run_env(GTM_ARGS="--target 'oops"))
    assert result.returncode == 1
    assert result.calls == []
    assert "cannot split the args input" in result.stdout


@pytest.fixture
def fake_pip(step_runner: StepRunner) -> Path:
    """A python3 on PATH that records its arguments instead of installing anything."""
    log = step_runner.workdir / "_pip.log"
    for name in ("python3", "python"):
        fake = step_runner.bin / name
        fake.unlink()
        fake.write_text(f'#!/usr/bin/env bash\nprintf "%s\\n" "$*" >> "{log}"\n', encoding="utf-8")
        fake.chmod(0o755)
    return log


def test_install_from_the_action_path_by_default(step_runner: StepRunner, fake_pip: Path) -> None:
    result = step_runner.run(
        step(ACTION_DOC, "Install gtm"), {"GTM_ACTION_PATH": "/actions/gtm", "GTM_VERSION": ""}
    )
    assert result.returncode == 0, result.stderr
    assert fake_pip.read_text().splitlines() == ["-m pip install --disable-pip-version-check /actions/gtm"]
    assert result.calls == [["--help"]]


def test_install_a_given_requirement(step_runner: StepRunner, fake_pip: Path) -> None:
    req = "gtm @ git+https://github.com/acme/gtm@v0.2.0"
    result = step_runner.run(step(ACTION_DOC, "Install gtm"), {"GTM_ACTION_PATH": "/a", "GTM_VERSION": req})
    assert result.returncode == 0, result.stderr
    assert fake_pip.read_text().splitlines() == [f"-m pip install --disable-pip-version-check {req}"]


@pytest.mark.parametrize("version", ["0.2.0", "v0.2.0", "==0.2.0", ">=0.2", " 1.0 "])
def test_bare_versions_are_refused(step_runner: StepRunner, fake_pip: Path, version: str) -> None:
    result = step_runner.run(
        step(ACTION_DOC, "Install gtm"), {"GTM_ACTION_PATH": "/a", "GTM_VERSION": version}
    )
    assert result.returncode == 1
    assert "unrelated project" in result.stdout
    assert not fake_pip.exists() or fake_pip.read_text() == ""


def test_run_fetches_the_base_branch_in_a_pr_check(step_runner: StepRunner) -> None:
    """In a PR check gtm reads origin/<base>:gtm.yaml to learn where a token may go (GTM626); the
    action makes that ref exist, as actions/checkout fetched only the merge commit."""
    import subprocess

    work = step_runner.workdir

    def git(*args: str, cwd: Path = work) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args], cwd=cwd,
                              capture_output=True, text=True, check=False)

    origin = work.parent / "origin.git"
    origin.mkdir()
    git("init", "-q", "--bare", cwd=origin)
    git("init", "-q", "-b", "main")
    (work / "gtm.yaml").write_text("version: 1\nname: base\n")
    git("add", "gtm.yaml")
    git("commit", "-qm", "base")
    git("remote", "add", "origin", str(origin))
    git("push", "-q", "origin", "main")
    git("update-ref", "-d", "refs/remotes/origin/main")
    assert git("rev-parse", "--verify", "-q", "refs/remotes/origin/main").returncode != 0
    env = run_env(GITHUB_EVENT_NAME="pull_request", GITHUB_BASE_REF="main", GTM_ENVIRONMENT="sandbox")
    result = step_runner.run(runnable(step_runner, "run"), env)
    assert result.returncode == 0, result.stderr
    assert git("show", "origin/main:gtm.yaml").stdout == "version: 1\nname: base\n"
    assert result.calls == [["plan", "-e", "sandbox"]]
