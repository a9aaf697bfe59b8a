"""A server that echoes the token back, truncated, upper-cased or base64-encoded, in its error
messages: gtm prints none of those forms."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from providers.hubspot.emulator.server import EmulatorServer
from providers.hubspot.http import Redactor
from tests.conftest import REPO
from tests.hubspot.conftest import TOKEN, TOKEN_ENV, write_workspace


def _echoes(token: str) -> list[str]:
    return [token[:20], token[5:], token.upper(), base64.b64encode(token.encode()).decode(),
            base64.b64encode(f"Bearer {token}".encode()).decode(), token[::-1][::-1][3:-3]]


ECHOES = _echoes(TOKEN)


class _Echo(BaseHTTPRequestHandler):
    def _answer(self) -> None:
        token = (self.headers.get("Authorization") or "").removeprefix("Bearer ").strip()
        body = json.dumps({"status": "error", "category": "VALIDATION_ERROR",
                           "message": "bad request from " + " / ".join(_echoes(token))}).encode()
        self.send_response(400)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _answer

    def log_message(self, *_args: object) -> None:
        return None


@pytest.fixture
def echo_server() -> Iterator[str]:
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    try:
        yield f"http://127.0.0.1:{srv.server_address[1]}"
    finally:
        srv.shutdown()
        srv.server_close()


@pytest.mark.parametrize("form", ECHOES, ids=["truncated", "tail", "upper", "base64", "base64-bearer", "middle"])
def test_redactor_removes_each_form(form: str) -> None:
    out = Redactor(TOKEN)(f"server said: {form}.")
    assert form not in out and "***" in out and out.startswith("server said: ")


def _shifted_b64(prefix: bytes) -> str:
    return base64.b64encode(prefix + TOKEN.encode() + b" and what follows").decode()


MORE_ECHOES = {"base64-after-1-byte": _shifted_b64(b"t"), "base64-after-2-bytes": _shifted_b64(b"t="),
               "base64-after-a-header-name": _shifted_b64(b"Authorization: Bearer "),
               "hex": TOKEN.encode().hex(), "hex-truncated": TOKEN.encode().hex()[10:50]}


@pytest.mark.parametrize("form", list(MORE_ECHOES.values()), ids=list(MORE_ECHOES))
def test_redactor_removes_shifted_base64_and_hex(form: str) -> None:
    """Base64 of the token after 1 or 2 other bytes encodes it into different characters than the
    token's own base64 (which is all that was matched), and hex was not matched at all."""
    out = Redactor(TOKEN)(f"server said: {form}.")
    assert form not in out and "***" in out, out


def test_token_in_live_values_is_never_printed(hs_ws: Path, emulator: EmulatorServer) -> None:
    """A server (or anyone with the token) that puts the token into an object gtm reads — a label, a
    flow's body — had it printed in the plan, the JSON plan and the saved plan (PR comments, artifacts)."""
    from tests.conftest import gtm
    from tests.hubspot.conftest import client

    assert gtm("apply", "--auto-approve").exit_code == 0
    forms = {"exact": TOKEN, "upper": TOKEN.upper(), "base64-after-2-bytes": _shifted_b64(b"t=")[:-8],
             "hex": TOKEN.encode().hex()}
    api = client(emulator).crm.properties.core_api
    for name, form in forms.items():
        api.update("contacts", "gtm_lead_score", {"label": form})
        text, js = gtm("plan"), gtm("plan", "--format", "json", "--out", "plan.json")
        assert text.exit_code == 0 and js.exit_code == 0, text.output
        assert '~ label: "***"' in text.stdout, (name, text.stdout)
        for out in (text.output, js.output, (hs_ws / "plan.json").read_text()):
            assert form not in out and TOKEN not in out and TOKEN.lower() not in out.lower(), f"{name} leaked"


def test_redactor_leaves_ordinary_text_alone() -> None:
    text = "read contacts properties: HubSpot answered 400 VALIDATION_ERROR: property gtm_lead_score is missing"
    assert Redactor(TOKEN)(text) == text


def test_echoed_token_is_never_printed(tmp_path: Path, echo_server: str) -> None:
    ws = tmp_path / "ws"
    write_workspace(ws, echo_server)
    env = {**os.environ, TOKEN_ENV: TOKEN, "PYTHONPATH": str(REPO)}
    for args in (["plan"], ["plan", "--format", "json"], ["apply", "--auto-approve"]):
        r = subprocess.run([sys.executable, "-c", "from gtm.cli import main; main()", *args], cwd=ws, env=env,
                           capture_output=True, text=True, timeout=120)
        assert r.returncode == 1
        out = r.stdout + r.stderr
        assert "bad request from" in out, "the server's message is shown"
        for form in ECHOES:
            assert form not in out and form.lower() not in out.lower(), f"{form!r} leaked"
