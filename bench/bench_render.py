"""Benchmark: rendering large plans (text, Markdown, JSON) and reading a saved plan back (`gtm show`).

Builds plans of N changes in memory — creates with nested conditions and numbered actions, updates
with changed conditions (line diffs) and changed leaves — and times each view.  Prints figures
(median of --repeat runs, output size, longest line); asserts nothing.

    .venv/bin/python bench/bench_render.py [--sizes 100,1000,5000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from compiler.diagnostics import SourceRange
from compiler.diff import attribute_changes
from compiler.ir import Resource
from compiler.plan import Change, Plan
from gtm.views.markdown import render_plan_markdown
from gtm.views.output import normalized
from gtm.views.plan_json import render_plan_json
from gtm.views.plan_text import render_plan

DAY = 86_400_000


def _condition(i: int, days: int) -> dict[str, object]:
    return {"all": [
        {"any": [{"all": [{"property": "dealstage", "eq": f"gtm-s{i}-{k}"},
                          {"property": f"hs_time_in_gtm_s{i}_{k}", "gt": (days + k) * DAY}]} for k in range(6)]},
        {"property": "industry", "in": ["LOGISTICS_AND_SUPPLY_CHAIN", "RETAIL", "WAREHOUSING"]},
        {"not": {"property": "hs_is_closed", "eq": True}},
    ]}


def _workflow(i: int, days: int, wait: str) -> dict[str, object]:
    return {"object": "deals", "description": f"Alert {i}", "enrollment": _condition(i, days), "reenroll": True,
            "goal": None, "actions": [
                {"type": "create_task", "title": f"Review deal {i}", "assign_to": "owner", "due_in": "1d"},
                {"type": "delay", "duration": wait},
                {"type": "notify", "recipient": "owner_manager", "message": f"[warning] alert {i}"}]}


def build(n: int) -> Plan:
    changes: list[Change] = []
    for i in range(n):
        src = SourceRange("specs/alerts.yaml", 3 + i, 5)
        if i % 2 == 0:
            r = Resource("workflow", "deals", f"gtm-alert-{i:05d}", _workflow(i, 14, "2d"), src, origin="AlertRule")
            changes.append(Change("create", None, r))
        else:
            before = Resource("workflow", "deals", f"gtm-alert-{i:05d}", _workflow(i, 14, "2d"))
            after = Resource("workflow", "deals", f"gtm-alert-{i:05d}", _workflow(i, 10, "3d"), src,
                             origin="AlertRule")
            attrs = attribute_changes(before.attributes, after.attributes, "workflow")
            changes.append(Change("update", before, after, attrs))
    return Plan("bench", "local", changes)


def median(fn: Callable[[], object], repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def _views(plan: Plan, saved: str) -> list[tuple[str, Callable[[], object]]]:
    def show_text() -> str:
        return render_plan(Plan.from_dict(json.loads(saved)))

    return [
        ("text", lambda: render_plan(plan)),
        ("text (colour)", lambda: render_plan(plan, color=True)),
        ("markdown (capped)", lambda: render_plan_markdown(plan)),
        ("json", lambda: render_plan_json(plan)),
        ("show: read back", lambda: normalized(plan)),
        ("show: read + text", show_text),
    ]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="100,1000,5000")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    print(f"{'changes':>8} {'view':<20} {'seconds':>8} {'µs/change':>10} {'output':>12} {'longest line':>13}")
    for n in (int(x) for x in args.sizes.split(",")):
        plan = build(n)
        saved = json.dumps(plan.to_dict(), default=str)
        views = _views(plan, saved)
        for name, fn in views:
            secs, out = median(fn, args.repeat)
            size = len(out) if isinstance(out, str) else len(saved)
            longest = max(map(len, out.splitlines())) if isinstance(out, str) else 0
            print(f"{n:>8} {name:<20} {secs:>8.3f} {secs / n * 1e6:>10.1f} {size:>12,} {longest:>13}")


if __name__ == "__main__":
    main()
