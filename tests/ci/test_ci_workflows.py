"""The workflows' structure, and their shell steps run for real against a fake ``gtm``."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from ci_fake_github import FakeGitHub
from ci_support import ACTION, WORKFLOWS, StepRunner, load_yaml, step, workflow_files

PR = load_yaml(WORKFLOWS / "gtm-pr.yml")
DRIFT = load_yaml(WORKFLOWS / "gtm-drift.yml")
APPLY = load_yaml(WORKFLOWS / "gtm-apply.yml")
CI = load_yaml(WORKFLOWS / "ci.yml")


def all_steps(doc: dict[str, Any]) -> list[dict[str, Any]]:
    if "runs" in doc:
        return list(doc["runs"]["steps"])
    return [s for job in doc["jobs"].values() for s in job.get("steps", [])]


# -- structure ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", [*workflow_files(), ACTION], ids=lambda p: p.name)
def test_run_scripts_are_valid_bash_without_inline_expressions(path: Path) -> None:
    """Expressions reach scripts through env: (no script injection), and every script parses."""
    for item in all_steps(load_yaml(path)):
        if "run" not in item:
            continue
        script = item["run"]
        assert "${{" not in script, f"{path.name}: step {item.get('name')!r} inlines an expression"
        proc = subprocess.run(["bash", "-n"], input=script, capture_output=True, text=True, check=False)
        assert proc.returncode == 0, f"{path.name}: {item.get('name')!r}: {proc.stderr}"


@pytest.mark.parametrize("path", workflow_files(), ids=lambda p: p.name)
def test_every_workflow_declares_minimal_permissions_and_timeouts(path: Path) -> None:
    doc = load_yaml(path)
    permissions = doc.get("permissions")
    assert isinstance(permissions, dict), "top-level permissions: must be explicit"
    assert permissions.get("contents") == "read"
    assert set(permissions.values()) <= {"read", "write", "none"}
    for name, job in doc["jobs"].items():
        assert "timeout-minutes" in job, f"job {name} has no timeout"


def test_permissions_are_only_what_each_workflow_needs() -> None:
    assert PR["permissions"] == {"contents": "read", "pull-requests": "write"}
    assert DRIFT["permissions"] == {"contents": "read", "issues": "write"}
    assert APPLY["permissions"] == {"contents": "read"}
    assert CI["permissions"] == {"contents": "read"}


def test_pr_workflow_shape() -> None:
    assert set(PR["on"]) == {"pull_request"}
    steps = PR["jobs"]["gtm"]["steps"]
    assert steps[0]["uses"].startswith("actions/checkout@")
    assert steps[1]["uses"].startswith("actions/setup-python@")
    assert "pip install ." in step(PR, "install")["run"]
    fetch = step(PR, "Fetch the base branch")["run"]
    assert "refs/remotes/origin/${BASE_REF}" in fetch, "gtm reads the base branch's gtm.yaml (GTM626)"
    assert step(PR, "target")["env"] == {"HUBSPOT_SANDBOX_TOKEN": "${{ secrets.HUBSPOT_SANDBOX_TOKEN }}"}
    for name in ("gate", "plan"):
        assert step(PR, name)["env"]["GTM_TARGET"] == "${{ steps.target.outputs.environment }}"
    comment = step(PR, "Update the sticky PR comment")
    assert "python -m gtm.ci.sticky_comment" in comment["run"]
    assert "head.repo.full_name == github.repository" in comment["if"], "fork PRs have a read-only token"
    assert PR["concurrency"]["cancel-in-progress"] is True


def test_drift_workflow_shape() -> None:
    assert set(DRIFT["on"]) == {"schedule", "workflow_dispatch"}
    assert DRIFT["on"]["schedule"][0]["cron"]
    plan = step(DRIFT, "plan")
    assert "gtm plan -e production --detailed-exitcode --format markdown" in plan["run"]
    assert plan["env"] == {"HUBSPOT_TOKEN": "${{ secrets.HUBSPOT_TOKEN }}"}
    issue = step(DRIFT, "Open, update or close the drift issue")
    assert "python -m gtm.ci.drift_issue" in issue["run"]
    assert issue["env"]["GITHUB_TOKEN"] == "${{ github.token }}"


def test_apply_workflow_never_overlaps_and_waits_for_reviewers() -> None:
    assert APPLY["on"] == {"push": {"branches": ["main"]}}
    assert APPLY["concurrency"] == {"group": "gtm-apply-production", "cancel-in-progress": False}
    job = APPLY["jobs"]["apply"]
    assert job["environment"] == "production"
    apply = step(APPLY, "Apply")
    assert "gtm apply -e production --auto-approve" in apply["run"]
    assert apply["env"] == {"HUBSPOT_TOKEN": "${{ secrets.HUBSPOT_TOKEN }}"}


def test_ci_workflow_runs_the_project_script_and_the_action() -> None:
    assert any(s.get("run") == "bash .ci/run" for s in CI["jobs"]["ci"]["steps"])
    assert any(s.get("uses") == "./" for s in CI["jobs"]["action"]["steps"])


# -- PR steps, run -----------------------------------------------------------------------


@pytest.mark.parametrize(("token", "target"), [("", "local"), ("pat-na1-sandbox", "sandbox")])
def test_environment_is_sandbox_only_with_its_token(step_runner: StepRunner, token: str, target: str) -> None:
    result = step_runner.run(step(PR, "target"), {"HUBSPOT_SANDBOX_TOKEN": token})
    assert result.returncode == 0
    assert result.outputs == {"environment": target}
    assert token == "" or token not in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("branch", "phase"),
    [
        ("gtm/phase-3-slas", "3"),
        ("gtm/phase-1", "1"),
        ("gtm/phase-4-launch-review", "4"),
        ("gtm/phase-12-later", "12"),  # gtm gate rejects it: a clear error beats a silent default
        ("feature/phase-3-x", "3"),
        ("gtm/phase-x-typo", "3"),
        ("gtm/phase-2x", "3"),
        ("", "3"),
    ],
)
def test_gate_phase_comes_from_the_branch(step_runner: StepRunner, branch: str, phase: str) -> None:
    result = step_runner.run(step(PR, "gate"), {"GITHUB_HEAD_REF": branch, "GTM_TARGET": "local"})
    assert result.returncode == 0, result.stderr
    args = ["gate", "--phase", phase, "-e", "local"]
    assert result.calls == [[*args, "--format", "markdown"], [*args, "--format", "github"]]
    assert result.outputs == {"phase": phase, "exitcode": "0"}
    assert (step_runner.workdir / "gate.md").read_text().startswith("fake gtm gate")


def test_failing_gate_fails_the_step(step_runner: StepRunner) -> None:
    env = {"GITHUB_HEAD_REF": "gtm/phase-2-x", "GTM_TARGET": "sandbox", "FAKE_GTM_RC_gate": "1"}
    result = step_runner.run(step(PR, "gate"), env)
    assert result.returncode == 1
    assert result.outputs["exitcode"] == "1"
    assert len(result.calls) == 2, "annotations are still produced"


def test_validate_step_records_output_and_fails(step_runner: StepRunner) -> None:
    env = {"FAKE_GTM_RC_validate": "1", "FAKE_GTM_OUT_validate_text": "specs/a.yaml:1:1: error[GTM101]: x"}
    result = step_runner.run(step(PR, "validate"), env)
    assert result.returncode == 1
    assert result.outputs["exitcode"] == "1"
    assert "error[GTM101]" in (step_runner.workdir / "validate.txt").read_text()


@pytest.mark.parametrize(
    ("target", "rc", "step_rc"), [("local", "0", 0), ("sandbox", "2", 0), ("local", "1", 1)]
)
def test_plan_target_and_exit_codes(step_runner: StepRunner, target: str, rc: str, step_rc: int) -> None:
    result = step_runner.run(step(PR, "plan"), {"GTM_TARGET": target, "FAKE_GTM_RC_plan": rc})
    assert result.returncode == step_rc
    assert result.outputs == {"exitcode": rc}
    assert result.calls == [
        ["plan", "-e", target, "--detailed-exitcode", "--format", "markdown"],
        ["plan", "-e", target, "--format", "github"],
    ]


def compose_env(**overrides: str) -> dict[str, str]:
    env = {
        "VALIDATE_RC": "0",
        "GATE_RC": "0",
        "GATE_PHASE": "2",
        "PLAN_RC": "2",
        "PLAN_ENV": "local",
        "HEAD_SHA": "abcdef0123456789",
        "RUN_URL": "https://github.example/acme/gtm-config/actions/runs/4242",
    }
    env.update(overrides)
    return env


def test_compose_comment(step_runner: StepRunner) -> None:
    (step_runner.workdir / "plan.md").write_text("Plan: 3 to add, 0 to change, 0 to destroy.\n")
    (step_runner.workdir / "gate.md").write_text("| GTM701 | ✅ |\n")
    (step_runner.workdir / "validate.txt").write_text("specs ok\n")
    result = step_runner.run(step(PR, "compose"), compose_env())
    assert result.returncode == 0, result.stderr
    comment = (step_runner.workdir / "comment.md").read_text()
    assert "| `gtm validate` | ✅ passed |" in comment
    assert "| `gtm gate` (phases 1..2) | ✅ passed |" in comment
    assert "| `gtm plan -e local` | 📝 changes |" in comment
    assert "Plan: 3 to add" in comment and "GTM701" in comment
    assert "### Plan (`local`)\n\nPlan: 3 to add" in comment
    assert "Validation" not in comment, "validation output only when it failed"
    assert "local provider" in comment
    assert "`abcdef012345`" in comment
    assert result.summary == comment


def test_compose_comment_when_checks_failed_or_did_not_run(step_runner: StepRunner) -> None:
    (step_runner.workdir / "validate.txt").write_text("specs/x.yaml:3:1: error[GTM101]: unknown key\n")
    env = compose_env(VALIDATE_RC="1", GATE_RC="", GATE_PHASE="", PLAN_RC="0", PLAN_ENV="sandbox")
    result = step_runner.run(step(PR, "compose"), env)
    assert result.returncode == 0, result.stderr
    comment = (step_runner.workdir / "comment.md").read_text()
    assert "| `gtm validate` | ❌ failed (exit 1) |" in comment
    assert "| `gtm gate` | ⏭️ not run |" in comment
    assert "| `gtm plan -e sandbox` | ✅ no changes |" in comment
    assert "error[GTM101]" in comment
    assert "local provider" not in comment


def test_compose_comment_keeps_report_headings_and_reads_exit_2_as_failure(step_runner: StepRunner) -> None:
    (step_runner.workdir / "plan.md").write_text(
        "<!-- gtm-plan -->\n## gtm plan · `local`\n\nPlan: 1 to add.\n"
    )
    (step_runner.workdir / "gate.md").write_text("GTM701 passed\n")
    result = step_runner.run(step(PR, "compose"), compose_env(GATE_RC="2"))
    assert result.returncode == 0, result.stderr
    comment = (step_runner.workdir / "comment.md").read_text()
    assert "### Plan" not in comment, "the plan brings its own heading"
    assert "### Quality gates\n\nGTM701 passed" in comment
    assert "| `gtm gate` (phases 1..2) | ❌ failed (exit 2) |" in comment, (
        "exit 2 (usage) is a failure for gate"
    )


def test_pr_comment_steps_end_to_end(
    step_runner: StepRunner, fake_github: FakeGitHub, github_env: dict[str, str]
) -> None:
    """compose + sticky comment, twice: one comment on the pull request, edited in place."""
    number = fake_github.add_issue("gtm/phase-2-scoring", pr=True)["number"]
    event = step_runner.workdir / "event.json"
    event.write_text(json.dumps({"pull_request": {"number": number}}))
    gh_env = {k: v for k, v in github_env.items() if k != "PATH"} | {"GITHUB_EVENT_PATH": str(event)}
    for plan in ("Plan: 1 to add.", "Plan: 2 to add."):
        (step_runner.workdir / "plan.md").write_text(plan + "\n")
        assert step_runner.run(step(PR, "compose"), compose_env()).returncode == 0
        result = step_runner.run(step(PR, "Update the sticky PR comment"), gh_env)
        assert result.returncode == 0, result.stderr
    [comment] = fake_github.comments_on(number)
    assert "Plan: 2 to add." in comment["body"] and "Plan: 1 to add." not in comment["body"]


# -- drift and apply steps, run ------------------------------------------------------------


def test_drift_steps_end_to_end(
    step_runner: StepRunner, fake_github: FakeGitHub, github_env: dict[str, str]
) -> None:
    gh_env = {k: v for k, v in github_env.items() if k not in ("PATH", "GITHUB_OUTPUT")}
    plan_env = {
        "HUBSPOT_TOKEN": "pat-na1-prod",
        "FAKE_GTM_RC_plan": "2",
        "FAKE_GTM_OUT_plan_markdown": "~ drifted",
    }
    planned = step_runner.run(step(DRIFT, "plan"), plan_env)
    assert planned.returncode == 0
    assert planned.outputs == {"exitcode": "2"}
    assert planned.calls == [["plan", "-e", "production", "--detailed-exitcode", "--format", "markdown"]]
    assert "Drift detected" in planned.summary and "pat-na1-prod" not in planned.stdout
    issue_step = step(DRIFT, "Open, update or close the drift issue")
    opened = step_runner.run(issue_step, gh_env | {"PLAN_RC": planned.outputs["exitcode"]})
    assert opened.returncode == 0, opened.stderr
    [issue] = fake_github.open_issues()
    assert "~ drifted" in issue["body"]

    planned = step_runner.run(step(DRIFT, "plan"), plan_env | {"FAKE_GTM_RC_plan": "0"})
    closed = step_runner.run(issue_step, gh_env | {"PLAN_RC": planned.outputs["exitcode"]})
    assert closed.returncode == 0, closed.stderr
    assert issue["state"] == "closed"

    planned = step_runner.run(step(DRIFT, "plan"), plan_env | {"FAKE_GTM_RC_plan": "1"})
    failed = step_runner.run(issue_step, gh_env | {"PLAN_RC": planned.outputs["exitcode"]})
    assert failed.returncode == 1, "a plan error fails the job"


def test_drift_without_token_fails_the_job(step_runner: StepRunner) -> None:
    planned = step_runner.run(step(DRIFT, "plan"), {"HUBSPOT_TOKEN": ""})
    assert planned.outputs == {"exitcode": "1"}
    assert planned.calls == []
    assert "::error::The HUBSPOT_TOKEN secret is not set" in planned.stdout


@pytest.mark.parametrize("rc", ["0", "1"])
def test_apply_step(step_runner: StepRunner, rc: str) -> None:
    result = step_runner.run(step(APPLY, "Apply"), {"HUBSPOT_TOKEN": "pat-na1-prod", "FAKE_GTM_RC_apply": rc})
    assert result.returncode == int(rc)
    assert result.calls == [["apply", "-e", "production", "--auto-approve"]]
    assert ("succeeded" if rc == "0" else "failed, exit 1") in result.summary


def test_apply_refuses_without_token(step_runner: StepRunner) -> None:
    result = step_runner.run(step(APPLY, "Apply"), {"HUBSPOT_TOKEN": ""})
    assert result.returncode == 1
    assert result.calls == []
    assert "HUBSPOT_TOKEN secret is not set" in result.stdout
