"""Fixtures for the CI tests: the fake GitHub server, a step runner, actionlint."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ci_fake_github import TOKEN, FakeGitHub, serve
from ci_support import INSTALLER, ROOT, Actionlint, StepRunner, find_actionlint


@pytest.fixture
def fake_github() -> FakeGitHub:
    return FakeGitHub(token=TOKEN)


@pytest.fixture
def github_url(fake_github: FakeGitHub) -> Iterator[str]:
    with serve(fake_github) as url:
        yield url


@pytest.fixture
def github_env(github_url: str, tmp_path: Path) -> dict[str, str]:
    """Environment as GitHub Actions would give the CI scripts, pointed at the fake server."""
    return {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(ROOT),
        "GITHUB_API_URL": github_url,
        "GITHUB_TOKEN": TOKEN,
        "GITHUB_REPOSITORY": "acme/gtm-config",
        "GITHUB_SERVER_URL": "https://github.example",
        "GITHUB_RUN_ID": "4242",
        "GITHUB_SHA": "0123456789abcdef0123456789abcdef01234567",
        "GITHUB_OUTPUT": str(tmp_path / "github_output"),
    }


@pytest.fixture
def step_runner(tmp_path: Path) -> StepRunner:
    return StepRunner(tmp_path / "work")


@pytest.fixture(scope="session")
def actionlint() -> Actionlint:
    """actionlint, or a failure under CI / a skip elsewhere when it is not installed."""
    found = find_actionlint()
    if found is not None:
        return found
    hint = f"actionlint is not installed: run `bash {INSTALLER.relative_to(ROOT)}` (needs node and npm)"
    if os.environ.get("CI"):
        pytest.fail(f"{hint}; CI is set, so this is a failure, not a skip", pytrace=False)
    pytest.skip(hint)
