"""End-to-end tests of ``python -m gtm.ci.sticky_comment`` against a fake GitHub REST server."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from ci_fake_github import TOKEN, FakeGitHub

from gtm.ci import GITHUB_BODY_LIMIT
from gtm.ci.sticky_comment import marker_line


def sticky(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [sys.executable, "-m", "gtm.ci.sticky_comment", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert TOKEN not in proc.stdout + proc.stderr
    return proc


@pytest.fixture
def pr(fake_github: FakeGitHub) -> int:
    fake_github.add_issue("gtm/phase-2-scoring: add lead scoring", pr=True)
    return fake_github.add_issue("gtm/phase-3-slas", pr=True)["number"]


@pytest.fixture
def event_env(github_env: dict[str, str], pr: int, tmp_path: Path) -> dict[str, str]:
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"action": "synchronize", "pull_request": {"number": pr}}), encoding="utf-8")
    return {**github_env, "GITHUB_EVENT_PATH": str(event)}


def body_file(tmp_path: Path, text: str) -> str:
    path = tmp_path / "comment.md"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_creates_then_updates_one_comment(
    fake_github: FakeGitHub, event_env: dict[str, str], pr: int, tmp_path: Path
) -> None:
    fake_github.add_comment(pr, "LGTM", user="reviewer")
    first = sticky(event_env, "--body-file", body_file(tmp_path, "## gtm\nPlan: 1 to add\n"))
    assert first.returncode == 0, first.stderr
    second = sticky(event_env, "--body-file", body_file(tmp_path, "## gtm\nPlan: 2 to add\n"))
    assert second.returncode == 0, second.stderr
    ours = [c for c in fake_github.comments_on(pr) if c["body"].startswith(marker_line("gtm-pr"))]
    assert len(ours) == 1
    assert "Plan: 2 to add" in ours[0]["body"]
    assert "Created" in first.stdout and "Updated" in second.stdout
    assert ("PATCH", f"/repos/acme/gtm-config/issues/comments/{ours[0]['id']}") in fake_github.log
    assert len(fake_github.comments_on(pr)) == 2, "the reviewer's comment is untouched"


def test_same_text_is_not_rewritten(
    fake_github: FakeGitHub, event_env: dict[str, str], tmp_path: Path
) -> None:
    path = body_file(tmp_path, "Plan: no changes\n")
    assert sticky(event_env, "--body-file", path).returncode == 0
    again = sticky(event_env, "--body-file", path)
    assert again.returncode == 0
    assert "already up to date" in again.stdout
    assert [m for m, _ in fake_github.writes()] == ["POST"]


def test_markers_keep_comments_apart(
    fake_github: FakeGitHub, event_env: dict[str, str], pr: int, tmp_path: Path
) -> None:
    assert (
        sticky(event_env, "--body-file", body_file(tmp_path, "plan"), "--marker", "gtm-plan").returncode == 0
    )
    assert (
        sticky(event_env, "--body-file", body_file(tmp_path, "gates"), "--marker", "gtm-gates").returncode
        == 0
    )
    assert len(fake_github.comments_on(pr)) == 2
    bad = sticky(event_env, "--body-file", body_file(tmp_path, "x"), "--marker", "--> <script>")
    assert bad.returncode == 1 and "invalid --marker" in bad.stderr


def test_pr_flag_and_missing_number(
    fake_github: FakeGitHub, github_env: dict[str, str], pr: int, tmp_path: Path
) -> None:
    path = body_file(tmp_path, "hello")
    assert sticky(github_env, "--body-file", path, "--pr", str(pr)).returncode == 0
    assert len(fake_github.comments_on(pr)) == 1
    missing = sticky(github_env, "--body-file", path)
    assert missing.returncode == 1
    assert "no pull request number" in missing.stderr


def test_long_comment_is_capped(
    fake_github: FakeGitHub, event_env: dict[str, str], pr: int, tmp_path: Path
) -> None:
    text = "".join(f"| property.contacts.p{n} | create |\n" for n in range(5000))
    proc = sticky(event_env, "--body-file", body_file(tmp_path, text))
    assert proc.returncode == 0, proc.stderr
    [comment] = fake_github.comments_on(pr)
    assert len(comment["body"]) < GITHUB_BODY_LIMIT
    assert "Truncated" in comment["body"]
    assert (
        "job summary of the [workflow run](https://github.example/acme/gtm-config/actions/runs/4242)"
        in (comment["body"])
    )


def test_api_error_is_one_line(fake_github: FakeGitHub, event_env: dict[str, str], tmp_path: Path) -> None:
    fake_github.failures[("POST", r".*/comments")] = (403, "Resource not accessible by integration")
    proc = sticky(event_env, "--body-file", body_file(tmp_path, "hi"))
    assert proc.returncode == 1
    assert proc.stderr.count("\n") == 1
    assert "HTTP 403 Resource not accessible by integration" in proc.stderr
