"""Take-over probes against the emulator: gtm recognises its own flows by the marker it stores,
refuses a name collision, never switches a flow on or off, and replaces (behind --allow-destroy)
a property whose type changes while records hold values."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from compiler.backends.hubspot_flows import put_body, workflow_to_flow
from providers.hubspot.emulator.server import EmulatorServer
from tests.conftest import gtm
from tests.hubspot.conftest import client


def _flows(emu: EmulatorServer) -> list[dict[str, Any]]:
    return client(emu).api_request({"method": "GET", "path": "/automation/v4/flows"}).json()["results"]


def _hand_made_flow(emu: EmulatorServer, name: str, enabled: bool = True) -> dict[str, Any]:
    """A workflow a person built in HubSpot: no gtm marker, its own logic, switched on."""
    attrs = {"object": "contacts", "description": "made by hand", "enrollment": None, "reenroll": False,
             "goal": None, "actions": [{"type": "delay", "duration": "7d"}]}
    body, _ = workflow_to_flow(name, attrs, lambda _n: None)
    body["customProperties"] = {}
    body["isEnabled"] = enabled
    resp = client(emu).api_request({"method": "POST", "path": "/automation/v4/flows", "body": body})
    assert resp.status_code in (200, 201), resp.text
    return dict(resp.json())


def test_hand_made_flow_with_a_gtm_name_is_not_taken_over(hs_ws: Path, emulator: EmulatorServer) -> None:
    mine = _hand_made_flow(emulator, "gtm-mql")
    r = gtm("plan")
    assert r.exit_code == 1
    assert "error[GTM620]" in r.stderr and "workflow.gtm-mql" in r.stderr and mine["id"] in r.stderr
    assert "adopt: [workflow.gtm-mql]" in r.stderr
    r = gtm("apply", "--auto-approve", "--allow-destroy")
    assert r.exit_code == 1 and "GTM620" in r.stderr
    after = next(f for f in _flows(emulator) if f["id"] == mine["id"])
    assert after["isEnabled"] is True and after["revisionId"] == mine["revisionId"], "left exactly as it was"
    assert [f["name"] for f in _flows(emulator)].count("gtm-mql") == 1


def test_adopted_flow_is_managed_and_stays_switched_on(hs_ws: Path, emulator: EmulatorServer) -> None:
    mine = _hand_made_flow(emulator, "gtm-mql")
    ws = hs_ws / "gtm.yaml"
    ws.write_text(ws.read_text() + "ownership: {adopt: [workflow.gtm-mql]}\n")
    r = gtm("apply", "--auto-approve")
    assert r.exit_code == 0, r.output
    after = client(emulator).api_request({"method": "GET", "path": f"/automation/v4/flows/{mine['id']}"}).json()
    assert after["isEnabled"] is True, "gtm never switches a flow off"
    assert "gtm_spec" in after.get("customProperties", {}), "adopted: now carries gtm's marker"
    assert gtm("plan", "--detailed-exitcode").exit_code == 0


def test_gtm_never_switches_its_own_flow_on_or_off(hs_ws: Path, emulator: EmulatorServer) -> None:
    assert gtm("apply", "--auto-approve").exit_code == 0
    hs = client(emulator)
    flow = next(f for f in _flows(emulator) if f["name"] == "gtm-mql")
    full = hs.api_request({"method": "GET", "path": f"/automation/v4/flows/{flow['id']}"}).json()
    resp = hs.api_request({"method": "PUT", "path": f"/automation/v4/flows/{flow['id']}",
                           "body": put_body(full, full["revisionId"], True)})
    assert resp.status_code == 200, resp.text
    p = hs_ws / "specs" / "scoring.yaml"
    text = p.read_text()
    assert "points: 10" in text
    p.write_text(text.replace("points: 10", "points: 11", 1))
    assert gtm("apply", "--auto-approve").exit_code == 0
    assert next(f for f in _flows(emulator) if f["name"] == "gtm-mql")["isEnabled"] is True


def test_two_flows_with_one_name_stop_the_plan(hs_ws: Path, emulator: EmulatorServer) -> None:
    assert gtm("apply", "--auto-approve").exit_code == 0
    ours = next(f for f in _flows(emulator) if f["name"] == "gtm-mql")
    twin = _hand_made_flow(emulator, "gtm-mql")
    r = gtm("plan")
    assert r.exit_code == 1
    assert "error[GTM621]" in r.stderr and ours["id"] in r.stderr and twin["id"] in r.stderr
    assert gtm("apply", "--auto-approve", "--allow-destroy").exit_code == 1
    assert {f["id"] for f in _flows(emulator) if f["name"] == "gtm-mql"} == {ours["id"], twin["id"]}


def test_property_type_change_with_values_is_a_destructive_replace(hs_ws: Path, emulator: EmulatorServer) -> None:
    hs = client(emulator)
    hs.crm.properties.core_api.create("contacts", {"name": "gtm_lead_score", "label": "Score (old, text)",
                                                   "type": "string", "fieldType": "text",
                                                   "groupName": "contactinformation"})
    hs.crm.objects.batch_api.create("contacts", {"inputs": [
        {"properties": {"email": f"t{i}@x.example", "gtm_lead_score": "high"}} for i in range(3)]})
    plan = json.loads(gtm("plan", "--format", "json").stdout)
    ch = next(c for c in plan["changes"] if c["address"] == "property.contacts.gtm_lead_score")
    assert ch["action"] == "replace" and ch["needs_allow_destroy"] and ch["impact"]["records"] == 3
    assert "string → number" in ch["impact"]["detail"]
    r = gtm("apply", "--auto-approve")
    assert r.exit_code == 1 and "GTM603" in r.stderr and "gtm_lead_score" in r.stderr
    assert hs.crm.properties.core_api.get_by_name("contacts", "gtm_lead_score").type == "string"
    r = gtm("apply", "--auto-approve", "--allow-destroy")
    assert r.exit_code == 0, r.output
    assert hs.crm.properties.core_api.get_by_name("contacts", "gtm_lead_score").type == "number"
    assert gtm("plan", "--detailed-exitcode").exit_code == 0, "converges"
