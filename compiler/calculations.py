"""Evaluate the IR's abstract calculations (``score``, ``first_match``, ``bands``) on a record.

This is the Python backend for calculation properties: the local provider computes
``gtm_lead_score``/``gtm_tier``/``gtm_lead_band`` with it, and tests check that HubSpot
formulas compiled from the same calculation agree with it.
"""

from __future__ import annotations

from typing import Any

from compiler.conditions.ast import from_data
from compiler.conditions.evaluate import evaluate


def compute(calc: dict[str, Any], record: dict[str, Any]) -> Any:
    """Value of a calculation for ``record`` (``None`` when no case matches)."""
    kind = calc["kind"]
    if kind == "score":
        return sum(int(r["points"]) for r in calc["rules"] if r["when"] is not None
                   and evaluate(from_data(r["when"]), record))
    if kind == "first_match":
        for case in calc["cases"]:
            if evaluate(from_data(case["when"]), record):
                return case["value"]
        return calc.get("default")
    if kind == "bands":
        raw = record.get(calc["source"])
        if raw is None or raw == "":
            return None
        score = float(raw)
        for b in calc["bands"]:
            if (b["min"] is None or score >= b["min"]) and (b["max"] is None or score <= b["max"]):
                return b["value"]
        return None
    raise ValueError(f"unknown calculation kind {kind!r}")


def with_calculated(record: dict[str, Any], calcs: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """A copy of ``record`` with calculated properties filled in, in dependency order."""
    out = dict(record)
    pending = list(calcs)
    for _ in range(len(pending) + 1):
        if not pending:
            break
        nxt = []
        for name, calc in pending:
            src = calc.get("source")
            if src is not None and any(n == src for n, _ in pending):
                nxt.append((name, calc))
                continue
            v = compute(calc, out)
            out[name] = None if v is None else str(v)
        if len(nxt) == len(pending):
            break
        pending = nxt
    return out
