"""Benchmark: the HubSpot emulator serving reads of a portal with calculated properties, lists and records.

The example specs are applied to an emulator (``gtm apply``: the lead-score calculation, dynamic
lists whose filters read it, workflows), then ``--contacts`` synthetic contacts are put straight
into its state.  Timed, each in a fresh ``gtm`` process against the same emulator: ``gtm plan``
(which reads every list with its size, each size counting the records whose effective values,
calculated ones included, match the list's filter) as the first read after a write (the fill,
then a record updated through the API before each further round), then the same plan again
with nothing written in between.  A list read and
a keyset page of contacts with the calculated property are timed through the official client too.
Prints seconds; asserts nothing.

    .venv/bin/python bench/bench_emulator.py [--contacts 7500] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from gtm.sample_data import companies, contacts  # noqa: E402
from providers.hubspot.emulator.server import EmulatorServer  # noqa: E402

TOKEN = "pat-bench-emulator"
TOKEN_ENV = "GTM_BENCH_EMULATOR_TOKEN"
# the example's names mapped to the emulator's seeded directory (as tests/hubspot/conftest.py does)
MAPPINGS = """\
    mappings:
      emails: {detention-benchmark: 7001, peer-story: 7002, pilot-offer: 7003, carrier-scorecard: 7004,
               dispatch-teardown: 7005, pilot-invite: 7006, integration-guide: 7007, security-pack: 7008,
               benchmark: 7009, checklist: 7010, follow-up: 7011}
      owners: {sales: 101, sdr: 102}
      users: {owner_manager: 9003}
      teams: {team: 301}
"""


def fill(emu: EmulatorServer, n: int) -> None:
    """Put ``n`` synthetic contacts straight into the emulator's state."""
    pool = contacts(min(n, 5000), companies(500, seed=11), seed=11)
    stamp = "2026-01-01T00:00:00.000Z"
    state = emu.state
    with state.lock:
        records = state.records["contacts"]
        for i in range(n):
            rid = state.new_id("record")
            records[rid] = {"id": rid, "properties": {**pool[i % len(pool)], "hs_object_id": rid},
                            "createdAt": stamp, "updatedAt": stamp, "archived": False}


def gtm(ws: Path, *args: str) -> tuple[float, int]:
    env = {**os.environ, TOKEN_ENV: TOKEN}
    t = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", "from gtm.cli import main; main()", *args], cwd=ws, env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    took = time.perf_counter() - t
    if done.returncode not in (0, 2):
        raise SystemExit(f"gtm {' '.join(args)} failed ({done.returncode}): {done.stderr[-2000:]}")
    return took, done.returncode


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--contacts", type=int, default=7500)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    from hubspot import HubSpot

    with EmulatorServer(token=TOKEN, seed=True) as emu, tempfile.TemporaryDirectory() as d:
        ws = Path(d) / "ws"
        ws.mkdir()
        (ws / "gtm.yaml").write_text(
            "version: 1\nname: bench\nenvironments:\n"
            f"  emu:\n    provider: hubspot\n    token_env: {TOKEN_ENV}\n    base_url: '{emu.base_url}'\n"
            "    timeout_s: 600\n"
            f"{MAPPINGS}default_environment: emu\n")
        shutil.copytree(REPO / "specs", ws / "specs")
        gtm(ws, "apply", "--auto-approve")
        fill(emu, a.contacts)
        with emu.state.lock:
            n_lists = sum(1 for lst in emu.state.lists.values() if not lst["deleted"])
            calc = [p["name"] for p in emu.state.active_properties("contacts") if p.get("calculationFormula")]
        print(f"portal: {a.contacts:,} contacts, {n_lists} lists, calculated contact properties: "
              f"{', '.join(calc) or 'none'}; medians of {a.repeat}")
        client = HubSpot(access_token=TOKEN, host=emu.base_url, base_url=emu.base_url)
        list_ids = [lst["listId"] for lst in emu.state.lists.values() if not lst["deleted"]]
        rows: dict[str, list[float]] = {}

        def timed(label: str, fn) -> None:  # type: ignore[no-untyped-def]
            t = time.perf_counter()
            fn()
            rows.setdefault(label, []).append(time.perf_counter() - t)

        first_id = next(iter(emu.state.records["contacts"]))
        for i in range(a.repeat):
            if i:  # a write: the first round's is the fill itself
                client.crm.contacts.basic_api.update(first_id, {"properties": {"jobtitle": f"CIO {i}"}})
            timed("gtm plan (first read after a write)", lambda: gtm(ws, "plan"))
            timed("gtm plan (nothing written since)", lambda: gtm(ws, "plan"))
            timed("read every list (client)", lambda: client.crm.lists.lists_api.get_all(list_ids=list_ids))
            timed("page of 100 contacts + calc", lambda: client.crm.contacts.basic_api.get_page(
                limit=100, properties=["jobtitle", *calc]))
        for label, secs in rows.items():
            print(f"  {label:34} {statistics.median(secs):8.2f} s")


if __name__ == "__main__":
    main()
