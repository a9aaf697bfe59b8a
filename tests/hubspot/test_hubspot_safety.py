"""Safety against the emulator: stale saved plans, destroy protection with record counts,
protected environments, stage moves, a killed apply that resumes, a refused concurrent apply."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from providers.hubspot.emulator.server import EmulatorServer
from tests.conftest import REPO, gtm
from tests.hubspot.conftest import TOKEN, TOKEN_ENV, client, write_workspace


def _props(emu: EmulatorServer, obj: str = "contacts") -> list[str]:
    return [p.name for p in client(emu).crm.properties.core_api.get_all(obj).results]


def test_saved_plan_refused_as_stale_after_an_out_of_band_edit(hs_ws: Path, emulator: EmulatorServer) -> None:
    assert gtm("apply", "--auto-approve").exit_code == 0
    p = hs_ws / "specs" / "alerts.yaml"
    p.write_text(p.read_text().replace("severity: critical", "severity: info"))
    assert gtm("plan", "--out", "plan.json").exit_code == 0
    hs = client(emulator)
    hs.crm.pipelines.pipelines_api.update("deals", "gtm-new-business", {"label": "Renamed in the UI"})
    emulator.reset_stats()
    r = gtm("apply", "plan.json")
    assert r.exit_code == 1
    assert "error[GTM604]" in r.stderr and "stale" in r.stderr and "pipeline.deals.gtm-new-business" in r.stderr
    reads = ("GET", "POST /crm/v3/lists/search", "POST /automation/v4/flows/batch/read",
             "POST /crm/v3/objects/{objectType}/search")
    lock = ("POST /crm/v3/properties/{objectType}/groups", "DELETE /crm/v3/properties/{objectType}/groups/{groupName}")
    writes = {k: v for k, v in emulator.stats()["by_endpoint"].items() if not k.startswith(reads) and k not in lock}
    assert not writes, f"a refused plan changes nothing, but saw {writes}"
    pipe = hs.crm.pipelines.pipelines_api.get_by_id("deals", "gtm-new-business")
    assert pipe.label == "Renamed in the UI"


def test_protected_environment_refuses_deletes_without_allow_destroy(tmp_path: Path, emulator: EmulatorServer,
                                                                     monkeypatch: object) -> None:
    ws = tmp_path / "ws"
    write_workspace(ws, emulator.base_url, protected=True)
    os.environ[TOKEN_ENV] = TOKEN
    cwd = os.getcwd()
    os.chdir(ws)
    try:
        assert gtm("apply", "--auto-approve").exit_code == 0
        (ws / "specs" / "sequences.yaml").unlink()
        r = gtm("apply", "--auto-approve")
        assert r.exit_code == 1 and "GTM603" in r.stderr and "protected environment" in r.stderr
        flows = client(emulator).api_request({"method": "GET", "path": "/automation/v4/flows"}).json()["results"]
        assert "gtm-seq-vp-ops-nurture" in {f["name"] for f in flows}, "the workflow remains"
        r = gtm("apply", "--auto-approve", "--allow-destroy")
        assert r.exit_code == 0, r.output
        flows = client(emulator).api_request({"method": "GET", "path": "/automation/v4/flows"}).json()["results"]
        assert "gtm-seq-vp-ops-nurture" not in {f["name"] for f in flows}
    finally:
        os.chdir(cwd)
        del os.environ[TOKEN_ENV]


def test_property_with_values_is_not_deleted_without_allow_destroy(hs_ws: Path, emulator: EmulatorServer) -> None:
    assert gtm("apply", "--auto-approve").exit_code == 0
    hs = client(emulator)
    hs.crm.objects.batch_api.create("contacts", {"inputs": [
        {"properties": {"email": f"p{i}@x.example", "gtm_first_utm_source": "google"}} for i in range(7)]})
    (hs_ws / "specs" / "utm.yaml").unlink()
    plan = json.loads(gtm("plan", "--format", "json").stdout)
    ch = next(c for c in plan["changes"] if c["address"] == "property.contacts.gtm_first_utm_source")
    assert ch["action"] == "delete" and ch["needs_allow_destroy"] and ch["impact"]["records"] == 7
    text = gtm("plan").stdout
    assert "# ! impact: 7 contacts have a value in gtm_first_utm_source" in text
    r = gtm("apply", "--auto-approve")
    assert r.exit_code == 1 and "GTM603" in r.stderr
    assert "gtm_first_utm_source" in _props(emulator)
    assert gtm("apply", "--auto-approve", "--allow-destroy").exit_code == 0
    assert "gtm_first_utm_source" not in _props(emulator)


def test_stage_with_deals_needs_moved_to_and_deals_move(hs_ws: Path, emulator: EmulatorServer) -> None:
    assert gtm("apply", "--auto-approve").exit_code == 0
    hs = client(emulator)
    hs.crm.objects.batch_api.create("deals", {"inputs": [
        {"properties": {"dealname": f"d{i}", "pipeline": "gtm-new-business", "dealstage": "gtm-new-business-pilot"}}
        for i in range(4)]})
    p = hs_ws / "specs" / "pipeline.yaml"
    text = p.read_text()
    a, b = text.index("  - {id: pilot"), text.index("  - {id: negotiation")
    p.write_text(text[:a] + text[b:])
    r = gtm("plan")
    assert r.exit_code == 1 and "holds 4 deals" in r.stderr and "GTM611" in r.stderr
    p.write_text(text[:a] + text[b:] + "removed_stages:\n  - {id: pilot, moved_to: evaluation}\n")
    r = gtm("plan")
    assert "moves 4 record(s): dealstage gtm-new-business-pilot → gtm-new-business-evaluation" in r.stdout
    assert gtm("apply", "--auto-approve").exit_code == 0
    found = hs.crm.objects.search_api.do_search("deals", {"filterGroups": [{"filters": [
        {"propertyName": "dealstage", "operator": "EQ", "value": "gtm-new-business-evaluation"}]}], "limit": 10})
    assert found.total == 4
    assert gtm("plan", "--detailed-exitcode").exit_code == 0


def _spawn_apply(ws: Path, *extra: str) -> subprocess.Popen[str]:
    env = {**os.environ, TOKEN_ENV: TOKEN, "PYTHONPATH": str(REPO)}
    return subprocess.Popen([sys.executable, "-c", "from gtm.cli import main; main()", "apply", "--auto-approve",
                             *extra], cwd=ws, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for_writes(emu: EmulatorServer, n: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        by = emu.stats()["by_endpoint"]
        if sum(v for k, v in by.items() if k.startswith(("POST /crm/v3/properties", "POST /crm/v3/pipelines",
                                                          "POST /crm/v3/lists/"))) >= n:
            return
        time.sleep(0.05)
    raise AssertionError("apply made no progress")


def test_apply_killed_midway_resumes_without_duplicates(tmp_path: Path, emulator: EmulatorServer) -> None:
    ws = tmp_path / "ws"
    write_workspace(ws, emulator.base_url)
    emulator.configure(latency_ms=60)
    proc = _spawn_apply(ws)
    _wait_for_writes(emulator, 4)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    emulator.configure(latency_ms=0)
    partial = emulator.stats()["total"]
    assert partial > 0
    env = {**os.environ, TOKEN_ENV: TOKEN, "PYTHONPATH": str(REPO)}
    gtm_cmd = [sys.executable, "-c", "from gtm.cli import main; main()"]
    # the killed apply left its lock; its pid is gone on this host, so the next apply breaks it
    r = subprocess.run([*gtm_cmd, "apply", "--auto-approve"], cwd=ws, env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    assert f"broke a stale apply lock left by pid {proc.pid}" in r.stderr
    assert "previous apply" in r.stderr
    r = subprocess.run([*gtm_cmd, "plan", "--detailed-exitcode"], cwd=ws, env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout
    for obj in ("contacts", "companies"):
        names = _props(emulator, obj)
        assert len(names) == len(set(names))
    hs = client(emulator)
    lists = hs.crm.lists.lists_api.do_search({"query": "gtm-", "count": 500}).lists
    assert len([x.name for x in lists]) == len({x.name for x in lists}), "no duplicate lists"


def test_apply_terminated_midway_releases_its_lock(tmp_path: Path, emulator: EmulatorServer) -> None:
    """SIGTERM (a CI job cancelled, `timeout`, `docker stop`) ended gtm at once, leaving the apply lock:
    on another host the next apply stopped with GTM605 until someone ran `gtm unlock`."""
    ws = tmp_path / "ws"
    write_workspace(ws, emulator.base_url)
    emulator.configure(latency_ms=60)
    proc = _spawn_apply(ws)
    _wait_for_writes(emulator, 4)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=60)
    emulator.configure(latency_ms=0)
    assert proc.returncode == 130 and "interrupted" in err and "Traceback" not in err, out + err
    groups = [g.name for g in client(emulator).crm.properties.groups_api.get_all("contacts").results]
    assert "gtm_lock" not in groups, "the terminated apply released its lock"
    journal = (ws / ".gtm" / "journal" / "emu.jsonl").read_text().splitlines()
    assert json.loads(journal[-1])["status"] == "interrupted"
    env = {**os.environ, TOKEN_ENV: TOKEN, "PYTHONPATH": str(REPO)}
    r = subprocess.run([sys.executable, "-c", "from gtm.cli import main; main()", "apply", "--auto-approve"],
                       cwd=ws, env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0 and "stale apply lock" not in r.stderr, r.stdout + r.stderr


def test_second_concurrent_apply_is_refused(tmp_path: Path, emulator: EmulatorServer) -> None:
    ws = tmp_path / "ws"
    write_workspace(ws, emulator.base_url)
    emulator.configure(latency_ms=400)
    first = _spawn_apply(ws)
    try:
        _wait_for_writes(emulator, 2)
        # hold the first apply where it is (mid-apply, lock held) so the race is decided by the
        # lock, not by how fast a loaded machine starts the second process
        first.send_signal(signal.SIGSTOP)
        env = {**os.environ, TOKEN_ENV: TOKEN, "PYTHONPATH": str(REPO)}
        try:
            second = subprocess.run([sys.executable, "-c", "from gtm.cli import main; main()", "apply",
                                     "--auto-approve"], cwd=ws, env=env, capture_output=True, text=True,
                                    timeout=120)
        finally:
            first.send_signal(signal.SIGCONT)
        assert second.returncode == 1, second.stdout + second.stderr
        assert "error[GTM605]" in second.stderr and "another apply holds the lock" in second.stderr
    finally:
        out, err = first.communicate(timeout=300)
    assert first.returncode == 0, out + err
    emulator.configure(latency_ms=0)
    r = subprocess.run([sys.executable, "-c", "from gtm.cli import main; main()", "plan", "--detailed-exitcode"],
                       cwd=ws, env={**os.environ, TOKEN_ENV: TOKEN, "PYTHONPATH": str(REPO)},
                       capture_output=True, text=True)
    assert r.returncode == 0


def test_a_lock_held_elsewhere_refuses_apply_until_unlocked(hs_ws: Path, emulator: EmulatorServer) -> None:
    holder = {"id": "x", "user": "ci", "environment": "emu", "host": "runner-7", "pid": 4242}
    client(emulator).crm.properties.groups_api.create("contacts", {"name": "gtm_lock",
                                                                   "label": json.dumps(holder)})
    r = gtm("apply", "--auto-approve")
    assert r.exit_code == 1
    assert 'another apply holds the lock on environment "emu": ci on runner-7 (pid 4242)' in r.stderr
    assert "gtm unlock -e emu" in r.stderr
    assert gtm("plan", "--detailed-exitcode").exit_code == 2, "nothing was applied"
    u = gtm("unlock", "--yes")
    assert u.exit_code == 0 and "held by ci on runner-7 (pid 4242)" in u.stdout
    assert gtm("apply", "--auto-approve").exit_code == 0
    groups = [g.name for g in client(emulator).crm.properties.groups_api.get_all("contacts").results]
    assert "gtm_lock" not in groups, "the apply released its lock"
