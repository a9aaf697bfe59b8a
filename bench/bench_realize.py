"""Benchmark: ``HubSpotProvider.realize`` time as the plan grows (no network).

realize turns the IR into HubSpot's dialect: each list and flow filter is compiled with the
property types of the portal *and* of the properties the same plan creates.  The type, option
and calculation indexes are built once per object and realize; this script prints milliseconds
per run and per resource for growing plans (a quarter lists, a tenth flows, the rest properties,
a third of them enumerations that the lists and flows filter on), so a return to a per-resource
scan of the plan shows up as a per-resource time that grows with N.  Prints figures; asserts nothing.

    .venv/bin/python bench/bench_realize.py [--sizes 1000 2000 4000 8000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from compiler.ir import Resource
from compiler.lowering.context import prop_attrs
from providers.hubspot.provider import HubSpotProvider

OBJECTS = ("contacts", "companies", "deals", "tickets")


def plan(n: int) -> list[Resource]:
    n_lists, n_flows = n // 4, n // 10
    n_props = n - n_lists - n_flows
    out: list[Resource] = []
    for i in range(n_props):
        obj = OBJECTS[i % len(OBJECTS)]
        if i % 3 == 2:
            a = prop_attrs(f"GTM · p{i}", "gtm", "enumeration", "select", options=["a", "b", "c"])
        else:
            a = prop_attrs(f"GTM · p{i}", "gtm", "number", "number")
        out.append(Resource("property", obj, f"gtm_p{i}", a))
    enums = [i for i in range(n_props) if i % 3 == 2]
    for k in range(n_lists):
        i = enums[k % len(enums)]
        obj = OBJECTS[i % len(OBJECTS)]
        out.append(Resource("list", obj, f"gtm-list-{k}", {
            "object": obj, "processing": "DYNAMIC",
            "filter": {"all": [{"property": f"gtm_p{i}", "in": ["a", "b"]},
                               {"property": f"gtm_p{i - 2}", "gte": k}]}}))
    for k in range(n_flows):
        i = enums[(k * 7) % len(enums)]
        obj = OBJECTS[i % len(OBJECTS)]
        out.append(Resource("workflow", obj, f"gtm-flow-{k}", {
            "object": obj, "description": f"bench flow {k}",
            "enrollment": {"property": f"gtm_p{i}", "eq": "c"}, "reenroll": False, "goal": None,
            "actions": [{"type": "delay", "duration": "1d"}]}))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 2000, 4000, 8000])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    provider = HubSpotProvider("pat-bench", "http://127.0.0.1:9")  # realize sends no request
    print(f"{'resources':>10} {'realize ms':>11} {'µs/resource':>12} {'diagnostics':>12}")
    for n in args.sizes:
        desired = plan(n)
        best = float("inf")
        diags = 0
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            _, d = provider.realize(desired)
            best = min(best, time.perf_counter() - t0)
            diags = len(d)
        print(f"{n:>10} {best * 1000:>11.1f} {best * 1e6 / n:>12.1f} {diags:>12}")


if __name__ == "__main__":
    main()
