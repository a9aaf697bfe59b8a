"""Terraform-style text rendering of a plan: ``+ ~ - -/+`` and the ``Plan:`` summary line."""

from __future__ import annotations

import json
from typing import Any

from compiler.plan import SYMBOLS, Change, Plan
from gtm.views import impact as impact_view

MAX_VALUE = 160
_VERB = {"create": "will be created", "update": "will be updated in place", "delete": "will be destroyed",
         "replace": "must be replaced"}


MAX_CHANGED_VALUE = 2000  # before/after of an update: long enough that the difference shows


def fmt_value(v: Any, limit: int = MAX_VALUE) -> str:
    if v is None:
        return "(none)"
    s = json.dumps(v, ensure_ascii=False, sort_keys=False, separators=(", ", ": "))
    if len(s) > limit:
        s = s[: limit - 1] + "…"
    return s


def render_change(c: Change) -> list[str]:
    sym = SYMBOLS[c.action]
    r = c.resource
    where = f"  ({r.source})" if r.source else ""
    lines = [f"  # {c.address} {_VERB[c.action]}{where}"]
    if c.needs_allow_destroy:
        lines.append(f"  # ! needs --allow-destroy: {'; '.join(c.reasons)}")
    if c.impact is not None and (c.impact.records or c.impact.detail):
        lines.append(f"  # ! impact: {c.impact.detail}")
    lines.extend(impact_view.change_lines(c.impact.effects if c.impact else []))
    for m in c.moves:
        lines.append(f"  # ! moves {m.records} record(s): {m.property} {m.from_value} → {m.to_value}")
    lines.append(f"  {sym} {c.address}")
    if c.action == "create":
        assert c.after is not None
        for k, v in c.after.attributes.items():
            lines.append(f"      + {k}: {fmt_value(v)}")
    elif c.action == "delete":
        pass
    else:
        for a in c.attrs:
            mark = "~"
            if a.before is None:
                mark = "+"
            elif a.after is None:
                mark = "-"
            note = "  # forces replacement" if a.forces_replace else ""
            if mark == "~":
                lines.append(f"      ~ {a.path}: {fmt_value(a.before, MAX_CHANGED_VALUE)} → "
                             f"{fmt_value(a.after, MAX_CHANGED_VALUE)}{note}")
            elif mark == "+":
                lines.append(f"      + {a.path}: {fmt_value(a.after)}{note}")
            else:
                lines.append(f"      - {a.path}: {fmt_value(a.before)}{note}")
    lines.append("")
    return lines


def render_plan(plan: Plan) -> str:
    head = f'gtm plan for environment "{plan.environment}" (provider: {plan.provider})'
    if not plan.changes:
        return f"{head}\n\nNo changes. The CRM matches the specs.\n"
    out = [head, "", "gtm will perform these actions:", "",
           "  + create   ~ update in place   - destroy   -/+ replace", ""]
    for c in plan.changes:
        out.extend(render_change(c))
    blocked = plan.needs_allow_destroy
    if blocked:
        out.append(f"! {len(blocked)} change(s) destroy data or run in a protected environment; "
                   "apply needs --allow-destroy.")
    out.extend(impact_view.plan_lines(plan))
    out.append(plan.summary_line())
    return "\n".join(out) + "\n"
