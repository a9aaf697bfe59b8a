"""Spec tests (``kind: Test``): run each case's record through the evaluator and compare outcomes.

The outcomes come from the lowered IR, evaluated by :mod:`compiler.calculations` and
:mod:`compiler.conditions.evaluate` (the evaluator the local provider, ``gtm explain`` and plan
impact use), so a passing test states what the CRM will compute.  A contact case may carry its
``company``: the company's tier is computed and copied to the contact, as gtm's tier-sync
workflow does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from compiler.calculations import with_calculated
from compiler.conditions.ast import from_data
from compiler.conditions.evaluate import evaluate
from compiler.diagnostics import Diagnostic, SourceRange, error
from compiler.explain import explain_record
from compiler.ir import Resource
from compiler.lowering import Lowered, lower
from compiler.parse import Spec
from compiler.specset import SpecSet
from compiler.workspace import Ownership

LATER_STAGES = ("salesqualifiedlead", "opportunity", "customer", "evangelist")
WORKFLOW_KINDS = (("slas", "sla-"), ("sequences", "seq-"), ("alerts", "alert-"))
_ORDER = {"score": 0, "first_match": 1, "bands": 2}


@dataclass
class Mismatch:
    field: str
    expected: Any
    actual: Any


@dataclass
class CaseResult:
    """One case: where it is, what was computed, and what did not match."""

    test: str
    case: str
    object: str
    range: SourceRange | None
    actual: dict[str, Any] = field(default_factory=dict)
    mismatches: list[Mismatch] = field(default_factory=list)
    explanation: list[str] = field(default_factory=list)
    expect_ranges: dict[str, SourceRange] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return not self.mismatches

    def to_dict(self) -> dict[str, Any]:
        return {"test": self.test, "case": self.case, "object": self.object, "passed": self.passed,
                "source": self.range.to_dict() if self.range else None, "actual": self.actual,
                "failures": [{"field": m.field, "expected": m.expected, "actual": m.actual}
                             for m in self.mismatches],
                "explanation": self.explanation if self.mismatches else []}


class Evaluator:
    """The specs lowered once; computes a record's outcomes on any object."""

    def __init__(self, ss: SpecSet, ownership: Ownership | None = None) -> None:
        self.ss = ss
        self.own = ownership or Ownership()
        self.lowered: Lowered = lower(ss, self.own)
        self.prefix = self.own.prefix

    def calcs(self, obj: str) -> list[tuple[str, dict[str, Any]]]:
        return sorted(((r.name, r.attributes["calculation"]) for r in self.lowered.resources
                       if r.type == "property" and r.object == obj and r.attributes.get("calculation")),
                      key=lambda nc: (_ORDER.get(nc[1]["kind"], 9), nc[0]))

    def workflows(self, obj: str) -> list[Resource]:
        return [r for r in self.lowered.resources if r.type == "workflow" and r.attributes.get("object") == obj]

    def record(self, obj: str, record: dict[str, Any], company: dict[str, Any] | None) -> dict[str, Any]:
        """The record's values with every calculation (and a contact's copied company tier) filled in."""
        values = {k: (None if v is None else str(v).lower() if isinstance(v, bool) else str(v))
                  for k, v in record.items()}
        tier_prop = f"{self.prefix}_tier"
        if company is not None and obj != "companies" and tier_prop not in values:
            comp = self.record("companies", company, None)
            values[tier_prop] = comp.get(tier_prop)
        return with_calculated(values, self.calcs(obj))

    def outcomes(self, obj: str, full: dict[str, Any]) -> dict[str, Any]:
        p = self.prefix
        out: dict[str, Any] = {}
        score_raw = full.get(f"{p}_lead_score")
        scoring = next((s for s in self.ss.of("LeadScoring") if s.model.object == obj), None)
        if scoring is not None:
            out["score"] = int(float(score_raw)) if score_raw not in (None, "") else None
            band_id = full.get(f"{p}_lead_band")
            out["band"] = band_id or "none"
            band = next((b for b in scoring.model.bands if b.id == band_id), None)
            out["route"] = band.route if band else None
            if scoring.model.mql is not None:
                out["mql"] = (out["score"] or 0) >= scoring.model.mql.min_score
        if full.get(f"{p}_tier") is not None or any(s.model.object == obj for s in self.ss.of("Tiers")):
            out["tier"] = full.get(f"{p}_tier") or "none"
        entered = [r.name for r in self.workflows(obj)
                   if r.attributes.get("enrollment") and evaluate(from_data(r.attributes["enrollment"]), full)]
        for key, tag in WORKFLOW_KINDS:
            start = f"{p}-{tag}"
            out[key] = sorted(n[len(start):] for n in entered if n.startswith(start))
        stage = str(full.get("lifecyclestage") or "") or None
        if f"{p}-mql" in entered and (stage or "") not in LATER_STAGES:
            stage = "marketingqualifiedlead"
        out["lifecycle"] = stage
        out["properties"] = {n: full.get(n) for n, _ in self.calcs(obj)}
        return out


