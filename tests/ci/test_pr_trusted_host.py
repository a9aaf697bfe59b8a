"""PR checks never send the token to a host the base branch's gtm.yaml does not name (GTM626).

A real git repository in tmp_path: the base branch ``main`` (pushed to a bare ``origin``) points the
``sandbox`` environment at the HubSpot emulator; the pull request's branch points it elsewhere — at a
local HTTP server that records every request and its ``Authorization`` header."""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from providers.hubspot.emulator.server import EmulatorServer
from tests.conftest import gtm

TOKEN = "pat-na1-sandbox-secret-for-pr-checks"
SPECS = "kind: ICP\nid: shippers\n"


class Recorder:
    """A server that records each request (method, path, Authorization) and answers 401."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str, str | None]] = []
        seen = self.seen

        class Handler(BaseHTTPRequestHandler):
            def _any(self) -> None:
                seen.append((self.command, self.path, self.headers.get("Authorization")))
                body = b'{"status":"error","message":"no","category":"INVALID_AUTHENTICATION"}'
                self.send_response(401)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _any

            def log_message(self, *args: object) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    r = Recorder()
    yield r
    r.close()


@pytest.fixture
def emulator() -> Iterator[EmulatorServer]:
    with EmulatorServer(token=TOKEN, seed=True) as emu:
        yield emu


def _workspace(base_url: str, extra: str = "") -> str:
    return ("version: 1\nname: pr\nenvironments:\n  local: {provider: local}\n"
            f"  sandbox: {{provider: hubspot, token_env: SANDBOX_TOKEN, base_url: '{base_url}'}}\n{extra}"
            "default_environment: local\n")


def _git(cwd: Path, *args: str) -> str:
    r = subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "init.defaultBranch=main",
                        *args], cwd=cwd, capture_output=True, text=True, check=True)
    return r.stdout


def _repo(tmp_path: Path, base_url: str, pr_text: str, sub: str = ".", base_text: str | None = None) -> Path:
    """``origin`` (bare) with ``main`` (``base_text``, or the workspace pointing the sandbox at ``base_url``);
    a clone-like work tree on branch ``feature`` with ``pr_text``."""
    origin, work = tmp_path / "origin.git", tmp_path / "work"
    origin.mkdir()
    _git(origin, "init", "--bare", "-q")
    work.mkdir()
    _git(work, "init", "-q")
    ws = (work / sub).resolve()
    (ws / "specs").mkdir(parents=True)
    (ws / "specs" / "icp.yaml").write_text(SPECS)
    (ws / "gtm.yaml").write_text(_workspace(base_url) if base_text is None else base_text)
    _git(work, "add", "-A")
    _git(work, "commit", "-qm", "base")
    _git(work, "remote", "add", "origin", str(origin))
    _git(work, "push", "-q", "origin", "main")  # also sets refs/remotes/origin/main
    _git(work, "checkout", "-qb", "feature")
    (ws / "gtm.yaml").write_text(pr_text)
    _git(work, "commit", "-qam", "pull request")
    return ws


@pytest.fixture
def pr_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SANDBOX_TOKEN", TOKEN)
    monkeypatch.setenv("GITHUB_EVENT_NAME", "pull_request")
    monkeypatch.setenv("GITHUB_BASE_REF", "main")
    monkeypatch.delenv("GTM_TRUSTED_WORKSPACE", raising=False)


def test_pr_pointing_the_sandbox_elsewhere_is_refused_and_sends_nothing(
        tmp_path: Path, emulator: EmulatorServer, recorder: Recorder, pr_env: None,
        monkeypatch: pytest.MonkeyPatch) -> None:
    ws = _repo(tmp_path, emulator.base_url, _workspace(recorder.url))
    monkeypatch.chdir(ws)
    for args in (["plan", "-e", "sandbox"], ["apply", "-e", "sandbox", "--auto-approve"],
                 ["gate", "--phase", "4", "-e", "sandbox"], ["unlock", "-e", "sandbox", "--yes"]):
        r = gtm(*args)
        assert r.exit_code != 0 and "GTM626" in r.output, (args, r.output)
        assert "Traceback" not in r.output and TOKEN not in r.output
    r = gtm("plan", "-e", "sandbox")
    assert recorder.url in r.stderr and emulator.base_url in r.stderr and "origin/main:gtm.yaml" in r.stderr
    assert "no request was sent" in r.stderr
    assert recorder.seen == [], "no request, and so no token, reached the PR's host"
    assert emulator.stats()["total"] == 0


def test_outside_a_pr_check_the_same_tree_does_reach_the_host(
        tmp_path: Path, emulator: EmulatorServer, recorder: Recorder, pr_env: None,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The control: what the check prevents does happen without it (a push build trusts its tree)."""
    ws = _repo(tmp_path, emulator.base_url, _workspace(recorder.url))
    monkeypatch.chdir(ws)
    monkeypatch.setenv("GITHUB_EVENT_NAME", "push")
    assert gtm("plan", "-e", "sandbox").exit_code == 1
    assert recorder.seen and all(auth == f"Bearer {TOKEN}" for _, _, auth in recorder.seen)


