"""Targeted faults against the emulator (``fault_rules``): a single 5xx or a lost answer on one chosen
request, and races for the apply lock.  Each case once failed an apply that should have succeeded, or
reported the wrong thing; the official client talks to the emulator over loopback throughout."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from compiler.backends.hubspot_flows import put_body
from gtm.locking import LockError, apply_lock
from providers.hubspot.emulator.server import EmulatorServer
from providers.hubspot.provider import HubSpotProvider
from tests.conftest import gtm
from tests.hubspot.conftest import TOKEN, client

LOCK_POST = "POST /crm/v3/properties/{objectType}/groups"
LOCK_PATH = "/crm/v3/properties/contacts/groups"


def _groups(emu: EmulatorServer) -> dict[str, str]:
    return {g.name: g.label for g in client(emu).crm.properties.groups_api.get_all("contacts").results}


def _lock_holder(emu: EmulatorServer) -> dict[str, Any] | None:
    label = _groups(emu).get("gtm_lock")
    return None if label is None else dict(json.loads(label))


def _provider(emu: EmulatorServer) -> HubSpotProvider:
    return HubSpotProvider(TOKEN, emu.base_url, env_name="emu")


# -- taking the lock is safe to retry --------------------------------------------------------------
@pytest.mark.parametrize("fault", ["503", "502", "drop_answer"])
def test_apply_survives_a_single_fault_on_taking_the_lock(hs_ws: Path, emulator: EmulatorServer, fault: str
                                                          ) -> None:
    """A 5xx (nothing happened) or a lost answer (the lock was made) on the lock's POST: the apply reads
    the lock back — ours by its token, or missing and asked for again — and goes on."""
    emulator.configure(fault_rules=[{"method": "POST", "path": LOCK_PATH, "fault": fault, "times": 1}])
    r = gtm("apply", "--auto-approve")
    assert r.exit_code == 0, r.output
    assert "Traceback" not in r.output and "GTM605" not in r.output
    stats = emulator.stats()
    assert stats["injected_errors"] + stats["dropped_answers"] == 1, "the fault fired"
    assert stats["by_endpoint"][LOCK_POST] >= 2, "the lock was asked for again"
    assert "gtm_lock" not in _groups(emulator), "the apply released the lock it took"
    assert gtm("plan", "--detailed-exitcode").exit_code == 0


def test_lock_taken_by_someone_else_meanwhile_is_still_refused(emulator: EmulatorServer) -> None:
    """The retry reads the lock back: a lock with another holder's token is not ours."""
    other = {"id": "rival", "user": "ci", "environment": "emu", "host": "runner-9", "pid": 77}
    client(emulator).crm.properties.groups_api.create("contacts", {"name": "gtm_lock", "label": json.dumps(other)})
    emulator.configure(fault_rules=[{"method": "POST", "path": LOCK_PATH, "fault": "503", "times": 1}])
    with pytest.raises(LockError) as info, apply_lock(_provider(emulator), "emu"):
        pass
    assert info.value.diagnostic.code == "GTM605" and "ci on runner-9 (pid 77)" in info.value.diagnostic.summary
    assert _lock_holder(emulator) == other
    assert emulator.stats()["injected_errors"] == 1


# -- a lost race for a stale lock -------------------------------------------------------------------
def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def _stale_lock(emu: EmulatorServer) -> dict[str, Any]:
    stale = {"id": "stale", "user": "gone", "environment": "emu", "host": socket.gethostname(),
             "pid": _dead_pid()}
    client(emu).crm.properties.groups_api.create("contacts", {"name": "gtm_lock", "label": json.dumps(stale)})
    return stale


class _Racing(HubSpotProvider):
    """A provider that lets a rival apply act at one chosen moment of breaking the stale lock."""

    rival: HubSpotProvider
    moment: str

    def break_lock(self, holder_id: str | None = None) -> dict[str, Any] | None:
        if self.moment == "before-break":  # the rival broke the stale lock and took its own
            assert self.rival.break_lock("stale") is not None
            self.rival.acquire_lock({"id": "winner", "user": "rival", "environment": "emu"})
        return super().break_lock(holder_id)

    def _lock_holder(self) -> dict[str, Any] | None:
        holder = super()._lock_holder()
        if self.moment == "between-read-and-archive":  # the rival archives it under our feet
            self.moment = ""
            assert self.rival.break_lock("stale") is not None
        return holder


