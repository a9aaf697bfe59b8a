"""Checks of ``Test`` specs: expectations name ids that exist, each case expects something, unique case ids."""

from __future__ import annotations

from compiler.diagnostics import Diagnostic, error, warning
from compiler.parse import suggest
from compiler.specset import SpecSet

# where a rejected (schema-invalid) document's ids are remembered, per expectation key
_REJECTED = {"band": "band", "route": "LeadScoring", "tier": "tier", "slas": "SLA", "sequences": "Sequence",
             "alerts": "AlertRule"}


def _known(ss: SpecSet) -> dict[str, set[str]]:
    bands = {b.id for s in ss.of("LeadScoring") for b in s.model.bands} | {"none"}
    routes = {b.route for s in ss.of("LeadScoring") for b in s.model.bands}
    return {
        "band": bands,
        "route": routes,
        "tier": {t.id for _, _, t in ss.tiers()} | {"none"},
        "slas": {s.ident for s in ss.of("SLA") if s.ident},
        "sequences": {s.ident for s in ss.of("Sequence") if s.ident},
        "alerts": {s.ident for s in ss.of("AlertRule") if s.ident},
    }


def check(ss: SpecSet) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    tests = ss.of("Test")
    if not tests:
        return out
    known = _known(ss)
    for s in tests:
        seen: set[str] = set()
        for i, case in enumerate(s.model.cases):
            if case.id in seen:
                out.append(error("GTM423", f'duplicate case id "{case.id}" in test "{s.model.id}"',
                                 s.at("cases", i, "id")))
            seen.add(case.id)
            expect = case.expect.model_dump(exclude_none=True)
            if not expect:
                out.append(error("GTM422", f'case "{case.id}" expects nothing', s.at("cases", i, "expect"),
                                 hint="add at least one of score, band, route, mql, tier, lifecycle, slas, "
                                      "sequences, alerts, properties"))
            for key, ids in known.items():
                if key not in expect or ss.was_rejected(_REJECTED[key]):
                    continue
                values = expect[key] if isinstance(expect[key], list) else [expect[key]]
                for j, v in enumerate(values):
                    if str(v) in ids:
                        continue
                    path = ("cases", i, "expect", key, j) if isinstance(expect[key], list) else \
                        ("cases", i, "expect", key)
                    guess = suggest(str(v), sorted(ids))
                    out.append(warning("GTM421", f'case "{case.id}" expects unknown {key.rstrip("s")} "{v}"',
                                     s.at(*path),
                                     hint=f'did you mean "{guess}"?' if guess else
                                     ("known: " + ", ".join(sorted(ids)) if ids else f"no spec defines a {key}")))
    return out
