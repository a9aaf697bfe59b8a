"""Business impact of a plan: which records move between bands, tiers, MQL, SLAs, sequences, alerts, lists.

For each object a change touches, the provider's records are read once (all of them, or an evenly
spread sample bounded by ``--impact-limit``).  *Before* is what the CRM holds now: calculated
properties as the CRM computed them, list and workflow conditions as they are live.  *After*
recomputes the desired calculations with the one Python evaluator and evaluates the desired
conditions.  Every outcome that differs becomes an :class:`~compiler.plan.Effect`, attached to each
change it depends on (a scoring rule change carries the band, MQL and SLA moves it causes).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from compiler.calculations import with_calculated
from compiler.conditions.ast import from_data
from compiler.conditions.evaluate import evaluate
from compiler.diagnostics import Diagnostic, warning
from compiler.ir import Resource
from compiler.lowering import referenced_properties
from compiler.plan import Change, Effect, Impact, ImpactBasis, ImpactSummary, Transition
from providers.base import Provider, ProviderError, RecordSample

DEFAULT_LIMIT = 10_000
EXAMPLES = 3
Outcome = Callable[[dict[str, Any]], Any]


@dataclass
class Target:
    """One outcome tracked per record, before and after the plan."""

    address: str
    object: str
    label: str
    kind: str  # values | membership | score
    before: Outcome
    after: Outcome
    depends_on: frozenset[str]
    workload: str | None = None


def _calc(r: Resource | None) -> dict[str, Any] | None:
    if r is None or r.type != "property":
        return None
    return r.attributes.get("calculation") or None


def _is_calculated(r: Resource) -> bool:
    return bool(r.attributes.get("calculation") or r.attributes.get("formula"))


def _cond_of(r: Resource | None) -> Any:
    if r is None:
        return None
    return r.attributes.get("filter") if r.type == "list" else r.attributes.get("enrollment")


def _value_of(name: str) -> Outcome:
    return lambda rec: rec.get(name) or None


def _nothing(_rec: dict[str, Any]) -> Any:
    return None


def _member(r: Resource | None, zone: str | None = None) -> Outcome:
    """Membership by ``r``'s condition; dates relative to today count days in ``zone`` (else the
    resource's own ``time_zone``: the zone of the live filters, the first when they disagree)."""
    cond = _cond_of(r)
    if cond is None:
        return lambda _rec: None
    c = from_data(cond)
    tz = zone or (str(r.attributes.get("time_zone") or "").split(",")[0].strip() if r else "") or None
    return lambda rec: "member" if evaluate(c, rec, tz) else None


def _label(r: Resource, prefix: str) -> tuple[str, str | None]:
    """A business name for a resource, and the workload it creates when a record enters it."""
    name = r.name
    if r.type == "property":
        short = name[len(prefix) + 1:] if name.startswith(prefix + "_") else name
        return {"lead_band": "band", "lead_score": "score", "tier": "tier"}.get(short, short), None
    stem = name[len(prefix) + 1:] if name.startswith(prefix + "-") else name
    if r.type == "workflow":
        if stem == "mql":
            return "MQL", "newly marked MQL (lifecycle stage set)"
        for tag, what in (("sla-", "SLA"), ("seq-", "sequence"), ("alert-", "alert")):
            if stem.startswith(tag):
                label = f"{what} {stem[len(tag):]}"
                if what == "SLA":
                    due = next((a.get("due_in") for a in r.attributes.get("actions") or []
                                if a.get("type") == "create_task"), None)
                    return label, f"a task each, respond within {due}" if due else "a task each"
                if what == "alert":
                    return label, "an alert each"
                return label, "enrolled in the sequence"
        return f"workflow {stem}", None
    return f"list {stem}", None


def _closure(addr: str, deps: dict[str, tuple[str, ...]]) -> frozenset[str]:
    seen: set[str] = set()
    todo = [addr]
    while todo:
        for d in deps.get(todo.pop(), ()):
            if d not in seen:
                seen.add(d)
                todo.append(d)
    return frozenset(seen)


def _owners(addr: str, deps: dict[str, tuple[str, ...]], changed: set[str]) -> set[str]:
    """The changes an outcome is shown under: the outcome's own resource when it changes, else the
    nearest changed resources it depends on (a band move shows under the scoring rules that caused it).
    Property groups are containers, never a cause."""
    if addr in changed:
        return {addr}
    seen = {addr}
    level = [addr]
    while level:
        nxt = [d for a in level for d in deps.get(a, ()) if d not in seen and not d.startswith("property_group.")]
        seen.update(nxt)
        hit = {d for d in nxt if d in changed}
        if hit:
            return hit
        level = nxt
    return set()


