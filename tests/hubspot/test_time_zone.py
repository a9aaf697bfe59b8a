"""Date filters relative to today count days in the portal's time zone.

HubSpot reports a portal's time zone at ``GET /account-info/v3/details`` (``timeZone``); gtm reads
it once, only when a plan has an ``older_than_days`` / ``within_days`` filter, sends it as the
``zoneId`` of its ``TODAY`` time points, and shows a change of zone as a planned change.  The
emulator serves the endpoint with a configurable zone and evaluates ``zoneId`` in list sizes.
Everything goes through the official client against the emulator on loopback.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hubspot.crm.lists.exceptions import ApiException as ListsApiException

from compiler.backends.hubspot_filters import condition_to_filter_branch
from compiler.conditions.ast import Leaf
from compiler.conditions.evaluate import days_ago_boundary, evaluate
from providers.hubspot.emulator.server import EmulatorServer
from tests.conftest import gtm
from tests.hubspot.conftest import client

#: UTC+14 all year: its "today" never starts when UTC's does, so the two disagree for some instants
FAR_EAST = "Pacific/Kiritimati"


def _flow(emulator: EmulatorServer, name: str) -> dict[str, Any]:
    hs = client(emulator)
    listing = hs.api_request({"method": "GET", "path": "/automation/v4/flows"}).json()["results"]
    fid = next(f["id"] for f in listing if f["name"] == name)
    return hs.api_request({"method": "GET", "path": f"/automation/v4/flows/{fid}"}).json()


def _zone_ids(branch: Any) -> set[str]:
    """The zoneId of every INDEXED time point in a filter branch tree."""
    out: set[str] = set()
    for f in branch.get("filters") or []:
        point = (f.get("operation") or {}).get("timePoint") or {}
        if point.get("timeType") == "INDEXED":
            out.add(point["zoneId"])
    for b in branch.get("filterBranches") or []:
        out |= _zone_ids(b)
    return out


def test_account_details_report_the_portal_time_zone(emulator: EmulatorServer) -> None:
    hs = client(emulator)
    details = hs.api_request({"method": "GET", "path": "/account-info/v3/details"}).json()
    assert details["timeZone"] == "UTC" and details["utcOffset"] == "+00:00"
    emulator.configure(time_zone=FAR_EAST)
    details = hs.api_request({"method": "GET", "path": "/account-info/v3/details"}).json()
    assert details["timeZone"] == FAR_EAST
    assert details["utcOffset"] == "+14:00" and details["utcOffsetMilliseconds"] == 14 * 3_600_000
    assert {"portalId", "accountType", "companyCurrency", "uiDomain"} <= set(details)
    with pytest.raises(ValueError, match="time_zone"):
        emulator.configure(time_zone="Mars/Olympus_Mons")


def _days_list(zone_id: str, source: str = "CUSTOM") -> dict[str, Any]:
    fb, _ = condition_to_filter_branch(Leaf("notes_last_updated", "within_days", 1), lambda _n: "datetime", zone_id)
    assert fb is not None
    point = fb["filterBranches"][0]["filters"][0]["operation"]["timePoint"]
    point["timezoneSource"] = source
    return {"name": f"tz-{zone_id}-{source}", "objectTypeId": "0-1", "processingType": "DYNAMIC", "filterBranch": fb}


def test_an_unknown_zone_id_is_refused(emulator: EmulatorServer) -> None:
    lists = client(emulator).crm.lists.lists_api
    with pytest.raises(ListsApiException) as bad_zone:
        lists.create(_days_list("Mars/Olympus_Mons"))
    assert bad_zone.value.status == 400 and "Mars/Olympus_Mons" in str(bad_zone.value.body)
    with pytest.raises(ListsApiException) as bad_source:
        lists.create(_days_list("UTC", "SOMEWHERE"))
    assert bad_source.value.status == 400 and "timezoneSource" in str(bad_source.value.body)


def _between_boundaries(zone: str) -> tuple[int, datetime]:
    """An instant (epoch ms) after one of "start of yesterday in UTC" and "start of yesterday in
    ``zone``" and before the other, with the moment it was computed."""
    now = datetime.now(UTC)
    a, b = days_ago_boundary(1, now, "UTC"), days_ago_boundary(1, now, zone)
    assert a != b
    middle = min(a, b) + (max(a, b) - min(a, b)) / 2
    return int(middle.timestamp() * 1000), now