def test_losing_the_race_for_a_stale_lock_is_gtm605_and_leaves_the_winner_alone(emulator: EmulatorServer
                                                                                ) -> None:
    _stale_lock(emulator)
    loser = _Racing(TOKEN, emulator.base_url, env_name="emu")
    loser.rival, loser.moment = _provider(emulator), "before-break"
    with pytest.raises(LockError) as info, apply_lock(loser, "emu"):
        pass
    d = info.value.diagnostic
    assert d.code == "GTM605" and "rival on" in d.summary, d.summary
    assert "404" not in d.summary
    holder = _lock_holder(emulator)
    assert holder is not None and holder["id"] == "winner", "the winner's fresh lock was not broken"


def test_stale_lock_archived_by_another_process_first_is_no_404(emulator: EmulatorServer) -> None:
    """Our read saw the stale lock, the rival archived it before our archive (404): we take the lock."""
    _stale_lock(emulator)
    p = _Racing(TOKEN, emulator.base_url, env_name="emu")
    p.rival, p.moment = _provider(emulator), "between-read-and-archive"
    with apply_lock(p, "emu") as held:
        holder = _lock_holder(emulator)
        assert holder is not None and holder["id"] == held.id
    assert _lock_holder(emulator) is None


# -- a flow update whose answer is lost ---------------------------------------------------------------
FLOW_PUT = "PUT /automation/v4/flows/{flowId}"


def _edit_sla(ws: Path) -> None:
    p = ws / "specs" / "slas.yaml"
    p.write_text(p.read_text().replace("respond_within: 2h", "respond_within: 3h", 1))


def _sla_flows(emu: EmulatorServer) -> list[dict[str, Any]]:
    with emu.state.lock:
        return [dict(f) for f in emu.state.flows.values() if str(f.get("name", "")).startswith("gtm-sla-")]


def test_flow_update_whose_answer_is_lost_is_not_a_stale_revision_error(hs_ws: Path, emulator: EmulatorServer
                                                                        ) -> None:
    """The PUT lands, its answer is dropped; the retry is refused as stale (the revision moved on) — the
    flow is read back and holds what was sent, so the apply succeeds and converges."""
    assert gtm("apply", "--auto-approve").exit_code == 0
    revisions = {f["id"]: int(f["revisionId"]) for f in _sla_flows(emulator)}
    _edit_sla(hs_ws)
    emulator.configure(fault_rules=[{"method": "PUT", "path": "/automation/v4/flows/*", "fault": "drop_answer"}])
    emulator.reset_stats()
    r = gtm("apply", "--auto-approve")
    assert r.exit_code == 0, r.output
    assert "stale" not in r.output and "Traceback" not in r.output
    stats = emulator.stats()
    assert stats["dropped_answers"] == 1 and stats["by_endpoint"][FLOW_PUT] == 2, stats["by_endpoint"]
    assert stats["by_status"].get("409") == 1, "the retried PUT met the revision the lost one made"
    bumped = [f for f in _sla_flows(emulator) if int(f["revisionId"]) != revisions[f["id"]]]
    assert len(bumped) == 1 and int(bumped[0]["revisionId"]) == revisions[bumped[0]["id"]] + 1, "landed once"
    assert gtm("plan", "--detailed-exitcode").exit_code == 0


def test_flow_changed_in_hubspot_during_the_update_is_gtm625(hs_ws: Path, emulator: EmulatorServer,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Someone edits the flow between gtm's read and its PUT: the PUT is stale and the live flow is not
    what gtm sent — a clear error naming the flow and what to do, and the other person's edit stays."""
    assert gtm("apply", "--auto-approve").exit_code == 0
    _edit_sla(hs_ws)
    original = HubSpotProvider._raw
    auth = {"Authorization": f"Bearer {TOKEN}"}

    def edit_first(self: HubSpotProvider, what: str, method: str, path: str, *args: Any, **kwargs: Any) -> Any:
        if method == "PUT" and path.startswith("/automation/v4/flows/"):
            import requests

            url = emulator.base_url + path
            flow = requests.get(url, headers=auth, timeout=5).json()
            body = put_body(flow, flow["revisionId"], flow["isEnabled"])
            body["description"] = "edited in HubSpot meanwhile"
            assert requests.put(url, json=body, headers=auth, timeout=5).status_code == 200
        return original(self, what, method, path, *args, **kwargs)

    monkeypatch.setattr(HubSpotProvider, "_raw", edit_first)
    r = gtm("apply", "--auto-approve")
    assert r.exit_code == 1 and "Traceback" not in r.output
    assert "(GTM625)" in r.stderr and "workflow.gtm-sla-" in r.stderr and "run `gtm plan` again" in r.stderr, r.stderr
    assert any(f.get("description") == "edited in HubSpot meanwhile" for f in _sla_flows(emulator))
