"""Diff desired against live resources: attribute-level changes in dependency order."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from deepdiff import DeepDiff

from compiler.ir import TYPE_ORDER, Resource, make_address
from compiler.plan import AttrChange, Change

# attributes a provider cannot change in place: a change forces -/+ replace
IMMUTABLE: dict[str, tuple[str, ...]] = {
    "list": ("object", "processing"),
    "workflow": ("object",),
    # a property's value type cannot change in place once records hold values (HubSpot refuses it,
    # and values of the old type would be lost): archive and create again, behind --allow-destroy
    "property": ("type",),
}

# lists of mappings compared by a key rather than by position (so inserting a stage shows as one
# added stage, not every later stage "changed"); conditions compare as whole values
KEYED_LISTS: dict[str, str] = {"stages": "id", "options": "value", "cases": "value", "rules": "id",
                               "bands": "value"}
ATOMIC_KEYS = frozenset({"when", "filter", "enrollment", "goal", "filterBranch", "formula"})


class _Atom(str):
    """A whole value (a condition) compared and shown as one; keeps the original for display."""

    original: Any


def _prepare(v: Any, key: str | None = None) -> Any:
    if key in ATOMIC_KEYS and isinstance(v, dict | list):
        atom = _Atom(json.dumps(v, sort_keys=True))
        atom.original = v
        return atom
    if isinstance(v, dict):
        return {k: _prepare(x, k) for k, x in v.items()}
    if isinstance(v, list):
        kf = KEYED_LISTS.get(key or "")
        if kf and all(isinstance(x, dict) and kf in x for x in v) and len({x[kf] for x in v}) == len(v):
            return {_Key(x[kf]): _prepare(x, None) for x in v}
        return [_prepare(x, None) for x in v]
    return v


class _Key(str):
    """A list element's key (rendered as ``stages["won"]``)."""


def _restore(v: Any) -> Any:
    if isinstance(v, _Atom):
        return v.original
    if isinstance(v, dict):
        if v and all(isinstance(k, _Key) for k in v):
            return [_restore(x) for x in v.values()]
        return {k: _restore(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_restore(x) for x in v]
    return v


def _render_path(level: Any) -> str:
    out = ""
    for step in level.path(output_format="list"):
        if isinstance(step, _Key):
            out += f'["{step}"]'
        elif isinstance(step, int):
            out += f"[{step}]"
        else:
            out += f".{step}" if out else str(step)
    return out or "(root)"


def attribute_changes(before: dict[str, Any], after: dict[str, Any], rtype: str) -> list[AttrChange]:
    """Attribute-by-attribute changes: keyed lists by key, conditions as whole values."""
    dd = DeepDiff(_prepare(before), _prepare(after), ignore_order=False, verbose_level=2, view="tree")
    changes: dict[str, AttrChange] = {}
    immutable = IMMUTABLE.get(rtype, ())
    for report in ("values_changed", "type_changes", "dictionary_item_added", "dictionary_item_removed",
                   "iterable_item_added", "iterable_item_removed"):
        for level in dd.get(report, []):
            p = _render_path(level)
            b = _restore(level.t1) if not _is_missing(level.t1) else None
            a = _restore(level.t2) if not _is_missing(level.t2) else None
            top = re.split(r"[.\[]", p, maxsplit=1)[0]
            changes[p] = AttrChange(p, b, a, forces_replace=top in immutable or _calc_switch(rtype, top, b, a))
    return [changes[k] for k in sorted(changes, key=_sort_key)]


def _calc_switch(rtype: str, top: str, before: Any, after: Any) -> bool:
    """A property becoming, or ceasing to be, a calculation cannot be done in place."""
    if rtype != "property" or top != "field_type":
        return False
    return str(before).startswith("calculation") != str(after).startswith("calculation")


def _sort_key(p: str) -> list[Any]:
    return [int(x) if x.isdigit() else x for x in re.split(r"[.\[\]]+", p) if x]


def _is_missing(v: Any) -> bool:
    return type(v).__name__ == "NotPresent"


def diff_resources(desired: Iterable[Resource], live: Iterable[Resource], is_owned: Any) -> list[Change]:
    """Changes turning ``live`` into ``desired``.  Unowned live resources are never deleted."""
    live_by = {r.address: r for r in live}
    changes: list[Change] = []
    seen: set[str] = set()
    for d in desired:
        seen.add(d.address)
        cur = live_by.get(d.address)
        if cur is None:
            changes.append(Change("create", None, d))
            continue
        if cur.attributes == d.attributes:
            continue
        attrs = attribute_changes(cur.attributes, d.attributes, d.type)
        if not attrs:
            continue
        action = "replace" if any(a.forces_replace for a in attrs) else "update"
        changes.append(Change(action, cur, d, attrs))  # type: ignore[arg-type]
    for r in live_by.values():
        if r.address not in seen and is_owned(r) and not r.readonly:
            changes.append(Change("delete", r, None))
    return order_changes(fold_inlined_sources(changes))


INLINED = "calculation.source_calculation"


def fold_inlined_sources(changes: list[Change]) -> list[Change]:
    """Show a changed score once, at the score.

    A HubSpot band formula carries its score's calculation in place
    (``calculation.source_calculation``).  When the score itself is changed by the same plan, those
    leaves only repeat the score's change: they are left out of the band's change (and a band with
    nothing else to change is no change; the provider rewrites the band's formula together with its
    score).  A band whose inlined score differs while the score does not (an edit in the CRM) keeps
    them.
    """
    changed = {c.address for c in changes if c.action != "delete"}
    out: list[Change] = []
    for c in changes:
        calc = c.after.attributes.get("calculation") if c.after is not None and c.action == "update" else None
        if not isinstance(calc, dict) or calc.get("kind") != "bands" or c.after is None:
            out.append(c)
            continue
        source = make_address("property", c.after.object, str(calc.get("source")))
        if source not in changed:
            out.append(c)
            continue
        attrs = [a for a in c.attrs if not (a.path == INLINED or a.path.startswith((INLINED + ".", INLINED + "[")))]
        if attrs:
            out.append(replace(c, attrs=attrs) if len(attrs) != len(c.attrs) else c)
    return out


def order_changes(changes: list[Change]) -> list[Change]:
    """Creates/updates in dependency order (groups → properties → pipelines → lists → workflows);
    deletes after them, in reverse order."""
    fwd = [c for c in changes if c.action != "delete"]
    dels = [c for c in changes if c.action == "delete"]
    fwd.sort(key=lambda c: (TYPE_ORDER.get(c.resource.type, 99), c.address))
    dels.sort(key=lambda c: (-TYPE_ORDER.get(c.resource.type, 99), c.address))
    return fwd + dels