def _targets(obj: str, desired: dict[str, Resource], live: dict[str, Resource], prefix: str,
             deps: dict[str, tuple[str, ...]], zones: dict[str, str] | None = None) -> list[Target]:
    out: list[Target] = []
    tracked_values: set[str] = set()
    for addr in sorted(set(desired) | set(live)):
        d, lv = desired.get(addr), live.get(addr)
        r = d or lv
        assert r is not None
        if r.type != "property" or r.object != obj or not ((d and _calc(d)) or (lv and _is_calculated(lv))):
            continue
        label, _ = _label(r, prefix)
        calc = _calc(d) or {}
        kind = "score" if calc.get("kind") == "score" or r.attributes.get("type") == "number" else "values"
        name = r.name
        tracked_values.add(name)
        value = _value_of(name)
        out.append(Target(addr, obj, label, kind, value, value if d is not None else _nothing, _closure(addr, deps)))
    for addr in sorted(set(desired) | set(live)):
        d, lv = desired.get(addr), live.get(addr)
        r = d or lv
        assert r is not None
        robj = r.attributes.get("object") or r.object
        if r.type not in ("list", "workflow") or robj != obj:
            continue
        cond = _cond_of(d) or _cond_of(lv)
        if r.type == "list" and isinstance(cond, dict) and cond.get("property") in tracked_values \
                and set(cond) == {"property", "eq"}:
            continue  # a list mirroring one value of a tracked calculation says nothing new
        label, workload = _label(r, prefix)
        out.append(Target(addr, obj, label, "membership", _member(lv), _member(d, (zones or {}).get(addr)),
                          _closure(addr, deps), workload))
    return out


def _needed(obj: str, resources: list[Resource]) -> list[str]:
    """Properties to read: what conditions and calculations read, plus calculated properties gtm cannot
    recompute (a live formula it could not read back)."""
    names: set[str] = set()
    computed: set[str] = set()
    for r in resources:
        if (r.attributes.get("object") or r.object) == obj:
            names |= referenced_properties(r)
            if r.type == "property" and _calc(r):
                computed.add(r.name)
            elif r.type == "property" and r.attributes.get("formula"):
                names.add(r.name)
    return sorted(names - computed)


def _effect(t: Target, before: list[Any], after: list[Any], ids: list[str], scale: float, estimated: bool
            ) -> Effect | None:
    moves: dict[tuple[Any, Any], list[str]] = {}
    for b, a, rid in zip(before, after, ids, strict=True):
        if (b or None) != (a or None):
            moves.setdefault((b or None, a or None), []).append(rid)
    if not moves:
        return None

    def n(x: float) -> int:
        return round(x * scale)

    e = Effect(t.address, t.object, t.label, t.kind, estimated=estimated, workload=t.workload)  # type: ignore[arg-type]
    e.changed = n(sum(len(v) for v in moves.values()))
    if t.kind == "score":
        def num(x: Any) -> float | None:
            """A live score as a number; a value the portal holds that is not one (say the property
            was text before) counts as no score rather than stopping the plan."""
            try:
                v = float(x)
            except (TypeError, ValueError):
                return None
            return v if math.isfinite(v) else None

        def mean(xs: list[Any]) -> float:
            vals = [v for v in (num(x) for x in xs) if v is not None]
            return round(sum(vals) / len(vals), 2) if vals else 0.0

        e.before, e.after = {"mean": mean(before)}, {"mean": mean(after)}
        deltas: dict[str, list[str]] = {}
        for (b, a), rids in moves.items():
            delta = (num(a) or 0.0) - (num(b) or 0.0)
            deltas.setdefault(f"{delta:+g}", []).extend(rids)
        e.transitions = [Transition(None, k, n(len(v)), v[:EXAMPLES])
                         for k, v in sorted(deltas.items(), key=lambda kv: (-len(kv[1]), kv[0]))]
        return e
    cb = Counter(str(b) for b in before if b)
    ca = Counter(str(a) for a in after if a)
    if t.kind == "membership":
        e.before, e.after = {"members": n(cb["member"])}, {"members": n(ca["member"])}
    else:
        e.before = {k: n(v) for k, v in sorted(cb.items())}
        e.after = {k: n(v) for k, v in sorted(ca.items())}
    e.transitions = [Transition(None if b is None else str(b), None if a is None else str(a), n(len(rids)),
                                rids[:EXAMPLES])
                     for (b, a), rids in sorted(moves.items(), key=lambda kv: (-len(kv[1]), str(kv[0])))]
    return e


