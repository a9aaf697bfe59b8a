"""``gtm import``: what a portal holds, written as spec documents that plan to zero changes.

Custom fields and groups become ``Properties`` documents (one per object) and pipelines become
``Pipeline`` documents, every hand-made object marked ``adopt: true`` with its live names and ids
kept.  Objects ``gtm`` made itself are mapped back where the names say which spec they came from;
what no spec kind can express (calculated fields, HubSpot-defined objects, lists and workflows made
by hand) is listed in the report, never silently dropped.  Objects the workspace's specs already
declare are left to those specs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from compiler import catalog
from compiler.ir import Resource
from compiler.lowering import infer_origin
from compiler.models.pipeline import LIVE_ID_RE
from compiler.models.properties import FIELD_TYPES, MAX_PROPERTY_NAME, PROPERTY_NAME_RE

KINDS_OF: dict[str, str] = {"properties": "Properties", "pipelines": "Pipeline"}
PIPELINE_OBJECTS: tuple[str, ...] = ("deals", "tickets")
LOCK_GROUP = "gtm_lock"


@dataclass
class Imported:
    """Spec documents by file name, and what was not imported with the reason."""

    files: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    report: list[tuple[str, str]] = field(default_factory=list)  # (address, why not imported)
    counts: dict[str, str] = field(default_factory=dict)  # file name → "3 fields, 1 group"


def _prefixed(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + "_") or name.startswith(prefix + "-")


def _options(opts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for i, o in enumerate(opts):
        entry: dict[str, Any] = {"value": str(o["value"]), "label": str(o.get("label") or o["value"])}
        if o.get("hidden"):
            entry["hidden"] = True
        if int(o.get("display_order", i)) != i:
            entry["order"] = int(o.get("display_order", i))
        out.append(entry)
    return out


def _property_entry(r: Resource, prefix: str) -> tuple[dict[str, Any] | None, str | None]:
    a = r.attributes
    if a.get("calculation") or a.get("formula"):
        return None, "a calculated field: no spec kind declares a formula written by hand"
    typ, ft = a.get("type"), a.get("field_type")
    if typ not in FIELD_TYPES or ft not in FIELD_TYPES[str(typ)]:
        return None, f'type "{typ}" with field type "{ft}" has no Properties spelling'
    if not PROPERTY_NAME_RE.fullmatch(r.name) or len(r.name) > MAX_PROPERTY_NAME:
        return None, "its internal name is not one a spec can declare"
    entry: dict[str, Any] = {"name": r.name, "label": a.get("label") or r.name, "type": typ, "field_type": ft,
                             "group": a.get("group")}
    if a.get("description"):
        entry["description"] = a["description"]
    opts = a.get("options") or []
    if opts:
        if typ not in ("enumeration", "bool"):
            return None, f"a {typ} field with options"
        entry["options"] = _options(opts)
    if not _prefixed(r.name, prefix):
        entry["adopt"] = True
    return entry, None


def _properties(live: list[Resource], prefix: str, skip: set[str], out: Imported) -> None:
    for obj in catalog.OBJECTS:
        defaults = {n for n, _ in catalog.groups(obj)}
        groups: list[dict[str, Any]] = []
        props: list[dict[str, Any]] = []
        for r in live:
            if r.object != obj or r.address in skip:
                continue
            if r.type == "property_group":
                if r.readonly or r.name in defaults or r.name in (prefix, LOCK_GROUP):
                    continue
                if not PROPERTY_NAME_RE.fullmatch(r.name):
                    out.report.append((r.address, "its name is not one a spec can declare"))
                    continue
                g: dict[str, Any] = {"name": r.name, "label": r.attributes.get("label") or r.name}
                if not _prefixed(r.name, prefix):
                    g["adopt"] = True
                groups.append(g)
            elif r.type == "property":
                if r.readonly or catalog.property_def(obj, r.name) is not None:
                    continue
                origin = infer_origin(r) if _prefixed(r.name, prefix) else None
                if origin is not None:
                    out.report.append((r.address, f"made by gtm from a {origin} spec, which the workspace lacks; "
                                                  f"write that spec again (or list the field in removed_properties)"))
                    continue
                entry, why = _property_entry(r, prefix)
                if entry is None:
                    out.report.append((r.address, str(why)))
                    continue
                props.append(entry)
        if not groups and not props:
            continue
        doc: dict[str, Any] = {"kind": "Properties", "object": obj}
        if groups:
            doc["groups"] = sorted(groups, key=lambda g: g["name"])
        if props:
            doc["properties"] = sorted(props, key=lambda p: p["name"])
        name = f"properties-{obj}.yaml"
        out.files[name] = [doc]
        out.counts[name] = f"{len(props)} field{'s' if len(props) != 1 else ''}, {len(groups)} " \
                           f"group{'s' if len(groups) != 1 else ''}"


def _stage_entry(obj: str, pid: str, st: dict[str, Any], i: int, gtm_made: bool
                 ) -> tuple[dict[str, Any] | None, str | None]:
    sid = str(st["id"])
    if gtm_made:
        if not sid.startswith(pid + "-"):
            return None, f'stage "{sid}" does not carry the pipeline\'s id, so gtm did not make it'
        sid = sid[len(pid) + 1:]
    if not LIVE_ID_RE.fullmatch(sid):
        return None, f'stage id "{sid}" is not one a spec can hold'
    entry: dict[str, Any] = {"id": sid, "label": st.get("label") or sid}
    if obj == "tickets":
        if st.get("closed"):
            entry["closed"] = True
        if int(st.get("display_order", i)) != i:
            entry["order"] = int(st["display_order"])
        return entry, None
    prob = float(st.get("probability") or 0.0)
    if st.get("closed"):
        if prob == 1.0:
            entry["closed"] = "won"
        elif prob == 0.0:
            entry["closed"] = "lost"
        else:
            return None, f'closed stage "{st["id"]}" has probability {prob}; specs close stages as won (1.0) or ' \
                         "lost (0.0)"
    entry["probability"] = round(prob, 1)
    if int(st.get("display_order", i)) != i:
        entry["order"] = int(st["display_order"])
    return entry, None


def _pipelines(live: list[Resource], prefix: str, skip: set[str], out: Imported) -> None:
    for obj in PIPELINE_OBJECTS:
        docs: list[dict[str, Any]] = []
        for r in sorted((x for x in live if x.type == "pipeline" and x.object == obj), key=lambda x: x.name):
            if r.address in skip:
                continue
            if r.readonly:
                out.report.append((r.address, "HubSpot's default pipeline: used as it is, not declared"))
                continue
            gtm_made = r.name.startswith(prefix + "-")
            spec_id = r.name[len(prefix) + 1:] if gtm_made else r.name
            if not LIVE_ID_RE.fullmatch(spec_id):
                out.report.append((r.address, "its id is not one a spec can hold"))
                continue
            stages, why = [], None
            seen_closed = False
            for i, st in enumerate(r.attributes.get("stages") or []):
                entry, why = _stage_entry(obj, r.name, st, i, gtm_made)
                if entry is None:
                    break
                if seen_closed and "closed" not in entry:
                    why = f'open stage "{st["id"]}" comes after a closed stage; specs list open stages first'
                    break
                seen_closed = seen_closed or "closed" in entry
                stages.append(entry)
            if why is not None or not stages:
                out.report.append((r.address, why or "a pipeline without stages"))
                continue
            doc: dict[str, Any] = {"kind": "Pipeline", "object": obj, "id": spec_id,
                                   "label": r.attributes.get("label") or spec_id}
            if not gtm_made:
                doc["adopt"] = True
            if int(r.attributes.get("display_order") or 0):
                doc["display_order"] = int(r.attributes["display_order"])
            doc["stages"] = stages
            docs.append(doc)
        if docs:
            name = f"pipelines-{obj}.yaml"
            out.files[name] = docs
            out.counts[name] = f"{len(docs)} pipeline{'s' if len(docs) != 1 else ''}"


def _lists_and_workflows(live: list[Resource], skip: set[str], out: Imported) -> None:
    for r in live:
        if r.type in ("list", "workflow") and r.address not in skip:
            origin = infer_origin(r)
            out.report.append((r.address, f"made by gtm from a {origin} spec, which the workspace lacks; write that "
                                          "spec again" if origin else "no spec kind expresses it"))


def build(live: list[Resource], prefix: str, only: set[str], skip: set[str]) -> Imported:
    """Spec documents for the live resources not in ``skip`` (addresses the workspace already declares)."""
    out = Imported()
    if "properties" in only:
        _properties(live, prefix, skip, out)
    if "pipelines" in only:
        _pipelines(live, prefix, skip, out)
    if only >= {"properties", "pipelines"}:
        _lists_and_workflows(live, skip, out)
    return out
