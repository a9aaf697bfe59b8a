"""Hang probes: a server that accepts connections and never answers, a slow portal, a deadline.

Each command runs as a real subprocess with an outer timeout, so a regression shows as a failed
test rather than a hung suite.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from providers.hubspot.emulator.server import EmulatorServer
from tests.conftest import REPO
from tests.hubspot.conftest import TOKEN, TOKEN_ENV, client, write_workspace


@pytest.fixture
def black_hole() -> Iterator[str]:
    """A TCP server whose kernel completes every handshake and which never reads or answers."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    s.listen(128)
    try:
        yield f"http://127.0.0.1:{s.getsockname()[1]}"
    finally:
        s.close()


def _run(ws: Path, *args: str, limit: float = 90) -> tuple[subprocess.CompletedProcess[str], float]:
    env = {**os.environ, TOKEN_ENV: TOKEN, "PYTHONPATH": str(REPO)}
    t = time.monotonic()
    r = subprocess.run([sys.executable, "-c", "from gtm.cli import main; main()", *args], cwd=ws, env=env,
                       capture_output=True, text=True, timeout=limit)
    return r, time.monotonic() - t


def _env_line(ws: Path, extra: str) -> None:
    p = ws / "gtm.yaml"
    text = p.read_text()
    assert "    provider: hubspot\n" in text
    p.write_text(text.replace("    provider: hubspot\n", f"    provider: hubspot\n    {extra}\n"))


def test_silent_server_times_out_each_request(tmp_path: Path, black_hole: str) -> None:
    ws = tmp_path / "ws"
    write_workspace(ws, black_hole)
    _env_line(ws, "timeout_s: 1")
    r, took = _run(ws, "plan")
    assert r.returncode == 1, r.stdout + r.stderr
    assert "error[GTM622]" in r.stderr and "did not answer within 1 s" in r.stderr
    assert "Traceback" not in r.stderr and TOKEN not in r.stdout + r.stderr
    assert took < 30


def test_deadline_stops_plan_against_a_silent_server(tmp_path: Path, black_hole: str) -> None:
    ws = tmp_path / "ws"
    write_workspace(ws, black_hole)
    r, took = _run(ws, "plan", "--deadline", "2")
    assert r.returncode == 1, r.stdout + r.stderr
    assert "error[GTM623]" in r.stderr and "deadline of 2 s" in r.stderr
    assert "Traceback" not in r.stderr
    assert took < 15, "the deadline ends the command, not the 30 s request timeout"


def test_deadline_stops_apply_and_releases_the_lock(tmp_path: Path, emulator: EmulatorServer) -> None:
    ws = tmp_path / "ws"
    write_workspace(ws, emulator.base_url)
    _env_line(ws, "deadline_s: 3")
    emulator.configure(latency_ms=400)
    r, took = _run(ws, "apply", "--auto-approve")
    assert r.returncode == 1, r.stdout + r.stderr
    assert "error[GTM623]" in r.stderr and "lock was released" in r.stderr
    assert "Traceback" not in r.stderr
    assert took < 30
    emulator.configure(latency_ms=0)
    groups = [g.name for g in client(emulator).crm.properties.groups_api.get_all("contacts").results]
    assert "gtm_lock" not in groups
    r, _ = _run(ws, "apply", "--auto-approve", "--deadline", "120")
    assert r.returncode == 0, r.stdout + r.stderr
    r, _ = _run(ws, "plan", "--detailed-exitcode")
    assert r.returncode == 0, "the second apply finished the work"


def _misbehaving_server(mode: str) -> tuple[socket.socket, str]:
    """A server that reads the request and then ``trickle``s a body a byte a second (each read is
    within the read timeout, so only a deadline ends it) or streams an ``endless`` chunked body."""
    import threading

    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    s.listen(64)

    def handle(c: socket.socket) -> None:
        try:
            c.recv(65536)
            if mode == "trickle":
                c.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n")
                while True:
                    c.sendall(b" ")
                    time.sleep(0.5)
            c.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
            chunk = b"[" * 65536
            while True:
                c.sendall(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
        except OSError:
            return

    def accept() -> None:
        while True:
            try:
                c, _ = s.accept()
            except OSError:
                return
            threading.Thread(target=handle, args=(c,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    return s, f"http://127.0.0.1:{s.getsockname()[1]}"


@pytest.mark.parametrize("command", ["unlock", "import", "gate", "sample-data"])
def test_deadline_stops_every_command_that_talks_to_hubspot(tmp_path: Path, command: str) -> None:
    """`unlock`, `import`, `gate --phase 4` and `sample-data` had no deadline: a server trickling its
    answer slower than the read timeout kept them waiting for ever."""
    server, url = _misbehaving_server("trickle")
    try:
        ws = tmp_path / "ws"
        write_workspace(ws, url)
        _env_line(ws, "deadline_s: 3")
        args = {"unlock": ["unlock", "--yes"], "import": ["import", "--dry-run"], "gate": ["gate", "--phase", "4"],
                "sample-data": ["sample-data", "--contacts", "5", "--companies", "2", "--deals", "2"]}[command]
        r, _ = _run(ws, *args, limit=120)
        assert r.returncode == 1, r.stdout + r.stderr
        assert "GTM623" in r.stdout + r.stderr and "deadline of 3 s" in r.stdout + r.stderr, r.stdout + r.stderr
        assert "Traceback" not in r.stderr
    finally:
        server.close()


@pytest.mark.parametrize("command", [["plan"], ["unlock", "--yes"], ["apply", "--auto-approve"]])
def test_endless_answer_is_refused_not_read_into_memory(tmp_path: Path, command: list[str]) -> None:
    """A server streaming an endless body grew gtm by gigabytes until the deadline (or the machine's
    memory) ran out: every answer is read up to MAX_RESPONSE_BYTES."""
    import resource

    server, url = _misbehaving_server("endless")
    try:
        ws = tmp_path / "ws"
        write_workspace(ws, url)
        r, _ = _run(ws, *command, limit=300)
        assert r.returncode == 1, r.stdout + r.stderr
        assert "error[GTM015]" in r.stderr and "larger than 67,108,864 bytes" in r.stderr, r.stderr
        assert "Traceback" not in r.stderr
        # four readers at most at a time, each stopping at 64 MiB (before: 5 GB and growing)
        assert resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss < 1_500_000  # KiB
    finally:
        server.close()