def _margin(sample: RecordSample) -> float | None:
    if sample.exact or not sample.records:
        return None
    n, total = len(sample.records), max(sample.total, 1)
    fpc = math.sqrt(max(total - n, 0) / max(total - 1, 1))
    return round(100 * 1.96 * math.sqrt(0.25 / n) * fpc, 2)


def _objects_of(changes: list[Change], desired: dict[str, Resource], live: dict[str, Resource]) -> list[str]:
    objs: set[str] = set()
    for c in changes:
        r = c.resource
        if r.type in ("property", "list", "workflow"):
            obj = r.attributes.get("object") or r.object
            if obj:
                objs.add(str(obj))
    return sorted(objs)


def analyse_business(changes: list[Change], provider: Provider, desired_list: list[Resource],
                     live_list: list[Resource], prefix: str, limit: int = DEFAULT_LIMIT,
                     zones: dict[str, str] | None = None) -> tuple[ImpactSummary, list[Diagnostic]]:
    """Attach business effects to ``changes`` (in ``change.impact.effects``); return the plan-level summary.

    ``zones`` maps a list's or workflow's address to the time zone its desired date filters count
    days in (the provider's realized ``time_zone``); live ones count in the zone of their live filters."""
    summary = ImpactSummary("computed", limit=limit)
    diags: list[Diagnostic] = []
    desired = {r.address: r for r in desired_list}
    live = {r.address: r for r in live_list}
    deps = {r.address: r.depends_on for r in desired_list}
    by_address: dict[str, list[Change]] = {}
    for c in changes:
        by_address.setdefault(c.address, []).append(c)
    changed = set(by_address)
    for obj in _objects_of(changes, desired, live):
        d_obj = {a: r for a, r in desired.items() if (r.attributes.get("object") or r.object) == obj}
        # live resources count only where the plan manages them (not HubSpot's own calculated properties)
        l_obj = {a: r for a, r in live.items() if (r.attributes.get("object") or r.object) == obj
                 and (a in desired or a in changed)}
        targets = [t for t in _targets(obj, d_obj, l_obj, prefix, deps, zones)
                   if t.address in changed or t.depends_on & changed]
        if not targets:
            continue
        props = _needed(obj, [*d_obj.values(), *l_obj.values()])
        try:
            sample = provider.read_records(obj, props, limit)
        except ProviderError as e:
            summary.status = "unavailable"
            summary.reason = e.message
            scope = " (the token lacks a read scope)" if e.status == 403 else ""
            diags.append(warning("GTM650", f"cannot read {obj} records for impact analysis{scope}: {e.message}",
                                 hint=f"grant crm.objects.{obj}.read to the app, or plan with --no-impact"))
            continue
        exact = sample.exact
        scale = 1.0 if exact or not sample.records else sample.total / len(sample.records)
        basis = ImpactBasis(obj, sample.total, len(sample.records), exact, sample.requests, _margin(sample))
        summary.basis.append(basis)
        if not exact:
            diags.append(warning("GTM651", f"impact on {obj} is estimated from {len(sample.records):,} of "
                                           f"{sample.total:,} records (±{basis.margin} points at 95%)",
                                 hint="raise --impact-limit for exact counts"))
        # before and after both by the Python evaluator: live calculations on the records' inputs, then
        # the desired ones; a live calculated property gtm cannot read back keeps the CRM's value
        live_calcs = [(r.name, calc) for r in l_obj.values() if (calc := _calc(r))]
        calcs = [(r.name, calc) for r in d_obj.values() if (calc := _calc(r))]
        recomputed = {n for n, _ in live_calcs} | {n for n, _ in calcs}
        dropped = {r.name for r in l_obj.values() if r.type == "property" and _is_calculated(r)} - recomputed
        ids = [str(rec.get("id")) for rec in sample.records]
        raws = [{k: v for k, v in rec.items() if k not in recomputed} for rec in sample.records]
        befores = [with_calculated(raw, live_calcs) for raw in raws]
        afters = [with_calculated({k: v for k, v in raw.items() if k not in dropped}, calcs) for raw in raws]
        for t in targets:
            eff = _effect(t, [t.before(r) for r in befores], [t.after(r) for r in afters], ids, scale, not exact)
            if eff is None:
                continue
            for owner in sorted(_owners(t.address, deps, changed)):
                for c in by_address[owner]:
                    if c.impact is None:
                        c.impact = Impact()
                    c.impact.effects.append(eff)
    return summary, diags


def total_moved(changes: list[Change]) -> int:
    """Records moved by the plan: the largest ``changed`` count of any one effect (effects overlap)."""
    return max((e.changed for c in changes if c.impact for e in c.impact.effects), default=0)

