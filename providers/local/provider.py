"""``LocalProvider``: the IR stored in SQLite, with sample records for impact analysis."""

from __future__ import annotations

import functools
import json
import os
import socket
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar, cast

from compiler import catalog
from compiler.calculations import with_calculated
from compiler.catalog import NO_EXTRAS, PortalExtras
from compiler.diagnostics import Diagnostic
from compiler.ir import Resource
from compiler.plan import Change
from providers.base import LiveState, LockHeld, ProviderError, RecordSample, Report, apply_one
from providers.local import store

LOCK_NAME = "apply"
F = TypeVar("F", bound=Callable[..., Any])


def _guarded(method: F) -> F:
    """A damaged, locked or read-only database (or a row that is not gtm's JSON) becomes one clear
    ProviderError (GTM624) with the way out, instead of a traceback."""
    @functools.wraps(method)
    def run(self: LocalProvider, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except ProviderError:
            raise
        except (sqlite3.Error, ValueError, TypeError, AttributeError, KeyError) as e:
            raise ProviderError(_damaged(self.path, e, self.lock_wait_s), code="GTM624") from None
    return cast(F, run)


def _read_only(path: Path) -> bool:
    """Is the database file or its directory not writable (permissions, a read-only mount)?"""
    return not os.access(path.parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK))


def _damaged(path: Path, e: BaseException, lock_wait_s: float = 30.0) -> str:
    what = (e.strerror if isinstance(e, OSError) else None) or str(e) or type(e).__name__
    if isinstance(e, OSError):
        how = "check the environment's `path:` in gtm.yaml and the permissions of its directory"
    elif isinstance(e, sqlite3.OperationalError) and "locked" in what:
        how = (f"another program holds it locked (gtm waited {lock_wait_s:g} s): close that program or wait "
               "for it, then run gtm again; raise `lock_wait_s` for the environment in gtm.yaml to wait longer")
    elif isinstance(e, sqlite3.OperationalError) and ("readonly" in what.replace("-", "").replace(" ", "")
                                                      or _read_only(path)):
        how = ("the file or its directory is read-only (permissions, or a read-only mount): make both writable "
               "(gtm writes the database and SQLite's -wal/-shm files next to it, even to plan)")
    else:
        how = ("move the file aside (gtm then creates a fresh one, seeded like a new portal) or restore a copy; "
               "`gtm unlock` clears only a damaged lock row")
    return f"cannot open the local database {path}: {what}; {how}"


def _holder(text: Any) -> dict[str, Any]:
    """A lock row's holder; a row that is not a JSON object reads as an unknown holder."""
    try:
        h = json.loads(text)
    except (TypeError, ValueError):
        return {}
    return h if isinstance(h, dict) else {}


