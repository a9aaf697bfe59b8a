"""Sugar expansion: ``icp``, ``persona``, ``tier`` and ``stage_days_over_max`` into core leaves.

Definitions (the spec reference repeats them):

* ``{icp: X}`` — every firmographic the ICP sets must hold: ``industry in industries``,
  employees within ``min..max`` (companies: ``numberofemployees``; contacts: the
  ``numemployees`` bands that overlap the range), ``country in countries``, and on companies
  ``web_technologies in uses_any``.  Technographics are company data and are not applied to
  contacts.
* ``{persona: X}`` — the contact's ``jobtitle`` contains one of the persona's titles
  (case-insensitive); ``{persona: any}`` — any persona of any ICP.
* ``{tier: [a, b]}`` — ``gtm_tier in [a, b]``.
* ``{stage_days_over_max: true}`` — for some stage with ``max_days``: ``dealstage`` is that stage
  and the deal entered its current stage more than ``max_days`` days ago
  (``hs_v2_date_entered_current_stage``, a datetime HubSpot maintains on every deal, with the
  date operator ``older_than_days``).  The per-stage ``hs_v2_date_entered_<stage id>`` and
  ``hs_time_in_<stage id>`` properties are not used: HubSpot derives their names from its own
  stage ids, so they cannot be predicted from a spec.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from compiler.catalog import EMPLOYEE_BANDS
from compiler.conditions.ast import (
    All,
    Any,
    Condition,
    IcpRef,
    Leaf,
    Not,
    PersonaRef,
    StageDaysOverMax,
    TierRef,
)

TIER_PROPERTY = "gtm_tier"
#: deals: when the deal entered its current stage (HubSpot-maintained datetime)
STAGE_ENTERED_PROPERTY = "hs_v2_date_entered_current_stage"


@dataclass(frozen=True)
class StageLimit:
    stage_id: str  # the live stage id (value of dealstage)
    max_days: int


@dataclass
class ExpandContext:
    icps: dict[str, object] = field(default_factory=dict)  # id -> ICP model
    personas: dict[str, list[str]] = field(default_factory=dict)  # id -> titles
    stage_limits: list[StageLimit] = field(default_factory=list)
    tier_property: str = TIER_PROPERTY


def _employee_bands(lo: int | None, hi: int | None) -> list[str]:
    out = []
    for name, b_lo, b_hi in EMPLOYEE_BANDS:
        top = float("inf") if b_hi is None else b_hi
        if (hi is None or b_lo <= hi) and (lo is None or top >= lo):
            out.append(name)
    return out


def _icp(model: object, obj: str) -> Condition:
    f = model.firmographics  # type: ignore[attr-defined]
    t = model.technographics  # type: ignore[attr-defined]
    items: list[Condition] = []
    if f.industries:
        items.append(Leaf("industry", "in", list(f.industries)))
    if f.employees is not None:
        lo, hi = f.employees.min, f.employees.max
        if obj == "companies":
            if lo is not None and hi is not None:
                items.append(Leaf("numberofemployees", "between", [lo, hi]))
            elif lo is not None:
                items.append(Leaf("numberofemployees", "gte", lo))
            elif hi is not None:
                items.append(Leaf("numberofemployees", "lte", hi))
        elif lo is not None or hi is not None:
            items.append(Leaf("numemployees", "in", _employee_bands(lo, hi)))
    if f.countries:
        items.append(Leaf("country", "in", list(f.countries)))
    if obj == "companies" and t.uses_any:
        items.append(Leaf("web_technologies", "in", list(t.uses_any)))
    return All(tuple(items))


def _persona(titles: list[str]) -> Condition:
    return Any(tuple(Leaf("jobtitle", "contains", t) for t in titles))


def expand(c: Condition, ctx: ExpandContext, obj: str) -> Condition:
    """Return a core-only condition equivalent to ``c`` on object ``obj``."""
    if isinstance(c, Leaf):
        return c
    if isinstance(c, All):
        return All(tuple(expand(i, ctx, obj) for i in c.items), c.range)
    if isinstance(c, Any):
        return Any(tuple(expand(i, ctx, obj) for i in c.items), c.range)
    if isinstance(c, Not):
        return Not(expand(c.item, ctx, obj), c.range)
    if isinstance(c, IcpRef):
        return _icp(ctx.icps[c.icp], obj)
    if isinstance(c, PersonaRef):
        titles = [t for ts in ctx.personas.values() for t in ts] if c.persona == "any" else ctx.personas[c.persona]
        return _persona(titles)
    if isinstance(c, TierRef):
        if len(c.tiers) == 1:
            return Leaf(ctx.tier_property, "eq", c.tiers[0], c.range)
        return Leaf(ctx.tier_property, "in", list(c.tiers), c.range)
    if isinstance(c, StageDaysOverMax):
        over: Condition = Any(tuple(
            All((Leaf("dealstage", "eq", s.stage_id), Leaf(STAGE_ENTERED_PROPERTY, "older_than_days", s.max_days)))
            for s in ctx.stage_limits))
        return over if c.value else Not(over)
    raise TypeError(f"unknown condition node {c!r}")
