"""Why a record gets its tier, score, band and route: rule by rule, with the Python evaluator.

Used by ``gtm explain``.  Works on the lowered IR's calculations, so what it shows is exactly what
the local provider computes and what the HubSpot formulas are tested to agree with.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from compiler.calculations import with_calculated
from compiler.conditions.ast import from_data
from compiler.conditions.evaluate import evaluate, explain
from compiler.lowering import lower
from compiler.specset import SpecSet
from compiler.workspace import Ownership


@dataclass
class Explanation:
    object: str
    values: dict[str, Any] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)


def explain_record(ss: SpecSet, obj: str, record: dict[str, Any], ownership: Ownership | None = None,
                   verbose: bool = False) -> Explanation:
    own = ownership or Ownership()
    lowered = lower(ss, own)
    order = {"score": 0, "first_match": 1, "bands": 2}
    calcs = sorted(((r.name, r.attributes["calculation"]) for r in lowered.resources
                    if r.type == "property" and r.object == obj and r.attributes.get("calculation")),
                   key=lambda nc: (order.get(nc[1]["kind"], 9), nc[0]))
    full = with_calculated({k: (None if v is None else str(v)) for k, v in record.items()}, calcs)
    ex = Explanation(obj, {n: full.get(n) for n, _ in calcs})
    out = ex.lines
    for name, calc in calcs:
        if calc["kind"] == "score":
            out.append(f"{name} = {full.get(name)}")
            for rule in calc["rules"]:
                hit = rule["when"] is not None and evaluate(from_data(rule["when"]), full)
                sign = f"{rule['points']:+d}"
                out.append(f"  {'✓' if hit else '✗'} {sign:>5}  {rule['id']}")
                if verbose or hit:
                    out.extend("        " + ln for ln in explain(from_data(rule["when"]), full))
        elif calc["kind"] == "first_match":
            out.append(f"{name} = {full.get(name) or '(none)'}  (first matching case wins)")
            for case in calc["cases"]:
                hit = evaluate(from_data(case["when"]), full)
                out.append(f"  {'✓' if hit else '✗'} {case['value']}")
                if verbose or hit:
                    out.extend("      " + ln for ln in explain(from_data(case["when"]), full))
                if hit:
                    break
        elif calc["kind"] == "bands":
            out.append(f"{name} = {full.get(name) or '(none)'}  (from {calc['source']} = {full.get(calc['source'])})")
    scoring = ss.first("LeadScoring")
    band = full.get(f"{own.prefix}_lead_band")
    if obj == "contacts" and scoring is not None and band:
        b = next((b for b in scoring.model.bands if b.id == band), None)
        if b is not None:
            sla = f", SLA {b.sla}" if b.sla else ""
            out.append(f"route = {b.route}{sla}")
        if scoring.model.mql is not None:
            score = float(full.get(f"{own.prefix}_lead_score") or 0)
            out.append(f"MQL = {'yes' if score >= scoring.model.mql.min_score else 'no'} "
                       f"(threshold {scoring.model.mql.min_score})")
    for r in lowered.resources:
        enrol = r.attributes.get("enrollment") if r.type == "workflow" else None
        if enrol and r.attributes.get("object") == obj and evaluate(from_data(enrol), full):
            out.append(f"enrols in {r.name}")
    return ex
