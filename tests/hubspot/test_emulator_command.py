"""`gtm emulator` serves the HubSpot API on loopback until stopped."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import requests

from tests.conftest import REPO


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_gtm_emulator_serves_and_stops() -> None:
    port = _free_port()
    env = {**os.environ, "GTM_EMULATOR_TOKEN": "pat-cmd", "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen([sys.executable, "-c", "from gtm.cli import main; main()", "emulator", "--port",
                             str(port)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = f"http://127.0.0.1:{port}/crm/v3/pipelines/deals"
        deadline = time.monotonic() + 30
        while True:
            try:
                r = requests.get(url, headers={"Authorization": "Bearer pat-cmd"}, timeout=2)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline, "the emulator did not start"
                time.sleep(0.1)
        assert r.status_code == 200
        assert [p["id"] for p in r.json()["results"]] == ["default"]
        assert "X-HubSpot-RateLimit-Max" in r.headers
        bad = requests.get(url, headers={"Authorization": "Bearer wrong"}, timeout=2)
        assert bad.status_code == 401 and bad.json()["category"] == "INVALID_AUTHENTICATION"
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
