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
                             str(port), "--time-zone", "Europe/Berlin"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
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
        details = requests.get(f"http://127.0.0.1:{port}/account-info/v3/details",
                               headers={"Authorization": "Bearer pat-cmd"}, timeout=2)
        assert details.json()["timeZone"] == "Europe/Berlin"
        bad = requests.get(url, headers={"Authorization": "Bearer wrong"}, timeout=2)
        assert bad.status_code == 401 and bad.json()["category"] == "INVALID_AUTHENTICATION"
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_gtm_emulator_refuses_an_unknown_time_zone() -> None:
    from tests.conftest import gtm

    r = gtm("emulator", "--token", "pat-cmd", "--time-zone", "Mars/Olympus_Mons")
    assert r.exit_code == 2 and "--time-zone" in r.output and "IANA" in r.output, r.output
