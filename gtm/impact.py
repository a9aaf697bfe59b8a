"""Impact analysis: which changes lose record data, counted on the portal, and what needs --allow-destroy."""

from __future__ import annotations

from typing import Any

from compiler.diagnostics import Diagnostic, error
from compiler.plan import Change, Impact, Move
from providers.base import LiveState, Provider

# the record properties holding a record's pipeline and stage, per object
_RECORD_FIELDS = {"deals": ("pipeline", "dealstage"), "tickets": ("hs_pipeline", "hs_pipeline_stage")}
_NOUN = {"contacts": "contacts", "companies": "companies", "deals": "deals", "tickets": "tickets"}


def _stage_ids(attrs: dict[str, Any] | None) -> list[str]:
    stages = (attrs or {}).get("stages") or []
    return [str(s["id"]) for s in stages if isinstance(s, dict)]


def _option_values(attrs: dict[str, Any] | None) -> set[str]:
    opts = (attrs or {}).get("options") or []
    return {str(o["value"]) for o in opts if isinstance(o, dict)}


def _type_shift(ch: Change) -> str:
    b = ch.before.attributes if ch.before else {}
    a = ch.after.attributes if ch.after else {}
    shifts = [f"{k} {b.get(k)} → {a.get(k)}" for k in ("type", "field_type") if b.get(k) != a.get(k)]
    return "; ".join(shifts) or "an attribute that cannot change in place changes"


def analyse(changes: list[Change], provider: Provider, live: LiveState, protected: bool,
            stage_moves: dict[str, list[dict[str, str]]]) -> list[Diagnostic]:
    """Fill ``impact``, ``moves`` and ``needs_allow_destroy`` on each change; return blocking errors."""
    diags: list[Diagnostic] = []
    for ch in changes:
        r = ch.resource
        obj = r.object or ""
        noun = _NOUN.get(obj, "records")
        if r.type == "property":
            if ch.action in ("delete", "replace"):
                n = provider.count_records(obj, r.name)
                detail = f"{n} {noun} have a value in {r.name}"
                if ch.action == "replace":
                    detail = f"{_type_shift(ch)}: the property is archived and created again; " + detail
                    if n:
                        detail += " (those values are lost)"
                ch.impact = Impact(n, detail, n > 0)
            elif ch.action == "update":
                removed = _option_values(ch.before.attributes if ch.before else None) - \
                    _option_values(ch.after.attributes if ch.after else None)
                calculated = bool((ch.before.attributes if ch.before else {}).get("calculation"))
                if removed and not calculated:
                    n = sum(provider.count_records(obj, r.name, v) for v in sorted(removed))
                    ch.impact = Impact(n, f"{n} {noun} use removed option(s) {', '.join(sorted(removed))}", n > 0)
        elif r.type == "pipeline":
            rec = obj if obj in _RECORD_FIELDS else "deals"
            pipe_prop, stage_prop = _RECORD_FIELDS[rec]
            if ch.action == "delete":
                n = provider.count_records(rec, pipe_prop, r.name)
                ch.impact = Impact(n, f"{n} {rec} are in this pipeline", n > 0)
            elif ch.action in ("update", "replace"):
                gone = [s for s in _stage_ids(ch.before.attributes if ch.before else None)
                        if s not in _stage_ids(ch.after.attributes if ch.after else None)]
                moves = {m["from"]: m["to"] for m in stage_moves.get(r.address, [])}
                total_lost = 0
                for s in gone:
                    n = provider.count_records(rec, stage_prop, s)
                    if s in moves:
                        ch.moves.append(Move(stage_prop, s, moves[s], n))
                    elif n > 0:
                        total_lost += n
                        src = ch.after.source if ch.after else None
                        diags.append(error(
                            "GTM611", f'stage "{s}" of {r.address} holds {n} {rec}; say where they move',
                            src, address=r.address,
                            hint=f"add `removed_stages: [{{id: {s.split('-')[-1]}, moved_to: <stage>}}]` "
                                 "to the pipeline spec"))
                if gone:
                    lost = total_lost
                    ch.impact = Impact(lost + sum(m.records for m in ch.moves),
                                       f"removes stage(s) {', '.join(gone)}"
                                       + (f"; {lost} {rec} would lose their stage" if lost else ""), lost > 0)
        elif r.type == "list" and ch.action == "delete":
            users = [w.address for w in live.resources if w.type == "workflow" and r.name in str(w.attributes)]
            ch.impact = Impact(len(users), ("used by " + ", ".join(users)) if users else "not used by a workflow",
                               bool(users))
        if ch.impact and ch.impact.loses_data:
            ch.needs_allow_destroy = True
            ch.reasons.append("loses record data")
        if protected and ch.action in ("delete", "replace"):
            ch.needs_allow_destroy = True
            ch.reasons.append("delete in a protected environment")
    return diags
