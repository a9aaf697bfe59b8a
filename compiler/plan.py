"""The plan model: ordered changes with attribute diffs, risk flags and impact.

A plan is the contract between ``gtm plan`` (which renders it) and ``gtm apply`` (which
executes it).  It serialises to versioned JSON (``FORMAT_VERSION``) that holds no secrets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from compiler.diagnostics import Diagnostic
from compiler.ir import Resource

FORMAT_VERSION = "1.1"  # 1.1: business impact (``impact.effects`` per change, ``impact`` per plan)
Action = Literal["create", "update", "delete", "replace"]
SYMBOLS: dict[str, str] = {"create": "+", "update": "~", "delete": "-", "replace": "-/+"}


@dataclass(frozen=True)
class AttrChange:
    path: str
    before: Any
    after: Any
    forces_replace: bool = False

    def to_dict(self) -> dict[str, Any]:
        d = {"path": self.path, "before": self.before, "after": self.after}
        if self.forces_replace:
            d["forces_replace"] = True
        return d


@dataclass
class Transition:
    """Records whose outcome goes from one value to another (``None`` = no value / not a member)."""

    from_value: str | None
    to_value: str | None
    records: int
    examples: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"from": self.from_value, "to": self.to_value, "records": self.records, "examples": self.examples}


@dataclass
class Effect:
    """What a plan does to one business outcome (a band, tier, MQL flag, SLA, sequence, alert, list).

    ``kind`` is ``values`` (counts per value of a calculated property), ``membership`` (records
    enrolled in a workflow or member of a list: counts under ``members``) or ``score`` (records
    whose score changes; ``before``/``after`` hold the mean).  Counts are exact unless
    ``estimated`` (scaled up from a sample; see the plan's impact basis).
    """

    target: str
    object: str
    label: str
    kind: Literal["values", "membership", "score"]
    before: dict[str, float] = field(default_factory=dict)
    after: dict[str, float] = field(default_factory=dict)
    transitions: list[Transition] = field(default_factory=list)
    changed: int = 0
    workload: str | None = None
    estimated: bool = False

    @property
    def entered(self) -> int:
        return sum(t.records for t in self.transitions if t.to_value is not None and t.from_value is None)

    @property
    def left(self) -> int:
        return sum(t.records for t in self.transitions if t.from_value is not None and t.to_value is None)

    def to_dict(self) -> dict[str, Any]:
        return {"target": self.target, "object": self.object, "label": self.label, "kind": self.kind,
                "before": self.before, "after": self.after, "changed": self.changed,
                "transitions": [t.to_dict() for t in self.transitions], "workload": self.workload,
                "estimated": self.estimated}


@dataclass
class Impact:
    """What a change does to records: data it loses (counted on the portal) and business effects."""

    records: int = 0
    detail: str = ""
    loses_data: bool = False
    effects: list[Effect] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"records": self.records, "detail": self.detail, "loses_data": self.loses_data,
                "effects": [e.to_dict() for e in self.effects]}


@dataclass
class ImpactBasis:
    """How the records behind the business impact of one object were read."""

    object: str
    total: int
    read: int
    exact: bool
    requests: int = 0
    margin: float | None = None  # 95% margin of error of a share, in percentage points (samples only)

    def to_dict(self) -> dict[str, Any]:
        return {"object": self.object, "total": self.total, "read": self.read, "exact": self.exact,
                "requests": self.requests, "margin_pct": self.margin}


@dataclass
class ImpactSummary:
    """Plan-level impact: whether it was computed, on what basis, and which gtm.yaml limits it exceeds."""

    status: Literal["computed", "skipped", "unavailable"] = "skipped"
    reason: str = ""
    basis: list[ImpactBasis] = field(default_factory=list)
    limit: int | None = None
    exceeded: list[str] = field(default_factory=list)

    @property
    def exact(self) -> bool:
        return all(b.exact for b in self.basis)

    def to_dict(self) -> dict[str, Any]:
        return {"status": self.status, "reason": self.reason, "exact": self.exact, "limit": self.limit,
                "basis": [b.to_dict() for b in self.basis], "exceeded": self.exceeded}


@dataclass
class Move:
    """Records moved as part of a change (e.g. deals out of a removed stage)."""

    property: str
    from_value: str
    to_value: str
    records: int

    def to_dict(self) -> dict[str, Any]:
        return {"property": self.property, "from": self.from_value, "to": self.to_value, "records": self.records}


@dataclass
class Change:
    action: Action
    before: Resource | None
    after: Resource | None
    attrs: list[AttrChange] = field(default_factory=list)
    impact: Impact | None = None
    moves: list[Move] = field(default_factory=list)
    needs_allow_destroy: bool = False
    reasons: list[str] = field(default_factory=list)

    @property
    def resource(self) -> Resource:
        r = self.after or self.before
        assert r is not None
        return r

    @property
    def address(self) -> str:
        return self.resource.address

    @property
    def origin(self) -> str:
        return (self.after.origin if self.after else None) or (self.before.origin if self.before else None) or \
            "unmanaged"

    @property
    def destructive(self) -> bool:
        return self.action in ("delete", "replace") or bool(self.impact and self.impact.loses_data)

    def to_dict(self) -> dict[str, Any]:
        r = self.resource
        return {
            "address": self.address,
            "action": self.action,
            "type": r.type,
            "object": r.object,
            "name": r.name,
            "origin": self.origin,
            "source": (self.after.source.to_dict() if self.after and self.after.source else None),
            "attributes": [a.to_dict() for a in self.attrs],
            "before": self.before.attributes if self.before else None,
            "after": self.after.attributes if self.after else None,
            "destructive": self.destructive,
            "needs_allow_destroy": self.needs_allow_destroy,
            "reasons": self.reasons,
            "impact": self.impact.to_dict() if self.impact else None,
            "moves": [m.to_dict() for m in self.moves],
        }


@dataclass
class Plan:
    environment: str
    provider: str
    changes: list[Change] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    live_fingerprints: dict[str, str] = field(default_factory=dict)
    spec_digest: str = ""
    protected: bool = False
    impact: ImpactSummary = field(default_factory=ImpactSummary)

    @property
    def counts(self) -> dict[str, int]:
        add = sum(1 for c in self.changes if c.action in ("create", "replace"))
        change = sum(1 for c in self.changes if c.action == "update")
        destroy = sum(1 for c in self.changes if c.action in ("delete", "replace"))
        return {"add": add, "change": change, "destroy": destroy}

    @property
    def has_changes(self) -> bool:
        return bool(self.changes)

    @property
    def needs_allow_destroy(self) -> list[Change]:
        return [c for c in self.changes if c.needs_allow_destroy]

    def summary_line(self) -> str:
        c = self.counts
        return f"Plan: {c['add']} to add, {c['change']} to change, {c['destroy']} to destroy."

    def to_dict(self) -> dict[str, Any]:
        return {
            "format_version": FORMAT_VERSION,
            "environment": self.environment,
            "provider": self.provider,
            "protected": self.protected,
            "summary": self.counts,
            "changes": [c.to_dict() for c in self.changes],
            "diagnostics": [d.to_dict() for d in self.diagnostics],
            "impact": self.impact.to_dict(),
            "spec_digest": self.spec_digest,
            "live_fingerprints": self.live_fingerprints,
        }
