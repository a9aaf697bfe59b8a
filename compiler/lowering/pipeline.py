"""Pipeline → a deal pipeline with its ordered stages (probability, closed flag, order), or a ticket
pipeline (closed flag, order)."""

from __future__ import annotations

from compiler.ir import Resource
from compiler.lowering.context import LowerContext, pipeline_live_id, stage_live_id
from compiler.parse import Spec


def stage_probability(st: object) -> float:
    p = getattr(st, "probability", None)
    if p is not None:
        return float(p)
    return 1.0 if getattr(st, "closed", None) == "won" else 0.0


def lower(spec: Spec, cx: LowerContext) -> None:
    m = spec.model
    pid = pipeline_live_id(m.id, m.adopt, cx.ownership.prefix)
    stages = []
    for i, st in enumerate(m.stages):
        stage = {
            "id": stage_live_id(pid, st.id, m.adopt),
            "label": st.label,
            "display_order": i if st.order is None else st.order,
            "probability": round(stage_probability(st), 1),
            "closed": st.closed not in (None, False),
        }
        if m.object == "tickets":  # ticket stages are open or closed, with no probability
            del stage["probability"]
        stages.append(stage)
    attrs = {"label": m.label, "display_order": m.display_order, "stages": stages}
    moves = [{"from": stage_live_id(pid, r.id, m.adopt) if not m.adopt else r.id,
              "to": stage_live_id(pid, r.moved_to, m.adopt)} for r in m.removed_stages]
    r = Resource("pipeline", m.object, pid, attrs, spec.at("id"), (), "Pipeline")
    cx.add(r)
    if m.adopt:
        cx.adopted.add(r.address)
    if moves:
        cx.stage_moves[r.address] = moves
