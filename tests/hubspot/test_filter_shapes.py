"""What the first apply writes is what HubSpot accepts and what a second compile would send.

The example specs create enumeration properties (``gtm_tier``, ``gtm_lead_band``) and, in the
same apply, lists and flows that filter on them.  These tests apply once against the strict
emulator, then read every list and flow back and check (1) each filter uses the operation type
of the property's real type, (2) the plan is empty, and (3) the live filter branches equal what
a fresh compile and realize would send.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from compiler.backends.hubspot_filters import normalize_filter_branch
from compiler.backends.hubspot_flows import normalize_flow
from compiler.project import load_project
from gtm.planning import make_plan_in, open_session
from providers.hubspot.emulator.server import EmulatorServer
from providers.hubspot.provider import HubSpotProvider
from providers.hubspot.write import Writer
from tests.conftest import gtm
from tests.hubspot.conftest import client

ENUM_OPERATION = "ENUMERATION"


def _filters(branch: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The PROPERTY filters of a branch; a re-enrolment trigger's ``hs_value`` filter is reported
    under the property its ``hs_name`` filter names (the value it tests is that property's)."""
    if not branch:
        return []
    own = list(branch.get("filters") or [])
    named = [f["operation"].get("value") for f in own if f.get("property") == "hs_name"]
    out = [f for f in own if f.get("property") != "hs_name"]
    if named:
        out = [{**f, "property": named[0]} if f.get("property") == "hs_value" else f for f in out]
    for b in branch.get("filterBranches") or []:
        out.extend(_filters(b))
    return out


def _live_lists(emulator: EmulatorServer) -> list[dict[str, Any]]:
    hs = client(emulator)
    found = hs.api_request({"method": "POST", "path": "/crm/v3/lists/search",
                            "body": {"query": "gtm-", "count": 500}}).json()["lists"]
    ids = [str(x["listId"]) for x in found]
    return [hs.api_request({"method": "GET", "path": f"/crm/v3/lists/{i}",
                            "qs": {"includeFilters": "true"}}).json()["list"] for i in ids]


def _live_flows(emulator: EmulatorServer) -> list[dict[str, Any]]:
    hs = client(emulator)
    listing = hs.api_request({"method": "GET", "path": "/automation/v4/flows"}).json()["results"]
    return [hs.api_request({"method": "GET", "path": f"/automation/v4/flows/{f['id']}"}).json()
            for f in listing if str(f.get("name", "")).startswith("gtm-")]


def _types(emulator: EmulatorServer, obj: str) -> dict[str, str]:
    return {p.name: p.type for p in client(emulator).crm.properties.core_api.get_all(obj).results}


def _flow_branches(flow: dict[str, Any]) -> list[dict[str, Any]]:
    crit = flow.get("enrollmentCriteria") or {}
    return [b for b in (crit.get("listFilterBranch"), flow.get("goalFilterBranch"),
                        *(crit.get("reEnrollmentTriggersFilterBranches") or [])) if b]


OBJECT_NAMES = {"0-1": "contacts", "0-2": "companies", "0-3": "deals", "0-5": "tickets"}
#: HubSpot property type -> operation types a value comparison may use (see filter_shape.py)
VALUE_OPERATIONS = {"enumeration": {"ENUMERATION"}, "string": {"STRING", "MULTISTRING"},
                    "number": {"NUMBER"}, "bool": {"BOOL"}, "datetime": {"TIME_POINT", "TIME_RANGED"},
                    "date": {"TIME_POINT", "TIME_RANGED"}, "phone_number": {"STRING", "MULTISTRING"}}


def test_first_apply_uses_the_real_property_types(hs_ws: Path, emulator: EmulatorServer) -> None:
    assert gtm("apply", "--auto-approve").exit_code == 0
    checked: list[tuple[str, str, str]] = []
    branches = [(OBJECT_NAMES[str(x["objectTypeId"])], x["filterBranch"]) for x in _live_lists(emulator)]
    branches += [(OBJECT_NAMES[str(f["objectTypeId"])], b) for f in _live_flows(emulator) for b in _flow_branches(f)]
    types = {obj: _types(emulator, obj) for obj in set(OBJECT_NAMES.values())}
    for obj, branch in branches:
        for f in _filters(branch):
            op = f["operation"]
            if op["operationType"] == "ALL_PROPERTY":
                continue
            ptype = types[obj][f["property"]]
            assert op["operationType"] in VALUE_OPERATIONS[ptype], (obj, f)
            checked.append((f["property"], op["operationType"], op["operator"]))
    # the enumerations created in this very apply are filtered as enumerations
    assert ("gtm_lead_band", ENUM_OPERATION, "IS_ANY_OF") in checked
    assert ("gtm_tier", ENUM_OPERATION, "IS_ANY_OF") in checked
    assert not [c for c in checked if c[0] in ("gtm_tier", "gtm_lead_band") and c[1] != ENUM_OPERATION]


def test_live_objects_equal_a_second_compile(hs_ws: Path, emulator: EmulatorServer) -> None:
    assert gtm("apply", "--auto-approve").exit_code == 0
    s, _ = open_session(load_project(hs_ws), None)
    assert s is not None
    plan, _ = make_plan_in(s)
    assert plan.changes == []
    assert isinstance(s.provider, HubSpotProvider)
    writer = Writer(s.provider, s.live)
    lists = {x["name"]: x for x in _live_lists(emulator)}
    flows = {f["name"]: f for f in _live_flows(emulator)}
    compared = 0
    for r in s.desired:
        if r.type == "list":
            sent = normalize_filter_branch(writer._filter_branch(r))
            assert sent == normalize_filter_branch(lists[r.name]["filterBranch"]), r.name
            compared += 1
        elif r.type == "workflow":
            body, live = normalize_flow(writer._flow_body(r)), normalize_flow(flows[r.name])
            for key in ("enrollmentCriteria", "goalFilterBranch", "actions", "customProperties"):
                assert body.get(key) == live.get(key), (r.name, key)
            compared += 1
    assert compared >= 4
    s.close()
