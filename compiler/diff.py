"""Diff desired against live resources: attribute-level changes in dependency order."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from deepdiff import DeepDiff

from compiler.ir import TYPE_ORDER, Resource
from compiler.plan import AttrChange, Change

# attributes a provider cannot change in place: a change forces -/+ replace
IMMUTABLE: dict[str, tuple[str, ...]] = {
    "property": ("type_immutable", "unique"),
    "list": ("object", "processing"),
    "workflow": ("object",),
}

_PATH_PART = re.compile(r"\[('(?:[^'\\]|\\.)*'|\d+)\]")


def _path(dd_path: str) -> str:
    out = ""
    for m in _PATH_PART.finditer(dd_path):
        tok = m.group(1)
        if tok.startswith("'"):
            key = tok[1:-1]
            out += f".{key}" if out else key
        else:
            out += f"[{tok}]"
    return out or "(root)"


def attribute_changes(before: dict[str, Any], after: dict[str, Any], rtype: str) -> list[AttrChange]:
    """Attribute-by-attribute changes; whole lists of scalars compare as one value."""
    dd = DeepDiff(before, after, ignore_order=False, verbose_level=2, view="tree")
    changes: dict[str, AttrChange] = {}
    immutable = IMMUTABLE.get(rtype, ())
    for report in ("values_changed", "type_changes", "dictionary_item_added", "dictionary_item_removed",
                   "iterable_item_added", "iterable_item_removed"):
        for level in dd.get(report, []):
            p = _path(level.path())
            b = level.t1 if not _is_missing(level.t1) else None
            a = level.t2 if not _is_missing(level.t2) else None
            top = p.split(".")[0].split("[")[0]
            changes[p] = AttrChange(p, b, a, forces_replace=top in immutable)
    return [changes[k] for k in sorted(changes, key=_sort_key)]


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
        attrs = attribute_changes(cur.attributes, d.attributes, d.type)
        if not attrs:
            continue
        action = "replace" if any(a.forces_replace for a in attrs) else "update"
        changes.append(Change(action, cur, d, attrs))  # type: ignore[arg-type]
    for r in live_by.values():
        if r.address not in seen and is_owned(r) and not r.readonly:
            changes.append(Change("delete", r, None))
    return order_changes(changes)


def order_changes(changes: list[Change]) -> list[Change]:
    """Creates/updates in dependency order (groups → properties → pipelines → lists → workflows);
    deletes after them, in reverse order."""
    fwd = [c for c in changes if c.action != "delete"]
    dels = [c for c in changes if c.action == "delete"]
    fwd.sort(key=lambda c: (TYPE_ORDER.get(c.resource.type, 99), c.address))
    dels.sort(key=lambda c: (-TYPE_ORDER.get(c.resource.type, 99), c.address))
    return fwd + dels
