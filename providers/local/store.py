"""SQLite storage for the local provider: schema, seeding, resource and record access."""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path
from typing import Any

from compiler import catalog

SCHEMA_VERSION = "2"  # 2: the full catalog of a fresh portal (compiler/catalog)
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS resources (
    address TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    object TEXT,
    name TEXT NOT NULL,
    attributes TEXT NOT NULL,
    hubspot_defined INTEGER NOT NULL DEFAULT 0,
    updated_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS records (
    object TEXT NOT NULL,
    id INTEGER NOT NULL,
    properties TEXT NOT NULL,
    PRIMARY KEY (object, id)
);
CREATE TABLE IF NOT EXISTS locks (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL
);
"""
SEED_OBJECTS = catalog.OBJECTS


def connect(path: Path, lock_wait_s: float = 30.0) -> sqlite3.Connection:
    """Open (creating and seeding when new) the database; wait up to ``lock_wait_s`` for another
    program's lock on it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), timeout=lock_wait_s, isolation_level=None)
    conn.execute(f"PRAGMA busy_timeout={int(lock_wait_s * 1000)}")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.executescript(SCHEMA)
    row = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
    if row is None:
        seed(conn)
    elif row[0] != SCHEMA_VERSION:
        upgrade(conn)
    return conn


def _addr(rtype: str, obj: str | None, name: str) -> str:
    from compiler.ir import make_address

    return make_address(rtype, obj, name)


def put_resource(conn: sqlite3.Connection, rtype: str, obj: str | None, name: str, attrs: dict[str, Any],
                 hubspot_defined: bool = False, keep_existing: bool = False) -> None:
    on_conflict = ("DO NOTHING" if keep_existing else
                   "DO UPDATE SET attributes=excluded.attributes, updated_at=excluded.updated_at")
    conn.execute(
        "INSERT INTO resources(address, type, object, name, attributes, hubspot_defined, updated_at) "
        f"VALUES (?,?,?,?,?,?,?) ON CONFLICT(address) {on_conflict}",
        (_addr(rtype, obj, name), rtype, obj, name, json.dumps(attrs, sort_keys=True), int(hubspot_defined),
         time.time()),
    )


def seed(conn: sqlite3.Connection) -> None:
    """Seed like a fresh portal: default groups, properties, the default deal pipeline, sample records."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        if conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone() is not None:
            conn.execute("COMMIT")
            return
        _seed_catalog(conn, keep_existing=False)
        _seed_records(conn)
        conn.execute("INSERT INTO meta(key, value) VALUES ('schema_version', ?)", (SCHEMA_VERSION,))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def upgrade(conn: sqlite3.Connection) -> None:
    """A database seeded by an older gtm: add what the catalog has and it lacks; change nothing it holds."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        _seed_catalog(conn, keep_existing=True)
        conn.execute("UPDATE meta SET value=? WHERE key='schema_version'", (SCHEMA_VERSION,))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _seed_catalog(conn: sqlite3.Connection, keep_existing: bool) -> None:
    """Groups, properties and pipelines of a fresh portal, from the catalog."""
    for obj in SEED_OBJECTS:
        for gname, glabel in catalog.groups(obj):
            put_resource(conn, "property_group", obj, gname, {"label": glabel}, True, keep_existing)
        for p in catalog.default_property_dicts(obj):
            name = p.pop("name")
            p.pop("hubspot_defined")
            p.pop("display_order")
            for o in p["options"]:
                o["label"] = o["value"]
            p["calculation"] = None
            put_resource(conn, "property", obj, name, p, True, keep_existing)
        for order, pipe in enumerate(catalog.pipelines(obj)):
            put_resource(conn, "pipeline", obj, pipe["id"],
                         {"label": pipe["label"], "display_order": order,
                          "stages": [_stage(obj, i, st) for i, st in enumerate(pipe["stages"])]}, True,
                         keep_existing)


def _stage(obj: str, order: int, st: dict[str, Any]) -> dict[str, Any]:
    """A catalog pipeline stage as the IR describes stages (deals: probability and closed flag)."""
    meta = st["metadata"]
    out: dict[str, Any] = {"id": st["id"], "label": st["label"], "display_order": order}
    if obj == "deals":
        out.update(probability=float(meta["probability"]), closed=meta["isClosed"] == "true")
    else:
        out.update(closed=meta.get("ticketState") == "CLOSED")
    return out


def _seed_records(conn: sqlite3.Connection) -> None:
    """A small deterministic sample of records so impact analysis has something to count."""
    industries = ["LOGISTICS_AND_SUPPLY_CHAIN", "TRANSPORTATION_TRUCKING_RAILROAD", "MACHINERY", "RETAIL",
                  "COMPUTER_SOFTWARE"]
    countries = ["US", "GB", "IN", "AE", "DE"]
    titles = ["VP Operations", "Logistics Manager", "IT Director", "Marketing Intern", "COO", "Transport Manager"]
    bands = ["100-500", "500-1000", "1000+", "25-50"]
    stages = catalog.pipelines("deals")[0]["stages"]
    for i in range(1, 41):
        company = {"name": f"Sample Co {i}", "domain": f"sample{i}.example", "industry": industries[i % 5],
                   "numberofemployees": str([150, 400, 1200, 3000, 9000][i % 5]), "country": countries[i % 5]}
        conn.execute("INSERT INTO records(object, id, properties) VALUES ('companies', ?, ?)",
                     (i, json.dumps(company)))
        contact = {"email": f"person{i}@sample{i}.example", "jobtitle": titles[i % 6],
                   "industry": industries[i % 5], "country": countries[i % 5], "numemployees": bands[i % 4],
                   "hs_analytics_num_page_views": str(i % 7), "hs_email_optout": "true" if i % 13 == 0 else "false",
                   "lifecyclestage": "lead"}
        conn.execute("INSERT INTO records(object, id, properties) VALUES ('contacts', ?, ?)",
                     (i, json.dumps(contact)))
        stage = stages[i % len(stages)]
        deal = {"dealname": f"Sample deal {i}", "amount": str(5000 * i), "pipeline": "default",
                "dealstage": stage["id"], "hs_is_closed": stage["metadata"]["isClosed"]}
        conn.execute("INSERT INTO records(object, id, properties) VALUES ('deals', ?, ?)",
                     (i, json.dumps(deal)))