def test_pr_keeping_the_base_branch_host_plans(tmp_path: Path, emulator: EmulatorServer, recorder: Recorder,
                                               pr_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    # the same server spelled with a trailing slash, gtm.yaml in a subdirectory of the repository
    same = emulator.base_url.rstrip("/") + "/"
    ws = _repo(tmp_path, emulator.base_url, _workspace(same).replace("name: pr", "name: pr-renamed"), sub="config")
    monkeypatch.chdir(ws)
    r = gtm("plan", "-e", "sandbox", "--detailed-exitcode")
    assert r.exit_code == 0 and "GTM626" not in r.output, r.output
    assert emulator.stats()["total"] > 0 and recorder.seen == []


@pytest.mark.parametrize("case", ["new-environment", "base-not-fetched", "no-base-ref"])
def test_pr_check_fails_closed(case: str, tmp_path: Path, emulator: EmulatorServer, recorder: Recorder,
                               pr_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    extra = f"  evil: {{provider: hubspot, token_env: SANDBOX_TOKEN, base_url: '{recorder.url}'}}\n"
    env = "evil" if case == "new-environment" else "sandbox"
    text = _workspace(emulator.base_url, extra) if case == "new-environment" else _workspace(recorder.url)
    ws = _repo(tmp_path, emulator.base_url, text)
    monkeypatch.chdir(ws)
    if case == "base-not-fetched":
        _git(ws, "update-ref", "-d", "refs/remotes/origin/main")
    if case == "no-base-ref":
        monkeypatch.delenv("GITHUB_BASE_REF")
    r = gtm("plan", "-e", env)
    assert r.exit_code == 1 and "error[GTM626]" in r.stderr and "Traceback" not in r.output, r.output
    hint = {"new-environment": "no HubSpot environment of that name", "base-not-fetched": "git fetch --depth=1",
            "no-base-ref": "without GITHUB_BASE_REF"}[case]
    assert hint in r.stderr, r.stderr
    assert recorder.seen == []


def test_trusted_workspace_file_names_the_host(tmp_path: Path, emulator: EmulatorServer, recorder: Recorder,
                                               pr_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """``GTM_TRUSTED_WORKSPACE`` names the trusted gtm.yaml (e.g. the base branch checked out beside the PR)."""
    ws = _repo(tmp_path, emulator.base_url, _workspace(recorder.url))
    monkeypatch.chdir(ws)
    trusted = tmp_path / "base-gtm.yaml"
    trusted.write_text(_workspace(emulator.base_url))
    monkeypatch.setenv("GTM_TRUSTED_WORKSPACE", str(trusted))
    r = gtm("plan", "-e", "sandbox")
    assert r.exit_code == 1 and "error[GTM626]" in r.stderr and str(trusted) in r.stderr
    trusted.write_text(_workspace(recorder.url))  # the trusted file says so: the token may go there
    gtm("plan", "-e", "sandbox")
    assert recorder.seen and recorder.seen[0][2] == f"Bearer {TOKEN}"


OTHER_TOKEN = "pat-na1-the-other-portals-secret-token"


def _two_portals(sandbox: tuple[str, str], other: tuple[str, str]) -> str:
    """A workspace with two HubSpot environments, each given as (base_url, token_env)."""
    return ("version: 1\nname: pr\nenvironments:\n  local: {provider: local}\n"
            f"  sandbox: {{provider: hubspot, token_env: {sandbox[1]}, base_url: '{sandbox[0]}'}}\n"
            f"  other: {{provider: hubspot, token_env: {other[1]}, base_url: '{other[0]}'}}\n"
            "default_environment: local\n")


@pytest.mark.parametrize("case", ["sandbox-token-to-other-host", "other-token-to-sandbox-host"])
def test_pr_swapping_token_env_between_trusted_hosts_is_refused(
        case: str, tmp_path: Path, emulator: EmulatorServer, recorder: Recorder, pr_env: None,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The base branch trusts the emulator with $SANDBOX_TOKEN and the recorder with $OTHER_TOKEN.  A PR that
    keeps both hosts but swaps a variable would send one portal's token to the other portal's host: the
    (base_url, token_env) pair is what is trusted, not the host alone."""
    monkeypatch.setenv("OTHER_TOKEN", OTHER_TOKEN)
    base = _two_portals((emulator.base_url, "SANDBOX_TOKEN"), (recorder.url, "OTHER_TOKEN"))
    if case == "sandbox-token-to-other-host":
        pr, env = _two_portals((emulator.base_url, "SANDBOX_TOKEN"), (recorder.url, "SANDBOX_TOKEN")), "other"
    else:
        pr, env = _two_portals((emulator.base_url, "OTHER_TOKEN"), (recorder.url, "OTHER_TOKEN")), "sandbox"
    ws = _repo(tmp_path, emulator.base_url, pr, base_text=base)
    monkeypatch.chdir(ws)
    for args in (["plan", "-e", env], ["apply", "-e", env, "--auto-approve"], ["unlock", "-e", env, "--yes"]):
        r = gtm(*args)
        assert r.exit_code != 0 and "error[GTM626]" in r.stderr and "Traceback" not in r.output, (args, r.output)
        assert TOKEN not in r.output and OTHER_TOKEN not in r.output
        assert "token_env on the base branch" in r.stderr and "origin/main:gtm.yaml" in r.stderr
    assert recorder.seen == [], "no token reached the recorder's host"
    assert emulator.stats()["total"] == 0, "no token reached the emulator's host"
    # the control: the base branch's own pair for each environment is trusted
    (ws / "gtm.yaml").write_text(base)
    assert gtm("plan", "-e", "sandbox", "--detailed-exitcode").exit_code == 0
    r = gtm("plan", "-e", "other")
    assert "GTM626" not in r.output and recorder.seen and recorder.seen[0][2] == f"Bearer {OTHER_TOKEN}"


def test_trusted_environment_without_token_env_fails_closed(tmp_path: Path, emulator: EmulatorServer,
                                                            pr_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    ws = _repo(tmp_path, emulator.base_url, _workspace(emulator.base_url).replace("name: pr", "name: pr2"))
    monkeypatch.chdir(ws)
    trusted = tmp_path / "base-gtm.yaml"
    trusted.write_text(_workspace(emulator.base_url).replace("token_env: SANDBOX_TOKEN", "token_env: [1]"))
    monkeypatch.setenv("GTM_TRUSTED_WORKSPACE", str(trusted))
    r = gtm("plan", "-e", "sandbox")
    assert r.exit_code == 1 and "error[GTM626]" in r.stderr and "no valid token_env" in r.stderr, r.output
    assert emulator.stats()["total"] == 0


@pytest.mark.parametrize("kind", ["named-pipe", "device"])
def test_trusted_workspace_that_is_not_a_regular_file_fails_closed_at_once(
        kind: str, tmp_path: Path, emulator: EmulatorServer, pr_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """A named pipe as GTM_TRUSTED_WORKSPACE hung the check (opening it waits for a writer)."""
    import os

    ws = _repo(tmp_path, emulator.base_url, _workspace(emulator.base_url).replace("name: pr", "name: pr2"))
    monkeypatch.chdir(ws)
    trusted = tmp_path / "trusted.yaml"
    if kind == "named-pipe":
        os.mkfifo(trusted)
    else:
        trusted.symlink_to("/dev/zero")
    monkeypatch.setenv("GTM_TRUSTED_WORKSPACE", str(trusted))
    r = gtm("plan", "-e", "sandbox")
    assert r.exit_code == 1 and "error[GTM626]" in r.stderr and "not a regular file" in r.stderr, r.output
    assert emulator.stats()["total"] == 0
