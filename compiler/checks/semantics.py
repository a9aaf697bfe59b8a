"""Semantic checks of single kinds: probabilities, stage order, bands, durations, UTM rules."""

from __future__ import annotations

import itertools

from compiler.diagnostics import Diagnostic, error
from compiler.models.common import duration_seconds
from compiler.parse import Spec
from compiler.specset import SpecSet


def check(ss: SpecSet) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for s in ss.specs:
        fn = _BY_KIND.get(s.kind)
        if fn is not None:
            out.extend(fn(s))
    return out


def _icp(s: Spec) -> list[Diagnostic]:
    emp = s.model.firmographics.employees
    if emp is not None and emp.min is not None and emp.max is not None and emp.min > emp.max:
        return [error("GTM407", f"employees: min {emp.min} is greater than max {emp.max}",
                      s.at("firmographics", "employees"))]
    return []


def _slug_unless_adopted(s: Spec) -> list[Diagnostic]:
    """Ids gtm creates are slugs; an adopted pipeline keeps the ids the CRM gave (HubSpot numbers them)."""
    from compiler.models.common import SLUG_RE

    if s.model.adopt:
        return []
    ids = [(("id",), s.model.id)] + [(("stages", i, "id"), st.id) for i, st in enumerate(s.model.stages)]
    return [error("GTM105", f"invalid identifier '{v}': use lower-case letters, digits and single hyphens, "
                            "starting with a letter", s.at(*path), hint="or add `adopt: true` to keep a live id")
            for path, v in ids if not SLUG_RE.fullmatch(v)]


def _ticket_pipeline(s: Spec) -> list[Diagnostic]:
    """Ticket stages are open or closed (``closed: true``); they have no probability."""
    out: list[Diagnostic] = _slug_unless_adopted(s)
    seen_closed = None
    for i, st in enumerate(s.model.stages):
        if st.probability is not None:
            out.append(error("GTM401", f'ticket stage "{st.id}" has no probability', s.at("stages", i, "probability"),
                             hint="remove `probability:`"))
        if isinstance(st.closed, str):
            out.append(error("GTM104", f'ticket stages close with `closed: true`, not "{st.closed}"',
                             s.at("stages", i, "closed")))
        if st.closed:
            seen_closed = seen_closed or st.id
        elif seen_closed is not None:
            out.append(error("GTM404", f'open stage "{st.id}" comes after closed stage "{seen_closed}"',
                             s.at("stages", i, "id"), hint="list open stages first, closed stages last"))
    return out


def _pipeline(s: Spec) -> list[Diagnostic]:
    if s.model.object == "tickets":
        return _ticket_pipeline(s)
    out: list[Diagnostic] = _slug_unless_adopted(s)
    seen_closed = None
    for i, st in enumerate(s.model.stages):
        p = st.probability
        if p is not None:
            if not 0.0 <= p <= 1.0 or abs(round(p * 10) - p * 10) > 1e-9:
                out.append(error("GTM401", f"probability {p} must be between 0.0 and 1.0 in steps of 0.1",
                                 s.at("stages", i, "probability")))
            if st.closed == "won" and p != 1.0:
                out.append(error("GTM401", f"a closed-won stage has probability 1.0, not {p}",
                                 s.at("stages", i, "probability")))
            if st.closed == "lost" and p != 0.0:
                out.append(error("GTM401", f"a closed-lost stage has probability 0.0, not {p}",
                                 s.at("stages", i, "probability")))
        elif st.closed in (None, False):
            out.append(error("GTM401", f'open stage "{st.id}" needs a probability (HubSpot requires one)',
                             s.at("stages", i)))
        if st.closed is True:
            out.append(error("GTM104", "deal stages close as `closed: won` or `closed: lost`",
                             s.at("stages", i, "closed")))
        if st.closed not in (None, False):
            seen_closed = seen_closed or st.id
            if st.max_days is not None:
                out.append(error("GTM404", f'closed stage "{st.id}" cannot have max_days',
                                 s.at("stages", i, "max_days")))
        elif seen_closed is not None:
            out.append(error("GTM404", f'open stage "{st.id}" comes after closed stage "{seen_closed}"',
                             s.at("stages", i, "id"), hint="list open stages first, closed stages last"))
    return out


