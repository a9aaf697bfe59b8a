"""Time zones of date conditions relative to today, on the evaluator and the local provider.

``older_than_days`` / ``within_days`` count from midnight in the environment's time zone: the
HubSpot portal's (tests/hubspot/test_time_zone.py), or a local environment's ``time_zone`` in
gtm.yaml (UTC by default).  Changing the zone is a planned change; a store written before gtm
noted zones reads as UTC, so upgrading shows no change.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from compiler.conditions.evaluate import days_ago_boundary
from tests.conftest import gtm


def test_today_starts_at_midnight_in_the_zone() -> None:
    now = datetime(2026, 3, 9, 3, 30, tzinfo=UTC)  # 2026-03-08 20:30 in Los Angeles (PDT since 03-08)
    assert days_ago_boundary(0, now) == datetime(2026, 3, 9, tzinfo=UTC)
    assert days_ago_boundary(0, now, "America/Los_Angeles") == datetime(2026, 3, 8, 8, tzinfo=UTC)
    # one calendar day back crosses the switch to daylight saving: midnight PST is 08:00 UTC
    assert days_ago_boundary(1, now, "America/Los_Angeles") == datetime(2026, 3, 7, 8, tzinfo=UTC)
    assert days_ago_boundary(0, now, "Pacific/Kiritimati") == datetime(2026, 3, 8, 10, tzinfo=UTC)


def _set_local_zone(ws: Path, zone: str) -> None:
    text = (ws / "gtm.yaml").read_text()
    old = "local:      {provider: local, path: .gtm/local.db}"
    assert old in text
    (ws / "gtm.yaml").write_text(text.replace(old, f"local:      {{provider: local, path: .gtm/local.db, "
                                                  f"time_zone: {zone}}}"))


def test_a_local_zone_change_is_a_planned_change(example_ws: Path) -> None:
    assert gtm("apply", "--auto-approve").exit_code == 0
    _set_local_zone(example_ws, "Asia/Tokyo")
    r = gtm("plan", "--detailed-exitcode")
    assert r.exit_code == 2, r.output
    assert 'time_zone: "UTC" → "Asia/Tokyo"' in r.output, r.output
    assert "workflow.gtm-alert-stale-deal" in r.output
    assert gtm("apply", "--auto-approve").exit_code == 0
    assert gtm("plan", "--detailed-exitcode").exit_code == 0


def test_a_store_from_before_time_zones_shows_no_change(example_ws: Path) -> None:
    assert gtm("apply", "--auto-approve").exit_code == 0
    db = sqlite3.connect(example_ws / ".gtm" / "local.db")
    rows = db.execute("SELECT address, attributes FROM resources WHERE type IN ('list', 'workflow')").fetchall()
    stripped = 0
    for address, text in rows:
        attrs = json.loads(text)
        if attrs.pop("time_zone", None) is not None:
            db.execute("UPDATE resources SET attributes=? WHERE address=?", (json.dumps(attrs), address))
            stripped += 1
    db.commit()
    db.close()
    assert stripped >= 1
    assert gtm("plan", "--detailed-exitcode").exit_code == 0


def test_an_unknown_local_zone_is_refused_at_its_line(example_ws: Path) -> None:
    _set_local_zone(example_ws, "Mars/Olympus_Mons")
    r = gtm("validate")
    assert r.exit_code != 0
    assert "Mars/Olympus_Mons" in r.output and "IANA time zone" in r.output, r.output
    assert "gtm.yaml:7" in r.output, r.output


def test_impact_counts_members_in_each_sides_zone() -> None:
    """Business impact evaluates a live list in the zone of its live filters and the desired one in
    the zone the plan sends: a record between the two midnights moves in or out."""
    from compiler.ir import Resource
    from gtm.business_impact import _member

    now = datetime.now(UTC)
    a, b = days_ago_boundary(0, now), days_ago_boundary(0, now, "Pacific/Kiritimati")
    middle = min(a, b) + (max(a, b) - min(a, b)) / 2
    record = {"notes_last_updated": str(int(middle.timestamp() * 1000))}
    cond = {"property": "notes_last_updated", "within_days": 0}
    live = Resource("list", "contacts", "gtm-recent", {"object": "contacts", "filter": cond, "time_zone": "UTC"})
    desired = Resource("list", "contacts", "gtm-recent", {"object": "contacts", "filter": cond})
    in_utc = _member(live)(record) == "member"
    in_zone = _member(desired, "Pacific/Kiritimati")(record) == "member"
    assert in_utc != in_zone
    assert in_utc == (middle >= a) and in_zone == (middle >= b)