def test_list_size_counts_today_in_the_filter_zone(emulator: EmulatorServer) -> None:
    """The boundary case: a note made at an instant UTC calls "before yesterday" and the far-east
    portal calls "yesterday" (or the other way round, depending on the hour) is counted by the
    emulator as gtm's evaluator counts it in each zone, and the two zones disagree."""
    hs = client(emulator)
    emulator.configure(time_zone=FAR_EAST)
    cond = Leaf("notes_last_updated", "within_days", 1)
    for _attempt in range(3):  # a day boundary passing mid-test moves the instants: compute again
        stamp, before = _between_boundaries(FAR_EAST)
        contact = hs.crm.contacts.basic_api.create({"properties": {"email": f"tz{stamp}@example.com",
                                                                   "notes_last_updated": str(stamp)}})
        record = {"notes_last_updated": str(stamp)}
        in_utc, in_zone = evaluate(cond, record, "UTC"), evaluate(cond, record, FAR_EAST)
        assert in_utc != in_zone  # UTC and the portal disagree about "today"
        sizes: dict[str, int] = {}
        for zone_id, source in (("UTC", "CUSTOM"), (FAR_EAST, "CUSTOM"), ("UTC", "PORTAL")):
            body = _days_list(zone_id, source)
            created = hs.api_request({"method": "POST", "path": "/crm/v3/lists", "body": body}).json()["list"]
            sizes[f"{zone_id}/{source}"] = int(created["size"])
            hs.api_request({"method": "DELETE", "path": f"/crm/v3/lists/{created['listId']}"})
        hs.crm.contacts.basic_api.archive(contact.id)
        if days_ago_boundary(1, datetime.now(UTC), FAR_EAST) == days_ago_boundary(1, before, FAR_EAST) and \
                days_ago_boundary(1, datetime.now(UTC)) == days_ago_boundary(1, before):
            break
        time.sleep(1)
    assert sizes["UTC/CUSTOM"] == int(in_utc)
    assert sizes[f"{FAR_EAST}/CUSTOM"] == int(in_zone)
    # timezoneSource PORTAL counts in the portal's zone, whatever zoneId says
    assert sizes["UTC/PORTAL"] == int(in_zone)


def test_gtm_sends_the_portal_zone_and_plans_a_zone_change(hs_ws: Path, emulator: EmulatorServer) -> None:
    emulator.configure(time_zone="America/Los_Angeles")
    assert gtm("apply", "--auto-approve").exit_code == 0
    flow = _flow(emulator, "gtm-alert-stale-deal")
    assert _zone_ids(flow["enrollmentCriteria"]["listFilterBranch"]) == {"America/Los_Angeles"}
    assert gtm("plan", "--detailed-exitcode").exit_code == 0  # stable: the zone alone is no change

    emulator.configure(time_zone="Europe/Berlin")  # someone changed the portal's time zone
    r = gtm("plan", "--detailed-exitcode")
    assert r.exit_code == 2, r.output
    assert 'time_zone: "America/Los_Angeles" → "Europe/Berlin"' in r.output, r.output
    assert "workflow.gtm-alert-stale-deal" in r.output
    assert gtm("apply", "--auto-approve").exit_code == 0
    flow = _flow(emulator, "gtm-alert-stale-deal")
    assert _zone_ids(flow["enrollmentCriteria"]["listFilterBranch"]) == {"Europe/Berlin"}
    assert gtm("plan", "--detailed-exitcode").exit_code == 0


def test_the_zone_is_read_only_when_a_plan_counts_days(hs_ws: Path, emulator: EmulatorServer) -> None:
    """One request for the zone when a filter counts days from today; none otherwise."""
    assert gtm("plan").exit_code == 0
    assert emulator.stats()["by_endpoint"].get("GET /account-info/v3/details") == 1
    for name in ("pipeline.yaml", "alerts.yaml"):  # stage limits and alerts are the example's date filters
        (hs_ws / "specs" / name).unlink()
    emulator.reset_stats()
    r = gtm("plan")
    assert r.exit_code == 0, r.output
    assert "GET /account-info/v3/details" not in emulator.stats()["by_endpoint"]


def test_a_zone_change_alone_changes_a_relative_list_size(emulator: EmulatorServer) -> None:
    """The size of a list counting days from today depends on the portal's zone and the clock, not
    only on the portal's records: a zone change with no write in between is seen at once."""
    hs = client(emulator)
    stamp, _ = _between_boundaries(FAR_EAST)
    hs.crm.contacts.basic_api.create({"properties": {"email": "tz-memo@example.com",
                                                     "notes_last_updated": str(stamp)}})
    record = {"notes_last_updated": str(stamp)}
    cond = Leaf("notes_last_updated", "within_days", 1)
    created = hs.api_request({"method": "POST", "path": "/crm/v3/lists",
                              "body": _days_list("UTC", "PORTAL")}).json()["list"]
    path = f"/crm/v3/lists/{created['listId']}"
    sizes = {}
    for zone in ("UTC", FAR_EAST, "UTC"):
        emulator.configure(time_zone=zone)
        sizes[zone] = hs.api_request({"method": "GET", "path": path}).json()["list"]["size"]
        assert sizes[zone] == int(evaluate(cond, record, zone)), zone
    assert sizes["UTC"] != sizes[FAR_EAST]
