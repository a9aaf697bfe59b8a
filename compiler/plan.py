"""The plan model: ordered changes with attribute diffs, risk flags and impact.

A plan is the contract between ``gtm plan`` (which renders it) and ``gtm apply`` (which
executes it).  It serialises to versioned JSON (``FORMAT_VERSION``) that holds no secrets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from compiler.diagnostics import Diagnostic, SourceRange
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

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> AttrChange:
        return cls(d["path"], d.get("before"), d.get("after"), bool(d.get("forces_replace")))


def _source(d: dict[str, Any] | None) -> SourceRange | None:
    if not d:
        return None
    return SourceRange(d["file"], d["line"], d["col"], d.get("end_line"), d.get("end_col"))


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

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Effect:
        return cls(d["target"], d["object"], d["label"], d["kind"], dict(d.get("before") or {}),
                   dict(d.get("after") or {}),
                   [Transition(t.get("from"), t.get("to"), t["records"], list(t.get("examples") or []))
                    for t in d.get("transitions") or []],
                   d.get("changed", 0), d.get("workload"), bool(d.get("estimated")))


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

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> Impact | None:
        if d is None:
            return None
        return cls(d.get("records", 0), d.get("detail", ""), bool(d.get("loses_data")),
                   [Effect.from_dict(e) for e in d.get("effects") or []])


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

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> ImpactSummary:
        if not d:
            return cls()
        return cls(d.get("status", "skipped"), d.get("reason", ""),
                   [ImpactBasis(b["object"], b["total"], b["read"], b["exact"], b.get("requests", 0),
                                b.get("margin_pct")) for b in d.get("basis") or []],
                   d.get("limit"), list(d.get("exceeded") or []))


@dataclass
class Move:
    """Records moved as part of a change (e.g. deals out of a removed stage)."""

    property: str
    from_value: str
    to_value: str
    records: int

    def to_dict(self) -> dict[str, Any]:
        return {"property": self.property, "from": self.from_value, "to": self.to_value, "records": self.records}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Move:
        return cls(d["property"], d["from"], d["to"], d["records"])


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

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Change:
        """The change a saved or JSON plan describes (what ``gtm show`` renders)."""
        def res(attrs: dict[str, Any] | None, source: SourceRange | None) -> Resource | None:
            if attrs is None:
                return None
            return Resource(d["type"], d.get("object"), d["name"], attrs, source, origin=d.get("origin"))

        return cls(d["action"], res(d.get("before"), None), res(d.get("after"), _source(d.get("source"))),
                   [AttrChange.from_dict(a) for a in d.get("attributes") or []], Impact.from_dict(d.get("impact")),
                   [Move.from_dict(m) for m in d.get("moves") or []], bool(d.get("needs_allow_destroy")),
                   list(d.get("reasons") or []))


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

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Plan:
        """Read back :meth:`to_dict` (a saved plan or ``--format json`` output)."""
        return cls(d["environment"], d["provider"], [Change.from_dict(c) for c in d.get("changes") or []],
                   [Diagnostic.from_dict(x) for x in d.get("diagnostics") or []],
                   dict(d.get("live_fingerprints") or {}), d.get("spec_digest", ""), bool(d.get("protected")),
                   ImpactSummary.from_dict(d.get("impact")))
