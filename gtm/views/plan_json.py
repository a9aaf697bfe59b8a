"""The machine-readable plan (``--format json``); versioned by ``format_version``."""

from __future__ import annotations

import json

from compiler.plan import Plan


def render_plan_json(plan: Plan) -> str:
    return json.dumps(plan.to_dict(), indent=2, sort_keys=False, default=str, allow_nan=False) + "\n"
