"""Benchmark: requests and wall time of the HubSpot provider against the emulator at 50 ms
latency, beside a naive one-request-per-resource strategy measured in the same run.

The generated portal: about 2,000 properties over four object types, 12 deal pipelines,
60 lists and 40 workflows (built as IR resources, so the provider is measured on its own).
The request floor of a phase is the same HTTP requests replayed raw (urllib3, no parsing) in
the same rounds gtm issued them (requests in flight together form a round, replayed 4 at a time):
latency plus the emulator's own serving time, with gtm's work taken out.  Prints figures; asserts
nothing.

    .venv/bin/python bench/bench_hubspot.py [--properties 2000] [--latency-ms 50] [--repeat 5] [--no-naive]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import urllib3
from urllib3.connectionpool import HTTPConnectionPool

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from compiler.diff import diff_resources
from compiler.ir import Resource, owned
from compiler.lowering.context import prop_attrs
from compiler.plan import Change
from gtm.applying import waves
from providers.hubspot.emulator.server import EmulatorServer
from providers.hubspot.normalize import OBJECT_TYPE_IDS
from providers.hubspot.provider import HubSpotProvider
from providers.hubspot.write import property_body

TOKEN = "pat-bench"
OBJECTS = ("contacts", "companies", "deals", "tickets")


def desired_resources(n_props: int) -> list[Resource]:
    out: list[Resource] = []
    per = n_props // len(OBJECTS)
    for obj in OBJECTS:
        out.append(Resource("property_group", obj, "gtm", {"label": "GTM managed"}))
        for i in range(per):
            kind = i % 3
            if kind == 0:
                a = prop_attrs(f"GTM · p{i}", "gtm", "string", "text")
            elif kind == 1:
                a = prop_attrs(f"GTM · p{i}", "gtm", "number", "number")
            else:
                a = prop_attrs(f"GTM · p{i}", "gtm", "enumeration", "select", options=["a", "b", "c"])
            out.append(Resource("property", obj, f"gtm_p{i}", a))
    for p in range(12):
        stages = [{"id": f"gtm-pipe-{p}-s{k}", "label": f"Stage {k}", "display_order": k,
                   "probability": round(k / 10, 1), "closed": False} for k in range(1, 6)]
        stages.append({"id": f"gtm-pipe-{p}-won", "label": "Won", "display_order": 6, "probability": 1.0,
                       "closed": True})
        out.append(Resource("pipeline", "deals", f"gtm-pipe-{p}", {"label": f"Pipeline {p}", "display_order": p,
                                                                   "stages": stages}))
    for i in range(60):
        out.append(Resource("list", "contacts", f"gtm-list-{i}", {
            "object": "contacts", "processing": "DYNAMIC", "filter": {"property": f"gtm_p{(i * 3) % per}",
                                                                      "known": True}}))
    for i in range(40):
        out.append(Resource("workflow", "contacts", f"gtm-flow-{i}", {
            "object": "contacts", "description": f"bench flow {i}",
            "enrollment": {"property": f"gtm_p{(i * 3 + 1) % per}", "gt": i}, "reenroll": False, "goal": None,
            "actions": [{"type": "delay", "duration": "1d"},
                        {"type": "notify", "recipient": "owner", "message": f"flow {i}"}]}))
    return out


Sent = tuple[float, float, str, str, Any, dict[str, str]]


class Recorder:
    """Records every request urllib3 sends (start, end, method, url, body, headers) while active.

    Hooked at the connection pool, which both the generated API clients (urllib3) and the
    ``requests`` sessions gtm uses for workflow calls go through."""

    def __init__(self) -> None:
        self.sent: list[Sent] = []
        self._lock = threading.Lock()
        self._orig = HTTPConnectionPool.urlopen

    def __enter__(self) -> Recorder:
        orig, rec = self._orig, self

        def urlopen(pool: Any, method: str, url: str, *args: Any, **kw: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return orig(pool, method, url, *args, **kw)
            finally:
                body = args[0] if args else kw.get("body")
                headers = args[1] if len(args) > 1 else kw.get("headers")
                full = url if "://" in url else f"{pool.scheme}://{pool.host}:{pool.port}{url}"
                with rec._lock:
                    rec.sent.append((t0, time.perf_counter(), method, full, body, dict(headers or {})))

        HTTPConnectionPool.urlopen = urlopen  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: object) -> None:
        HTTPConnectionPool.urlopen = self._orig  # type: ignore[method-assign]


def rounds(sent: list[Sent]) -> list[list[Sent]]:
    """Requests grouped by overlap: a round ends when every request in it has answered."""
    out: list[list[Sent]] = []
    end = -1.0
    for s in sorted(sent):
        if not out or s[0] >= end:
            out.append([])
            end = s[1]
        out[-1].append(s)
        end = max(end, s[1])
    return out


def floor_seconds(sent: list[Sent]) -> tuple[float, int]:
    """Wall time of replaying ``sent`` raw, round by round, 4 at a time; and the number of rounds."""
    pool = urllib3.PoolManager(maxsize=4)
    total = 0.0
    grouped = rounds(sent)
    with ThreadPoolExecutor(max_workers=4) as ex:
        for group in grouped:
            t = time.perf_counter()
            list(ex.map(lambda s: pool.urlopen(s[2], s[3], body=s[4], headers=s[5]).data, group))
            total += time.perf_counter() - t
    return total, len(grouped)


def run_ours(emu: EmulatorServer, desired: list[Resource]) -> dict[str, Any]:
    prov = HubSpotProvider(TOKEN, emu.base_url, max_concurrency=4)
    out: dict[str, Any] = {}
    emu.reset_stats()
    t = time.perf_counter()
    with Recorder() as rec:
        live = prov.read()
    real, _ = prov.realize(desired)
    changes = diff_resources(real, live.resources, lambda r: owned(r))
    out["plan_fresh"] = (emu.stats()["total"], time.perf_counter() - t, len(changes))
    out["floor_fresh"] = floor_seconds(rec.sent)
    emu.reset_stats()
    t = time.perf_counter()
    failures: list[str] = []
    for wave in waves(changes):
        prov.apply_changes(wave, live, lambda c, e, *_also: failures.append(f"{c.address}: {e}") if e else None)
    out["apply"] = (emu.stats()["total"], time.perf_counter() - t, len(failures))
    emu.reset_stats()
    t = time.perf_counter()
    with Recorder() as rec:
        live = prov.read()
    real, _ = prov.realize(desired)
    again = diff_resources(real, live.resources, lambda r: owned(r))
    out["plan_steady"] = (emu.stats()["total"], time.perf_counter() - t, len(again))
    out["floor_steady"] = floor_seconds(rec.sent)
    out["failures"] = failures[:3]
    return out


class Naive:
    """One request per resource: read each one by name, create each one on its own."""

    def __init__(self, emu: EmulatorServer) -> None:
        self.prov = HubSpotProvider(TOKEN, emu.base_url, max_concurrency=4)
        self.crm = self.prov.client.crm

    def exists(self, r: Resource) -> bool:
        from providers.base import ProviderError

        try:
            if r.type == "property_group":
                self.prov._json("read", self.crm.properties.groups_api.get_by_name, r.object, r.name)
            elif r.type == "property":
                self.prov._json("read", self.crm.properties.core_api.get_by_name, r.object, r.name)
            elif r.type == "pipeline":
                self.prov._json("read", self.crm.pipelines.pipelines_api.get_by_id, r.object, r.name)
            elif r.type == "list":
                self.prov._json("read", self.crm.lists.lists_api.get_by_name, r.name, OBJECT_TYPE_IDS[str(r.object)])
            else:
                return self.prov._raw("read", "GET", "/automation/v4/flows", qs={"limit": 100}) is not None
            return True
        except ProviderError as e:
            if e.status == 404:
                return False
            raise

    def create(self, r: Resource, live: Any) -> None:
        if r.type == "property":
            self.prov._json("create", self.crm.properties.core_api.create, r.object,
                            property_body(r.name, r.attributes, True))
        else:
            self.prov.apply_change(Change("create", None, r), live)


def run_naive(emu: EmulatorServer, desired: list[Resource]) -> dict[str, Any]:
    n = Naive(emu)
    out: dict[str, Any] = {}
    emu.reset_stats()
    t = time.perf_counter()
    missing = [r for r, ok in zip(desired, n.prov._parallel([lambda r=r: n.exists(r) for r in desired]),
                                  strict=True) if not ok]
    out["plan_fresh"] = (emu.stats()["total"], time.perf_counter() - t, len(missing))
    live = n.prov.read()
    real, _ = n.prov.realize(missing)
    emu.reset_stats()
    t = time.perf_counter()
    order = {"property_group": 0, "property": 1, "pipeline": 2, "list": 3, "workflow": 4}
    for level in range(5):
        batch = [r for r in real if order[r.type] == level]
        n.prov._parallel([lambda r=r: n.create(r, live) for r in batch])
    out["apply"] = (emu.stats()["total"], time.perf_counter() - t, 0)
    emu.reset_stats()
    t = time.perf_counter()
    n.prov._parallel([lambda r=r: n.exists(r) for r in desired])
    out["plan_steady"] = (emu.stats()["total"], time.perf_counter() - t, 0)
    return out


def gtm_runs(a: argparse.Namespace, desired: list[Resource]) -> dict[str, Any]:
    """gtm's figures: one run in this process, or with ``--repeat N`` the median of N runs, each in a
    fresh process (so every run pays its imports, as a command does); ratios are medians of the
    runs' own ratios (each run's plan against the floor replayed right after it)."""
    if a.repeat <= 1:
        with EmulatorServer(token=TOKEN, seed=True) as emu:
            emu.configure(latency_ms=a.latency_ms)
            out = run_ours(emu, desired)
        for phase in ("fresh", "steady"):
            out[f"ratio_{phase}"] = out[f"plan_{phase}"][1] / out[f"floor_{phase}"][0]
        return out
    runs: list[dict[str, Any]] = []
    for _ in range(a.repeat):
        cmd = [sys.executable, __file__, "--one-run", "--properties", str(a.properties),
               "--latency-ms", str(a.latency_ms)]
        done = subprocess.run(cmd, check=True, capture_output=True, text=True)
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))

    def med(key: str, i: int) -> Any:
        return statistics.median(r[key][i] for r in runs)

    out = {k: (runs[-1][k][0], med(k, 1), runs[-1][k][2]) for k in ("plan_fresh", "apply", "plan_steady")}
    for phase in ("fresh", "steady"):
        out[f"floor_{phase}"] = (med(f"floor_{phase}", 0), runs[-1][f"floor_{phase}"][1])
        out[f"ratio_{phase}"] = statistics.median(r[f"plan_{phase}"][1] / r[f"floor_{phase}"][0] for r in runs)
    out["failures"] = runs[-1]["failures"]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--properties", type=int, default=2000)
    ap.add_argument("--latency-ms", type=int, default=50)
    ap.add_argument("--no-naive", action="store_true", help="skip the naive baseline (about 8 minutes)")
    ap.add_argument("--repeat", type=int, default=1, help="gtm's runs, each in a fresh process (medians)")
    ap.add_argument("--one-run", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()
    desired = desired_resources(a.properties)
    if a.one_run:
        with EmulatorServer(token=TOKEN, seed=True) as emu:
            emu.configure(latency_ms=a.latency_ms)
            print(json.dumps(run_ours(emu, desired)))
        return
    counts: dict[str, int] = {}
    for r in desired:
        counts[r.type] = counts.get(r.type, 0) + 1
    print(f"desired: {counts} (objects: {', '.join(OBJECTS)}), latency {a.latency_ms} ms, 4 workers"
          + (f", gtm: medians of {a.repeat} runs" if a.repeat > 1 else ""))
    results = {"gtm": gtm_runs(a, desired)}
    if not a.no_naive:
        with EmulatorServer(token=TOKEN, seed=True) as emu:
            emu.configure(latency_ms=a.latency_ms)
            results["naive"] = run_naive(emu, desired)
    print(f"{'phase':22} {'gtm req':>8} {'gtm s':>7} {'naive req':>10} {'naive s':>8} {'req ratio':>10}")
    for phase in ("plan_fresh", "apply", "plan_steady"):
        g = results["gtm"][phase]
        nv = results["naive"][phase] if "naive" in results else (0, float("nan"), 0)
        print(f"{phase:22} {g[0]:8d} {g[1]:7.2f} {nv[0]:10d} {nv[1]:8.2f} {nv[0] / max(g[0], 1):9.1f}x")
    for phase in ("fresh", "steady"):
        floor, n_rounds = results["gtm"][f"floor_{phase}"]
        took = results["gtm"][f"plan_{phase}"][1]
        print(f"plan_{phase}: {took:.2f} s against a request floor of {floor:.2f} s "
              f"({n_rounds} rounds, replayed raw) = {results['gtm'][f'ratio_{phase}']:.2f}x floor")
    other = sum(v for k, v in counts.items() if k != "property")
    print(f"apply target: about {counts['property'] / 100:.0f} (properties/100) + {other} (other resources) = "
          f"{counts['property'] / 100 + other:.0f} requests; gtm made {results['gtm']['apply'][0]}")
    print(f"plan changes found: fresh {results['gtm']['plan_fresh'][2]}, after apply "
          f"{results['gtm']['plan_steady'][2]}; apply failures: {results['gtm']['failures'] or 'none'}")


if __name__ == "__main__":
    main()
