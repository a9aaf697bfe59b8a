"""A live filter written in another shape than gtm sends today is planned and rewritten.

An older gtm sent lists and flow enrolment on its own enumerations (``gtm_tier``,
``gtm_lead_band``) as ``STRING IS_EQUAL_TO`` / ``MULTISTRING``; a portal whose property changed
type after the list was made holds the same.  Such a filter reads back as the same condition as
``ENUMERATION IS_ANY_OF``, so the plan must keep the live operation at the leaf to see it.

The strict emulator refuses the wrong shape, so the test seeds it with the emulator's test-only
``legacy_filter_shapes`` switch (through the official client), then runs plan, apply, plan.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from hubspot import HubSpot

from compiler.backends.hubspot_filters import normalize_filter_branch, property_filters
from compiler.backends.hubspot_flows import _digest, normalize_flow, put_body, trigger_filters
from compiler.project import load_project
from gtm.planning import make_plan_in, open_session
from providers.hubspot.emulator.server import EmulatorServer
from providers.hubspot.provider import HubSpotProvider
from providers.hubspot.write import Writer
from tests.conftest import gtm
from tests.hubspot.conftest import client


def _legacy(branch: dict[str, Any], prop: str) -> dict[str, Any]:
    """``branch`` with each ENUMERATION filter on ``prop`` as an older gtm wrote it: STRING
    IS_EQUAL_TO for one value, MULTISTRING IS_EQUAL_TO for several."""
    out = copy.deepcopy(branch)

    def walk(b: dict[str, Any]) -> None:
        for f in b.get("filters") or []:
            op = f.get("operation") or {}
            if f.get("property") in (prop, "hs_value") and op.get("operationType") == "ENUMERATION":
                values = op.pop("values")
                op["operator"] = "IS_EQUAL_TO"
                if len(values) == 1:
                    op.update(operationType="STRING", value=values[0])
                else:
                    op.update(operationType="MULTISTRING", values=values)
        for sub in b.get("filterBranches") or []:
            walk(sub)

    walk(out)
    return out


def _list(hs: HubSpot, name: str) -> dict[str, Any]:
    found = hs.api_request({"method": "POST", "path": "/crm/v3/lists/search",
                            "body": {"query": name, "count": 50}}).json()["lists"]
    list_id = next(str(x["listId"]) for x in found if x["name"] == name)
    return hs.api_request({"method": "GET", "path": f"/crm/v3/lists/{list_id}",
                           "qs": {"includeFilters": "true"}}).json()["list"]


def _flow(hs: HubSpot, name: str) -> dict[str, Any]:
    listing = hs.api_request({"method": "GET", "path": "/automation/v4/flows"}).json()["results"]
    flow_id = next(str(f["id"]) for f in listing if f["name"] == name)
    return hs.api_request({"method": "GET", "path": f"/automation/v4/flows/{flow_id}"}).json()


def _seed_legacy(emulator: EmulatorServer) -> None:
    """gtm-tier-1 and gtm-sla-hot-inbound as an older gtm wrote them (the flow's stored spec and
    digest still match it, as they did when that gtm wrote it)."""
    hs = client(emulator)
    lst = _list(hs, "gtm-tier-1")
    legacy_list = {"filterBranch": _legacy(lst["filterBranch"], "gtm_tier")}
    path = f"/crm/v3/lists/{lst['listId']}/update-list-filters"
    refused = hs.api_request({"method": "PUT", "path": path, "body": legacy_list})
    assert refused.status_code == 400, refused.text  # HubSpot's rule: no string operation on an enumeration
    assert refused.json()["category"] == "VALIDATION_ERROR"
    puts = []
    for name, prop in (("gtm-sla-hot-inbound", "gtm_lead_band"), ("gtm-seq-vp-ops-nurture", "gtm_tier")):
        flow = _flow(hs, name)
        crit = flow["enrollmentCriteria"]
        crit["listFilterBranch"] = _legacy(crit["listFilterBranch"], prop)
        crit["reEnrollmentTriggersFilterBranches"] = [_legacy(t, prop)
                                                      for t in crit["reEnrollmentTriggersFilterBranches"]]
        flow["customProperties"]["gtm_digest"] = _digest(flow)
        body = put_body({k: v for k, v in flow.items() if k not in ("id", "revisionId")}, flow["revisionId"],
                        flow["isEnabled"])
        puts.append((f"/automation/v4/flows/{flow['id']}", body))
    emulator.configure(legacy_filter_shapes=True)
    try:
        assert hs.api_request({"method": "PUT", "path": path, "body": legacy_list}).status_code == 200
        for flow_path, body in puts:
            put = hs.api_request({"method": "PUT", "path": flow_path, "body": body})
            assert put.status_code == 200, put.text
    finally:
        emulator.configure(legacy_filter_shapes=False)
    assert _list(hs, "gtm-tier-1")["filterBranch"]["filterBranches"][0]["filters"][0]["operation"][
        "operationType"] == "STRING"


def test_a_legacy_filter_shape_is_planned_at_its_leaf_and_rewritten(hs_ws: Path, emulator: EmulatorServer) -> None:
    assert gtm("apply", "--auto-approve").exit_code == 0
    _seed_legacy(emulator)

    plan = gtm("plan", "--detailed-exitcode")
    assert plan.exit_code == 2, plan.output  # not "No changes"
    out = plan.output
    assert "~ list.companies.gtm-tier-1\n      ~ filter: gtm_tier eq tier-1  (live filter: STRING IS_EQUAL_TO)" \
           " → gtm_tier eq tier-1\n" in out, out
    assert "~ enrollment: gtm_lead_band eq hot  (live filter: STRING IS_EQUAL_TO) → gtm_lead_band eq hot" in out, out
    assert "gtm_tier in [tier-2, tier-3]  (live filter: MULTISTRING IS_EQUAL_TO)" in out, out
    assert "0 to add, 3 to change, 0 to destroy" in out, out

    applied = gtm("apply", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    again = gtm("plan", "--detailed-exitcode")
    assert again.exit_code == 0, again.output

    # the live objects are what a second compile sends
    hs = client(emulator)
    s, _ = open_session(load_project(hs_ws), None)
    assert s is not None and isinstance(s.provider, HubSpotProvider)
    plan_after, _ = make_plan_in(s)
    assert plan_after.changes == []
    writer = Writer(s.provider, s.live)
    by_name = {r.name: r for r in s.desired}
    sent = normalize_filter_branch(writer._filter_branch(by_name["gtm-tier-1"]))
    assert sent == normalize_filter_branch(_list(hs, "gtm-tier-1")["filterBranch"])
    for name in ("gtm-sla-hot-inbound", "gtm-seq-vp-ops-nurture"):
        body = normalize_flow(writer._flow_body(by_name[name]))
        live = normalize_flow(_flow(hs, name))
        assert body["enrollmentCriteria"] == live["enrollmentCriteria"], name
        assert body["customProperties"] == live["customProperties"], name
        crit = live["enrollmentCriteria"]
        kinds = {f["operation"]["operationType"] for f in property_filters(crit["listFilterBranch"])
                 + trigger_filters(crit["reEnrollmentTriggersFilterBranches"]) if f["property"].startswith("gtm_")}
        assert kinds == {"ENUMERATION"}, (name, kinds)
    s.close()


def test_a_date_reenrolment_trigger_from_an_older_gtm_is_planned_and_removed(
        hs_ws: Path, emulator: EmulatorServer) -> None:
    """An older gtm made a trigger of the stale-deal alert's ``older_than_days`` leaf (it can never
    fire); the plan lists the live triggers and apply sends gtm's triggers, without the date."""
    assert gtm("apply", "--auto-approve").exit_code == 0
    hs = client(emulator)
    flow = _flow(hs, "gtm-alert-stale-deal")
    crit = flow["enrollmentCriteria"]
    dated = [f for f in property_filters(crit["listFilterBranch"])
             if f["operation"]["operationType"] == "TIME_POINT"]
    assert dated and not [f for f in trigger_filters(crit["reEnrollmentTriggersFilterBranches"])
                          if f["operation"]["operationType"] == "TIME_POINT"]
    crit["reEnrollmentTriggersFilterBranches"].append({
        "filterBranchType": "AND", "filterBranchOperator": "AND", "filterBranches": [], "filters": [
            {"filterType": "PROPERTY", "property": "hs_name",
             "operation": {"operationType": "STRING", "operator": "IS_EQUAL_TO", "value": dated[0]["property"],
                           "includeObjectsWithNoValueSet": False}},
            {"filterType": "PROPERTY", "property": "hs_value", "operation": dated[0]["operation"]}]})
    flow["customProperties"]["gtm_digest"] = _digest(flow)
    body = put_body({k: v for k, v in flow.items() if k not in ("id", "revisionId")}, flow["revisionId"],
                    flow["isEnabled"])
    put = hs.api_request({"method": "PUT", "path": f"/automation/v4/flows/{flow['id']}", "body": body})
    assert put.status_code == 200, put.text  # a valid shape: HubSpot accepts it, it just never fires

    plan = gtm("plan", "--detailed-exitcode")
    assert plan.exit_code == 2, plan.output
    assert "~ workflow.gtm-alert-stale-deal" in plan.output, plan.output
    assert "live_reenrollment_triggers" in plan.output, plan.output
    assert "hs_v2_date_entered_current_stage TIME_POINT IS_BEFORE" in plan.output, plan.output
    assert gtm("apply", "--auto-approve").exit_code == 0
    assert gtm("plan", "--detailed-exitcode").exit_code == 0
    live = _flow(hs, "gtm-alert-stale-deal")["enrollmentCriteria"]["reEnrollmentTriggersFilterBranches"]
    assert live and all(f["operation"]["operationType"] != "TIME_POINT" for f in trigger_filters(live))