class LocalProvider:
    """Reads and writes the same resource types as HubSpot, in one SQLite file."""

    name = "local"

    def __init__(self, path: Path, portal: PortalExtras = NO_EXTRAS, *, lock_wait_s: float = 30.0,
                 time_zone: str = "UTC") -> None:
        self.path = path
        self.portal = portal
        #: the environment's ``time_zone`` (gtm.yaml): the midnight that starts "today" for date filters
        self._time_zone = time_zone
        self.lock_wait_s = lock_wait_s
        try:
            self.conn = store.connect(path, lock_wait_s)
        except (sqlite3.Error, OSError, ValueError) as e:  # ValueError: text columns that are not UTF-8
            raise ProviderError(_damaged(path, e, lock_wait_s), code="GTM624") from None

    # -- reading -----------------------------------------------------------------
    @_guarded
    def read(self) -> LiveState:
        rows = self.conn.execute(
            "SELECT type, object, name, attributes, hubspot_defined FROM resources ORDER BY address").fetchall()
        out = [_with_stored_zone(Resource(t, o, n, json.loads(a), readonly=bool(h))) for t, o, n, a, h in rows]
        return LiveState(_with_portal(_with_pipeline_options(out), self.portal), [])

    def time_zone(self) -> str:
        """The environment's time zone (gtm.yaml ``time_zone``, UTC by default)."""
        return self._time_zone

    def realize(self, desired: list[Resource]) -> tuple[list[Resource], list[Diagnostic]]:
        """Lists and workflows whose conditions count days from today carry the zone they count in
        (``time_zone``), so that changing the environment's zone is a planned change."""
        return [_with_zone(r, self._time_zone) for r in desired], []

    # -- records ------------------------------------------------------------------
    def _calcs(self, obj: str) -> list[tuple[str, dict[str, Any]]]:
        rows = self.conn.execute("SELECT name, attributes FROM resources WHERE type='property' AND object=?",
                                 (obj,)).fetchall()
        out = []
        for name, attrs in rows:
            calc = json.loads(attrs).get("calculation")
            if calc:
                out.append((name, calc))
        return out

    @_guarded
    def records(self, obj: str) -> list[dict[str, Any]]:
        calcs = self._calcs(obj)
        rows = self.conn.execute("SELECT id, properties FROM records WHERE object=? ORDER BY id", (obj,)).fetchall()
        return [{"id": i, **with_calculated(json.loads(p), calcs)} for i, p in rows]

    def read_records(self, obj: str, properties: list[str], limit: int) -> RecordSample:
        """Every record when there are at most ``limit``; else ``limit`` records spread evenly over the ids."""
        try:
            return self._read_records(obj, limit)
        except sqlite3.Error as e:
            raise ProviderError(f"cannot read {obj} records from {self.path}: {e}") from None

    def _read_records(self, obj: str, limit: int) -> RecordSample:
        ids = [i for (i,) in self.conn.execute("SELECT id FROM records WHERE object=? ORDER BY id", (obj,))]
        total = len(ids)
        exact = total <= limit
        wanted = ids if exact else [ids[(k * total) // limit] for k in range(limit)]
        calcs = self._calcs(obj)
        out: list[dict[str, Any]] = []
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self.conn.execute(f"SELECT id, properties FROM records WHERE object=? AND id IN ({marks}) "
                                     "ORDER BY id", (obj, *chunk)).fetchall()
            out.extend({"id": str(i), **with_calculated(json.loads(p), calcs)} for i, p in rows)
        return RecordSample(out, total, exact)

    def write_sample_records(self, obj: str, records: list[dict[str, Any]], live: LiveState) -> int:
        """Replace every record of ``obj`` with ``records`` (one transaction)."""
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            self.conn.execute("DELETE FROM records WHERE object=?", (obj,))
            self.conn.executemany(
                "INSERT INTO records(object, id, properties) VALUES (?,?,?)",
                [(obj, i, json.dumps({k: (None if v is None else str(v)) for k, v in r.items()}))
                 for i, r in enumerate(records, start=1)])
            self.conn.execute("COMMIT")
        except sqlite3.Error as e:
            self.conn.execute("ROLLBACK")
            raise ProviderError(f"cannot write {obj} records to {self.path}: {e}") from None
        return len(records)

    @_guarded
    def add_records(self, obj: str, records: list[dict[str, Any]]) -> list[int]:
        cur = self.conn.execute("SELECT COALESCE(MAX(id), 0) FROM records WHERE object=?", (obj,)).fetchone()[0]
        ids = []
        for r in records:
            cur += 1
            self.conn.execute("INSERT INTO records(object, id, properties) VALUES (?,?,?)",
                              (obj, cur, json.dumps({k: (None if v is None else str(v)) for k, v in r.items()})))
            ids.append(cur)
        return ids

    @_guarded
    def count_records(self, obj: str, prop: str, value: str | None = None) -> int:
        n = 0
        for r in self.records(obj):
            v = r.get(prop)
            if v is None or v == "":
                continue
            if value is None or value in str(v).split(";"):
                n += 1
        return n

    @_guarded
    def move_records(self, obj: str, prop: str, from_value: str, to_value: str) -> int:
        rows = self.conn.execute("SELECT id, properties FROM records WHERE object=?", (obj,)).fetchall()
        moved = 0
        for rid, raw in rows:
            p = json.loads(raw)
            if p.get(prop) == from_value:
                p[prop] = to_value
                self.conn.execute("UPDATE records SET properties=? WHERE object=? AND id=?",
                                  (json.dumps(p), obj, rid))
                moved += 1
        return moved

    # -- applying -----------------------------------------------------------------
    def _write(self, change: Change) -> None:
        r = change.resource
        if change.action == "delete":
            self.conn.execute("DELETE FROM resources WHERE address=?", (r.address,))
        else:
            assert change.after is not None
            a = change.after
            store.put_resource(self.conn, a.type, a.object, a.name, a.attributes)

    def apply_change(self, change: Change, live: LiveState) -> None:
        apply_one(self, change, live)

    def apply_changes(self, changes: list[Change], live: LiveState, report: Report) -> None:
        """One transaction per wave; on failure nothing of the wave is kept and every change reports it."""
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            for c in changes:
                self._write(c)
            self.conn.execute("COMMIT")
        except sqlite3.Error as e:
            self.conn.execute("ROLLBACK")
            for c in changes:
                report(c, f"{c.address}: {e}")
            return
        for c in changes:
            report(c, None)

    # -- locking ------------------------------------------------------------------
    @_guarded
    def acquire_lock(self, holder: dict[str, Any]) -> None:
        info = {**holder, "host": socket.gethostname(), "pid": os.getpid(), "since": time.time()}
        try:
            self.conn.execute("INSERT INTO locks(name, holder) VALUES (?, ?)", (LOCK_NAME, json.dumps(info)))
        except sqlite3.IntegrityError:
            row = self.conn.execute("SELECT holder FROM locks WHERE name=?", (LOCK_NAME,)).fetchone()
            held = _holder(row[0]) if row else {}
            raise LockHeld("another apply holds the lock", held) from None

    @_guarded
    def release_lock(self, holder_id: str) -> None:
        row = self.conn.execute("SELECT holder FROM locks WHERE name=?", (LOCK_NAME,)).fetchone()
        if row and _holder(row[0]).get("id") == holder_id:
            self.conn.execute("DELETE FROM locks WHERE name=?", (LOCK_NAME,))

    @_guarded
    def break_lock(self, holder_id: str | None = None) -> dict[str, Any] | None:
        row = self.conn.execute("SELECT holder FROM locks WHERE name=?", (LOCK_NAME,)).fetchone()
        if row is None or (holder_id is not None and _holder(row[0]).get("id") != holder_id):
            return None
        # conditional on the row read: a lock re-taken in between by another process stays
        gone = self.conn.execute("DELETE FROM locks WHERE name=? AND holder=?", (LOCK_NAME, row[0])).rowcount
        return _holder(row[0]) if gone else None

    def close(self) -> None:
        self.conn.close()


# enumerations whose options are the pipelines / stages that exist, as in HubSpot
PIPELINE_OPTIONS: dict[tuple[str, str], str] = {
    ("deals", "pipeline"): "pipelines", ("deals", "dealstage"): "stages",
    ("tickets", "hs_pipeline"): "pipelines", ("tickets", "hs_pipeline_stage"): "stages",
}


def _counts_days(r: Resource) -> bool:
    from compiler.conditions.ast import resource_counts_days

    return resource_counts_days(r.type, r.attributes)


def _with_zone(r: Resource, zone: str) -> Resource:
    if not _counts_days(r):
        return r
    return r.with_attributes({**r.attributes, "time_zone": zone})


def _with_stored_zone(r: Resource) -> Resource:
    """A stored list or workflow written before gtm noted time zones counted its days in UTC."""
    if "time_zone" in r.attributes or not _counts_days(r):
        return r
    return r.with_attributes({**r.attributes, "time_zone": "UTC"})


def _options(values: list[str]) -> list[dict[str, Any]]:
    return [{"value": v, "label": v, "display_order": i, "hidden": False} for i, v in enumerate(values)]


def _with_pipeline_options(resources: list[Resource]) -> list[Resource]:
    """Serve ``pipeline``/``dealstage`` (and the ticket pair) with the pipelines and stages stored."""
    pipes: dict[str, list[Resource]] = {}
    for r in resources:
        if r.type == "pipeline" and r.object:
            pipes.setdefault(r.object, []).append(r)
    out = []
    for r in resources:
        source = PIPELINE_OPTIONS.get((r.object or "", r.name)) if r.type == "property" else None
        if source is not None:
            ps = sorted(pipes.get(r.object or "", []), key=lambda p: (p.attributes.get("display_order", 0), p.name))
            values = ([p.name for p in ps] if source == "pipelines" else
                      [str(st["id"]) for p in ps for st in p.attributes.get("stages", [])])
            r = r.with_attributes({**r.attributes, "options": _options(values)})
        out.append(r)
    return out


def _with_portal(resources: list[Resource], portal: PortalExtras) -> list[Resource]:
    """What the workspace declares its portal has (``portal:``): extra properties and options."""
    if portal.empty:
        return resources
    out = []
    for r in resources:
        more = portal.options.get(r.object or "", {}).get(r.name) if r.type == "property" else None
        if more:
            have = [o.get("value") for o in r.attributes.get("options") or []]
            values = [*have, *(v for v in more if v not in have)]
            r = r.with_attributes({**r.attributes, "options": _options([str(v) for v in values])})
        out.append(r)
    present = {(r.object, r.name) for r in out if r.type == "property"}
    for obj, props in portal.properties.items():
        groups = catalog.groups(obj)
        for name, p in props.items():
            if (obj, name) in present:
                continue
            values = list(p.options) + [v for v in portal.options.get(obj, {}).get(name, ()) if v not in p.options]
            attrs = {"label": p.label or name, "type": p.type, "field_type": p.field_type,
                     "group": groups[0][0] if groups else "", "description": "", "options": _options(values),
                     "calculation": None}
            out.append(Resource("property", obj, name, attrs, readonly=True))
    return out