def _scoring(s: Spec) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    bands = s.model.bands
    spans: list[tuple[float, float, int]] = []
    for i, b in enumerate(bands):
        lo = float("-inf") if b.min is None else b.min
        hi = float("inf") if b.max is None else b.max
        if lo > hi:
            out.append(error("GTM407", f'band "{b.id}": min {b.min} is greater than max {b.max}',
                             s.at("bands", i)))
            continue
        spans.append((lo, hi, i))
    spans.sort()
    if spans and spans[0][0] != float("-inf"):
        lo, _, i = spans[0]
        out.append(error("GTM403", f'scores below {int(lo)} fall in no band', s.at("bands", i, "min"),
                         hint=f'drop "min" from band "{bands[i].id}" so it covers the bottom of the scale'))
    if spans and spans[-1][1] != float("inf"):
        _, hi, i = spans[-1]
        out.append(error("GTM403", f'scores above {int(hi)} fall in no band', s.at("bands", i, "max"),
                         hint=f'drop "max" from band "{bands[i].id}" so it covers the top of the scale'))
    for (_lo1, hi1, i1), (lo2, _hi2, i2) in itertools.pairwise(spans):
        if lo2 <= hi1:
            a, b = (i1, i2) if i1 > i2 else (i2, i1)
            out.append(error("GTM402", f'band "{bands[a].id}" ({_fmt(*_span(bands[a]))}) overlaps band '
                                       f'"{bands[b].id}" ({_fmt(*_span(bands[b]))})', s.at("bands", a)))
        elif lo2 > hi1 + 1:
            out.append(error("GTM403", f"scores {int(hi1) + 1}..{int(lo2) - 1} fall in no band "
                                       f'(between "{bands[i1].id}" and "{bands[i2].id}")', s.at("bands", i2)))
    return out


def _span(b: object) -> tuple[float, float]:
    lo = getattr(b, "min", None)
    hi = getattr(b, "max", None)
    return (float("-inf") if lo is None else lo, float("inf") if hi is None else hi)


def _fmt(lo: float, hi: float) -> str:
    a = "…" if lo == float("-inf") else str(int(lo))
    b = "…" if hi == float("inf") else str(int(hi))
    return f"{a}..{b}"


def _sla(s: Spec) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    if duration_seconds(s.model.respond_within) <= 0:
        out.append(error("GTM405", "respond_within must be longer than zero", s.at("respond_within")))
    for i, a in enumerate(s.model.on_breach):
        if a.after is not None and duration_seconds(a.after) <= 0:
            out.append(error("GTM405", "after must be longer than zero", s.at("on_breach", i, "after")))
    return out


def _utm(s: Spec) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    m = s.model
    if m.case == "lower":
        for p, rule in m.params.items():
            for i, v in enumerate(rule.allowed or []):
                if v != v.lower():
                    out.append(error("GTM406", f'{p}: "{v}" is not lower case but case is "lower"',
                                     s.at("params", p, "allowed", i)))
    for p, vals in m.required_for.items():
        rule = m.params.get(p)
        if rule is None or rule.allowed is None:
            out.append(error("GTM406", f"required_for names {p}, which has no allowed values",
                             s.at("required_for", p, key=True)))
            continue
        for i, v in enumerate(vals):
            if v not in rule.allowed:
                out.append(error("GTM406", f'required_for: "{v}" is not an allowed {p}',
                                 s.at("required_for", p, i)))
    return out


def _sequence(s: Spec) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    prev = -1
    for i, st in enumerate(s.model.steps):
        t = duration_seconds(st.after)
        if t < prev:
            out.append(error("GTM404", f"step {i + 1} (after {st.after}) comes before the step above it",
                             s.at("steps", i, "after"), hint="`after` counts from enrolment; keep steps in time order"))
        prev = max(prev, t)
        if st.channel == "email" and st.email is None:
            out.append(error("GTM102", 'an email step needs "email" (the template id)', s.at("steps", i)))
    return out


_BY_KIND = {
    "ICP": _icp,
    "Pipeline": _pipeline,
    "LeadScoring": _scoring,
    "SLA": _sla,
    "UTMConvention": _utm,
    "Sequence": _sequence,
}