def _same(expected: Any, actual: Any) -> bool:
    if isinstance(expected, list):
        return sorted(expected) == sorted(actual or [])
    if isinstance(expected, bool) or isinstance(actual, bool):
        return expected is actual
    if expected is None or actual is None:
        return expected is None and actual is None
    return str(expected).lower() == str(actual).lower()


def run_case(ev: Evaluator, spec: Spec, index: int) -> CaseResult:
    case = spec.model.cases[index]
    res = CaseResult(spec.model.id, case.id, case.object, spec.at("cases", index, "id"))
    full = ev.record(case.object, case.record, case.company)
    actual = ev.outcomes(case.object, full)
    res.actual = {k: v for k, v in actual.items() if k != "properties"}
    expect = case.expect.model_dump(exclude_none=True)
    for key, want in expect.items():
        if key == "properties":
            for name, v in want.items():
                got = actual["properties"].get(name, full.get(name))
                if not _same(v, got):
                    res.mismatches.append(Mismatch(f"properties.{name}", v, got))
                    res.expect_ranges[f"properties.{name}"] = spec.at("cases", index, "expect", "properties", name)
            continue
        got = actual.get(key)
        if not _same(want, got):
            res.mismatches.append(Mismatch(key, want, got))
            res.expect_ranges[key] = spec.at("cases", index, "expect", key)
    if res.mismatches:
        given = dict(case.record)
        if case.company is not None and f"{ev.prefix}_tier" in full:
            given.setdefault(f"{ev.prefix}_tier", full.get(f"{ev.prefix}_tier"))
        res.explanation = explain_record(ev.ss, case.object, given, ev.own).lines
    return res


def run_tests(ss: SpecSet, ownership: Ownership | None = None) -> list[CaseResult]:
    """Every case of every ``Test`` spec, in file order."""
    specs = ss.of("Test")
    if not specs:
        return []
    ev = Evaluator(ss, ownership)
    return [run_case(ev, s, i) for s in specs for i in range(len(s.model.cases))]


def show_value(v: Any) -> str:
    """An expected or actual value as a test report prints it."""
    if isinstance(v, list):
        return "[" + ", ".join(str(x) for x in v) + "]"
    if isinstance(v, bool):
        return "true" if v else "false"
    return "(none)" if v is None else str(v)


def failure_diagnostics(results: list[CaseResult]) -> list[Diagnostic]:
    """One GTM420 per expectation that did not hold, at the expected value in the test file."""
    out: list[Diagnostic] = []
    for r in results:
        for m in r.mismatches:
            out.append(error("GTM420", f'test "{r.test}" case "{r.case}": {m.field} expected '
                                       f"{show_value(m.expected)}, got {show_value(m.actual)}",
                             r.expect_ranges.get(m.field, r.range), notes=tuple(r.explanation)))
    return out
