"""Benchmark: requests and seconds to read records for business impact from a large emulated portal.

The emulator is filled directly (no API calls) with synthetic contacts from ``gtm.sample_data``;
then the HubSpot provider reads them as ``gtm plan`` does for impact (keyset-paged CRM search,
200 a page, only the properties the scoring reads) — every record, and an evenly spread sample
of ``--sample`` records — and the impact of the example's scoring is computed on what was read.
Figures, no assertions.  Seconds at ``--latency-ms`` are measured for the sample and for exact
reads up to ``--exact-max`` contacts; beyond that the exact read is projected from the measured
seconds per request, and the floor at HubSpot's search limit (about 4 requests/s) is given too.

    .venv/bin/python bench/bench_impact.py [--contacts 1000000] [--sample 10000] [--latency-ms 50]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from compiler.lowering import lower
from compiler.plan import Change
from compiler.project import load_project
from gtm.business_impact import analyse_business
from gtm.sample_data import companies, contacts
from providers.hubspot.emulator.server import EmulatorServer
from providers.hubspot.provider import HubSpotProvider

TOKEN = "pat-bench-impact"
REPO = Path(__file__).resolve().parent.parent
SEARCH_RATE = 4.0  # HubSpot's CRM search limit, requests per second per token (about 4-5)


def fill(emu: EmulatorServer, n: int) -> None:
    """Put ``n`` contacts straight into the emulator's state (interned values keep memory small)."""
    state = emu.state
    pool = contacts(5000, companies(500, seed=11), seed=11)
    keep = ("jobtitle", "industry", "country", "numemployees", "hs_analytics_num_page_views",
            "recent_conversion_event_name", "num_conversion_events", "hs_email_optout", "lifecyclestage")
    pool = [{k: sys.intern(v) for k, v in p.items() if k in keep} for p in pool]
    stamp = "2026-01-01T00:00:00.000Z"
    with state.lock:
        records = state.records["contacts"]
        for i in range(n):
            rid = state.new_id("record")
            records[rid] = {"id": rid, "properties": {**pool[i % len(pool)], "hs_object_id": rid},
                            "createdAt": stamp, "updatedAt": stamp, "archived": False}


def measure(provider: HubSpotProvider, props: list[str], limit: int, changes: list[Change],
            lowered: list, label: str) -> tuple[int, float, int]:
    provider.meter.requests = 0
    t0 = time.perf_counter()
    summary, _ = analyse_business(changes, provider, lowered, [], "gtm", limit)
    dt = time.perf_counter() - t0
    basis = next(b for b in summary.basis if b.object == "contacts")
    band = next((e for c in changes for e in (c.impact.effects if c.impact else []) if e.label == "band"), None)
    hot = band.after.get("hot", 0) if band else 0
    kind = "exact" if basis.exact else f"sample of {basis.read:,}, ±{basis.margin} points"
    print(f"  {label:<28} {basis.requests:>6,} requests  {dt:>8.1f} s   ({kind}; hot after: {hot:,.0f})")
    for c in changes:
        if c.impact:
            c.impact.effects.clear()
    return basis.requests, dt, basis.read


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--contacts", type=int, default=1_000_000)
    ap.add_argument("--sample", type=int, default=10_000)
    ap.add_argument("--latency-ms", type=int, default=50)
    ap.add_argument("--exact-max", type=int, default=50_000, help="measure exact reads up to this many contacts")
    args = ap.parse_args()
    project = load_project(REPO)
    lowered = lower(project.specs).resources
    score = next(r for r in lowered if r.address == "property.contacts.gtm_lead_score")
    changes = [Change("create", None, score)]
    props = sorted({"jobtitle", "industry", "country", "numemployees", "hs_analytics_num_page_views",
                    "recent_conversion_event_name", "num_conversion_events", "hs_email_optout"})
    with EmulatorServer(token=TOKEN, seed=True, latency_ms=args.latency_ms) as emu:
        t0 = time.perf_counter()
        fill(emu, args.contacts)
        print(f"portal: {args.contacts:,} contacts (filled in {time.perf_counter() - t0:.1f} s), "
              f"latency {args.latency_ms} ms a request, one request at a time")
        provider = HubSpotProvider(TOKEN, emu.base_url)
        label = f"sampled (--impact-limit {args.sample:,})"
        req, dt, _ = measure(provider, props, args.sample, changes, lowered, label)
        per_request = dt / max(req, 1)
        exact_n = min(args.contacts, args.exact_max)
        if exact_n == args.contacts:
            measure(provider, props, args.contacts, changes, lowered, "exact (every record)")
        else:
            small = EmulatorServer(token=TOKEN, seed=True, latency_ms=args.latency_ms)
            with small:
                fill(small, exact_n)
                p2 = HubSpotProvider(TOKEN, small.base_url)
                req2, dt2, _ = measure(p2, props, exact_n, changes, lowered, f"exact on {exact_n:,} contacts")
                p2.close()
            per_request = dt2 / max(req2, 1)
            need = -(-args.contacts // 200) + 0
            print(f"  exact on {args.contacts:,} (projected): {need:>6,} requests  {need * per_request:>8.1f} s at "
                  f"{per_request * 1000:.0f} ms a request; at HubSpot's ~{SEARCH_RATE:g} searches/s: "
                  f"{need / SEARCH_RATE:,.0f} s")
        provider.close()


if __name__ == "__main__":
    main()
