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
