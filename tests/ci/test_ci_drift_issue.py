"""End-to-end tests of ``python -m gtm.ci.drift_issue`` against a fake GitHub REST server."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from ci_fake_github import TOKEN, FakeGitHub

from gtm.ci import GITHUB_BODY_LIMIT
from gtm.ci.drift_issue import FINGERPRINT_RE, fingerprint, issue_body

PLAN = """### Plan: 1 to add, 1 to change, 0 to destroy

```diff
+ property.contacts.gtm_lead_score
~ pipeline.deals.new-business
    stage evaluation: probability 0.3 -> 0.4
```
"""


def drift(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [sys.executable, "-m", "gtm.ci.drift_issue", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert TOKEN not in proc.stdout + proc.stderr, "the token must never be printed"
    return proc


def outputs(env: dict[str, str]) -> dict[str, str]:
    path = Path(env["GITHUB_OUTPUT"])
    if not path.exists():
        return {}
    return dict(line.split("=", 1) for line in path.read_text().splitlines())


@pytest.fixture
def plan_file(tmp_path: Path) -> Path:
    path = tmp_path / "plan.md"
    path.write_text(PLAN, encoding="utf-8")
    return path


def test_drift_with_no_open_issue_creates_one_with_label(
    fake_github: FakeGitHub, github_env: dict[str, str], plan_file: Path
) -> None:
    proc = drift(github_env, "--exit-code", "2", "--plan-file", str(plan_file))
    assert proc.returncode == 0, proc.stderr
    [issue] = fake_github.open_issues()
    assert issue["title"] == "gtm: drift detected in production"
    assert [lab["name"] for lab in issue["labels"]] == ["gtm-drift"]
    assert "gtm-drift" in fake_github.labels, "the label is created when the repository lacks it"
    assert "~ pipeline.deals.new-business" in issue["body"]
    assert "https://github.example/acme/gtm-config/actions/runs/4242" in issue["body"]
    assert "`0123456789ab`" in issue["body"]
    assert f"opened issue #{issue['number']}" in proc.stdout
    assert outputs(github_env) == {"action": "created", "issue": str(issue["number"])}


def test_drift_with_an_open_issue_updates_body_and_comments(
    fake_github: FakeGitHub, github_env: dict[str, str], plan_file: Path
) -> None:
    fake_github.add_issue("unrelated", labels=["bug"])
    old = fake_github.add_issue("gtm: drift detected in production", body="old plan", labels=["gtm-drift"])
    proc = drift(github_env, "--exit-code", "2", "--plan-file", str(plan_file))
    assert proc.returncode == 0, proc.stderr
    assert len(fake_github.open_issues()) == 2, "no second drift issue"
    assert "~ pipeline.deals.new-business" in old["body"]
    [comment] = fake_github.comments_on(old["number"])
    assert "Drift still present" in comment["body"]
    assert "plan changed" in comment["body"]
    assert outputs(github_env)["action"] == "updated"
    assert ("POST", "/repos/acme/gtm-config/issues") not in fake_github.log


def test_unchanged_drift_says_so_in_the_comment(
    fake_github: FakeGitHub, github_env: dict[str, str], plan_file: Path
) -> None:
    assert drift(github_env, "--exit-code", "2", "--plan-file", str(plan_file)).returncode == 0
    proc = drift(github_env, "--exit-code", "2", "--plan-file", str(plan_file))
    assert proc.returncode == 0, proc.stderr
    [issue] = fake_github.open_issues()
    [comment] = fake_github.comments_on(issue["number"])
    assert "plan is unchanged" in comment["body"]


def test_no_drift_closes_the_open_issue_with_a_comment(
    fake_github: FakeGitHub, github_env: dict[str, str]
) -> None:
    issue = fake_github.add_issue("gtm: drift detected in production", labels=["gtm-drift"])
    proc = drift(github_env, "--exit-code", "0")
    assert proc.returncode == 0, proc.stderr
    assert issue["state"] == "closed"
    assert issue["state_reason"] == "completed"
    [comment] = fake_github.comments_on(issue["number"])
    assert "No drift found" in comment["body"]
    assert f"closed issue #{issue['number']}" in proc.stdout
    assert outputs(github_env)["action"] == "closed"


def test_no_drift_and_no_issue_does_nothing(
    fake_github: FakeGitHub, github_env: dict[str, str], plan_file: Path
) -> None:
    fake_github.add_issue("drift, but closed", labels=["gtm-drift"], state="closed")
    fake_github.add_issue("a pull request with the label", labels=["gtm-drift"], pr=True)
    proc = drift(github_env, "--exit-code", "0", "--plan-file", str(plan_file))
    assert proc.returncode == 0, proc.stderr
    assert fake_github.writes() == [], "no issue created, edited or commented"
    assert "no open drift issue" in proc.stdout
    assert outputs(github_env) == {"action": "none", "issue": ""}


def test_plan_error_fails_without_touching_github(
    fake_github: FakeGitHub, github_env: dict[str, str], plan_file: Path
) -> None:
    fake_github.add_issue("gtm: drift detected in production", labels=["gtm-drift"])
    proc = drift(github_env, "--exit-code", "1", "--plan-file", str(plan_file))
    assert proc.returncode == 1
    assert fake_github.log == []
    assert proc.stderr.count("\n") == 1
    assert "gtm plan failed (exit code 1)" in proc.stderr


def test_api_error_is_one_clear_line(
    fake_github: FakeGitHub, github_env: dict[str, str], plan_file: Path
) -> None:
    fake_github.failures[("POST", r"/repos/acme/gtm-config/issues")] = (
        403,
        "Resource not accessible by integration",
    )
    proc = drift(github_env, "--exit-code", "2", "--plan-file", str(plan_file))
    assert proc.returncode == 1
    assert proc.stderr.count("\n") == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "POST /repos/acme/gtm-config/issues failed: HTTP 403 Resource not accessible" in proc.stderr


def test_token_is_redacted_even_when_the_server_echoes_it(
    fake_github: FakeGitHub, github_env: dict[str, str], plan_file: Path
) -> None:
    fake_github.failures[("GET", r".*/issues")] = (500, f"internal error for token {TOKEN}")
    proc = drift(github_env, "--exit-code", "2", "--plan-file", str(plan_file))
    assert proc.returncode == 1
    assert "***" in proc.stderr  # drift() asserts the token itself is absent


def test_bad_token_and_unreachable_api_fail_cleanly(
    fake_github: FakeGitHub, github_env: dict[str, str], plan_file: Path
) -> None:
    bad = drift({**github_env, "GITHUB_TOKEN": "wrong"}, "--exit-code", "0")
    assert bad.returncode == 1
    assert "HTTP 401 Bad credentials" in bad.stderr
    gone = drift({**github_env, "GITHUB_API_URL": "http://127.0.0.1:9"}, "--exit-code", "0")
    assert gone.returncode == 1
    assert gone.stderr.startswith("gtm.ci.drift_issue: error: cannot reach the GitHub API")
    assert gone.stderr.count("\n") == 1


def test_missing_settings(github_env: dict[str, str], plan_file: Path, tmp_path: Path) -> None:
    no_token = {k: v for k, v in github_env.items() if k != "GITHUB_TOKEN"}
    proc = drift(no_token, "--exit-code", "0")
    assert proc.returncode == 1 and "GITHUB_TOKEN is not set" in proc.stderr
    no_repo = {k: v for k, v in github_env.items() if k != "GITHUB_REPOSITORY"}
    proc = drift(no_repo, "--exit-code", "0")
    assert proc.returncode == 1 and "--repo" in proc.stderr
    proc = drift(github_env, "--exit-code", "2", "--plan-file", str(tmp_path / "missing.md"))
    assert proc.returncode == 1 and "cannot read plan file" in proc.stderr
    proc = drift(github_env, "--exit-code", "3")
    assert proc.returncode == 1 and "unexpected exit code 3" in proc.stderr


def test_repo_label_and_title_flags(
    fake_github: FakeGitHub, github_env: dict[str, str], plan_file: Path
) -> None:
    env = {k: v for k, v in github_env.items() if k != "GITHUB_REPOSITORY"}
    proc = drift(
        env,
        "--exit-code", "2", "--plan-file", str(plan_file), "--repo", "acme/gtm-config",
        "--label", "crm drift", "--title", "CRM drift", "--environment", "staging",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    [issue] = fake_github.open_issues()
    assert issue["title"] == "CRM drift"
    assert [lab["name"] for lab in issue["labels"]] == ["crm drift"]
    assert "Drift detected in `staging`" in issue["body"]


def test_several_open_issues_update_the_oldest_and_close_all(
    fake_github: FakeGitHub, github_env: dict[str, str], plan_file: Path
) -> None:
    first = fake_github.add_issue("drift", labels=["gtm-drift"])
    second = fake_github.add_issue("drift again", labels=["gtm-drift"])
    proc = drift(github_env, "--exit-code", "2", "--plan-file", str(plan_file))
    assert proc.returncode == 0, proc.stderr
    assert "several open issues" in proc.stdout
    assert PLAN.splitlines()[0] in first["body"] and second["body"] == ""
    assert drift(github_env, "--exit-code", "0").returncode == 0
    assert first["state"] == second["state"] == "closed"


def test_listing_follows_pagination(
    fake_github: FakeGitHub, github_env: dict[str, str], plan_file: Path
) -> None:
    for n in range(120):
        fake_github.add_issue(f"other {n}", labels=["gtm-drift"], pr=True)
    issue = fake_github.add_issue("gtm: drift detected in production", labels=["gtm-drift"])
    assert drift(github_env, "--exit-code", "0").returncode == 0
    assert issue["state"] == "closed"
    pages = [e for e in fake_github.log if e == ("GET", "/repos/acme/gtm-config/issues")]
    assert len(pages) == 2


def test_huge_plan_is_truncated_under_the_limit_with_a_notice(
    fake_github: FakeGitHub, github_env: dict[str, str], tmp_path: Path
) -> None:
    lines = [f"+ property.contacts.gtm_prop_{n:06d}  (a property that gtm would create)" for n in range(4000)]
    big = "```diff\n" + "\n".join(lines) + "\n```\n"
    plan_file = tmp_path / "big.md"
    plan_file.write_text(big, encoding="utf-8")
    proc = drift(github_env, "--exit-code", "2", "--plan-file", str(plan_file))
    assert proc.returncode == 0, proc.stderr  # the fake rejects bodies over 65,536 with 422
    [issue] = fake_github.open_issues()
    body = issue["body"]
    assert len(body) < GITHUB_BODY_LIMIT
    assert "Truncated: showing" in body
    assert f"of {len(big):,} characters" in body
    assert "plan artifact of the [workflow run](https://github.example/" in body
    before_notice = body.split("> [!WARNING]")[0]
    assert before_notice.count("```") % 2 == 0, "the code fence is closed before the notice"
    assert before_notice.rstrip().endswith("```")


def test_issue_body_fingerprint_round_trips() -> None:
    body = issue_body(PLAN, "production", {})
    match = FINGERPRINT_RE.search(body)
    assert match is not None and match.group(1) == fingerprint(PLAN)
    assert "a local run" in body
