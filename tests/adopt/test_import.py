"""``gtm import``: a portal built by hand (not by gtm) becomes specs that plan to zero changes, on the
HubSpot emulator (official client over loopback) and on the local provider; drift is answered by
reverting (apply) or accepting (import --force)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from providers.hubspot.emulator.server import EmulatorServer
from tests.conftest import gtm
from tests.hubspot.conftest import TOKEN, TOKEN_ENV, client
from tests.hubspot.conftest import emulator as emulator  # the fixture

REGIONS = ["emea", "amer", "apac", "latam", "anz"]


def _enum(name: str, label: str, group: str, values: list[str], field_type: str = "select",
          hidden: tuple[str, ...] = ()) -> dict[str, Any]:
    return {"name": name, "label": label, "groupName": group, "type": "enumeration", "fieldType": field_type,
            "options": [{"label": v.upper(), "value": v, "displayOrder": i, "hidden": v in hidden}
                        for i, v in enumerate(values)]}


def _plain(name: str, label: str, group: str, typ: str, field_type: str, description: str = "") -> dict[str, Any]:
    return {"name": name, "label": label, "groupName": group, "type": typ, "fieldType": field_type,
            "description": description}


def build_portal(emu: EmulatorServer) -> dict[str, list[str]]:
    """What a RevOps team clicks together over a year: groups, dozens of fields, pipelines, a list."""
    hs = client(emu)
    props = hs.crm.properties
    props.groups_api.create("contacts", {"name": "sales_ops", "label": "Sales ops"})
    props.groups_api.create("deals", {"name": "deal_desk", "label": "Deal desk"})
    contacts: list[dict[str, Any]] = []
    for i in range(12):
        contacts.append(_enum(f"territory_{i}", f"Territory {i}", "sales_ops", REGIONS[: 2 + i % 4],
                              "radio" if i % 3 == 0 else "select", hidden=("amer",) if i % 5 == 0 else ()))
    for i in range(8):
        contacts.append(_plain(f"persona_note_{i}", f"Persona note {i}", "contactinformation", "string",
                               "textarea" if i % 2 else "text", "written by SDRs" if i % 3 == 0 else ""))
    contacts.append(_plain("seats_requested", "Seats requested", "sales_ops", "number", "number"))
    contacts.append(_plain("first_demo_date", "First demo", "sales_ops", "date", "date"))
    contacts.append({"name": "is_champion", "label": "Champion?", "groupName": "sales_ops", "type": "bool",
                     "fieldType": "booleancheckbox",
                     "options": [{"label": "Yes", "value": "true", "displayOrder": 0},
                                 {"label": "No", "value": "false", "displayOrder": 1}]})
    contacts.append(_enum("buying_role", "Buying role", "sales_ops", ["economic", "champion", "technical", "user"],
                          "checkbox"))
    props.batch_api.create("contacts", {"inputs": contacts})
    companies = [_enum(f"segment_{i}", f"Segment {i}", "companyinformation", ["smb", "mid", "ent"])
                 for i in range(4)] + [_plain("erp_system", "ERP system", "companyinformation", "string", "text")]
    props.batch_api.create("companies", {"inputs": companies})
    deals = [_enum("contract_term", "Contract term", "deal_desk", ["12", "24", "36"]),
             _plain("discount_pct", "Discount %", "deal_desk", "number", "number"),
             _plain("legal_notes", "Legal notes", "deal_desk", "string", "textarea", "redlines and asks")]
    props.batch_api.create("deals", {"inputs": deals})

    def stage(label: str, prob: str, order: int, closed: bool = False) -> dict[str, Any]:
        return {"label": label, "displayOrder": order,
                "metadata": {"probability": prob, "isClosed": "true" if closed else "false"}}

    pipes = hs.crm.pipelines.pipelines_api
    renewals = pipes.create("deals", {"label": "Renewals", "displayOrder": 1, "stages": [
        stage("Upcoming", "0.5", 0), stage("Negotiating", "0.7", 1), stage("Renewed", "1.0", 2, True),
        stage("Churned", "0.0", 3, True)]})
    partners = pipes.create("deals", {"label": "Partner deals", "displayOrder": 2, "stages": [
        stage("Registered", "0.1", 0), stage("Accepted", "0.3", 1), stage("Won", "1.0", 2, True),
        stage("Lost", "0.0", 3, True)]})
    pipes.create("tickets", {"label": "Escalations", "displayOrder": 1, "stages": [
        {"label": "Triage", "displayOrder": 0, "metadata": {"ticketState": "OPEN"}},
        {"label": "Engineering", "displayOrder": 1, "metadata": {"ticketState": "OPEN"}},
        {"label": "Resolved", "displayOrder": 2, "metadata": {"ticketState": "CLOSED"}}]})
    hs.crm.lists.lists_api.create({"name": "Hot leads (hand-made)", "objectTypeId": "0-1",
                                   "processingType": "MANUAL"})
    return {"contacts": [p["name"] for p in contacts], "companies": [p["name"] for p in companies],
            "deals": [p["name"] for p in deals], "pipelines": [renewals.id, partners.id]}


@pytest.fixture
def hand_made(tmp_path: Path, emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch
              ) -> tuple[Path, EmulatorServer, dict[str, list[str]]]:
    ws = tmp_path / "ws"
    (ws / "specs").mkdir(parents=True)
    (ws / "gtm.yaml").write_text(
        "version: 1\nname: adopted\nenvironments:\n"
        f"  emu: {{provider: hubspot, token_env: {TOKEN_ENV}, base_url: '{emulator.base_url}'}}\n"
        "default_environment: emu\n")
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    monkeypatch.chdir(ws)
    made = build_portal(emulator)
    return ws, emulator, made


def _changes(*args: str) -> list[dict[str, Any]]:
    r = gtm("plan", "--format", "json", *args)
    assert r.exit_code == 0, r.output
    return list(json.loads(r.stdout)["changes"])


@pytest.mark.emulator
def test_import_of_a_hand_built_portal_plans_to_no_changes(
        hand_made: tuple[Path, EmulatorServer, dict[str, list[str]]]) -> None:
    ws, emu, made = hand_made
    r = gtm("import", "-e", "emu")
    assert r.exit_code == 0, r.output
    assert "wrote specs/properties-contacts.yaml (24 fields, 1 group)" in r.stdout
    assert "wrote specs/properties-companies.yaml (5 fields, 0 groups)" in r.stdout
    assert "wrote specs/pipelines-deals.yaml (2 pipelines)" in r.stdout
    assert "Lists and workflows made by hand are not read" in r.stderr
    docs = {p.name: list(yaml.safe_load_all(p.read_text())) for p in (ws / "specs").glob("*.yaml")}
    contacts = docs["properties-contacts.yaml"][0]
    assert sorted(p["name"] for p in contacts["properties"]) == sorted(made["contacts"])
    assert all(p["adopt"] is True for p in contacts["properties"])
    t0 = next(p for p in contacts["properties"] if p["name"] == "territory_0")
    assert t0["field_type"] == "radio" and {"value": "amer", "label": "AMER", "hidden": True} in t0["options"]
    pipes = docs["pipelines-deals.yaml"]
    assert sorted(p["id"] for p in pipes) == sorted(made["pipelines"]) and all(p["adopt"] for p in pipes)
    tickets = docs["pipelines-tickets.yaml"]
    assert [(t["label"], t["adopt"], [(s["label"], s.get("closed")) for s in t["stages"]]) for t in tickets] == [
        ("Escalations", True, [("Triage", None), ("Engineering", None), ("Resolved", True)])]
    assert all("probability" not in s for s in tickets[0]["stages"])
    renew = next(p for p in pipes if p["label"] == "Renewals")
    assert [(s["label"], s["probability"], s.get("closed")) for s in renew["stages"]] == [
        ("Upcoming", 0.5, None), ("Negotiating", 0.7, None), ("Renewed", 1.0, "won"), ("Churned", 0.0, "lost")]
    # output is canonical and validates
    assert gtm("fmt", "--check").exit_code == 0
    assert gtm("validate").exit_code == 0
    # the plan right after import: nothing to do
    r = gtm("plan", "--detailed-exitcode")
    assert r.exit_code == 0, r.output
    assert "No changes" in r.stdout
    # editing one imported field's label gives exactly one update
    f = ws / "specs" / "properties-contacts.yaml"
    f.write_text(f.read_text().replace("label: Seats requested", "label: Seats wanted"))
    changes = _changes()
    assert [(c["address"], c["action"]) for c in changes] == [("property.contacts.seats_requested", "update")]
    assert [a["path"] for a in changes[0]["attributes"]] == ["label"]
    assert gtm("apply", "--auto-approve").exit_code == 0
    # a ticket pipeline is managed like a deal pipeline: rename a stage, apply, converge
    t = ws / "specs" / "pipelines-tickets.yaml"
    t.write_text(t.read_text().replace("label: Engineering", "label: Engineering review"))
    changes = _changes()
    assert [(c["address"].split(".")[1], c["action"]) for c in changes] == [("tickets", "update")]
    assert gtm("apply", "--auto-approve").exit_code == 0
    live = client(emu).crm.pipelines.pipelines_api.get_all("tickets").results
    esc = next(p for p in live if p.label == "Escalations")
    assert [(s.label, s.metadata.get("ticketState")) for s in esc.stages] == [
        ("Triage", "OPEN"), ("Engineering review", "OPEN"), ("Resolved", "CLOSED")]
    prop = client(emu).crm.properties.core_api.get_by_name("contacts", "seats_requested")
    assert prop.label == "Seats wanted"
    assert gtm("plan", "--detailed-exitcode").exit_code == 0
    # never overwrite without --force
    r = gtm("import", "-e", "emu")
    assert r.exit_code == 1 and "GTM661" in r.stderr and "--force" in r.stderr


@pytest.mark.emulator
def test_drift_is_reverted_by_apply_or_accepted_by_import(
        hand_made: tuple[Path, EmulatorServer, dict[str, list[str]]]) -> None:
    ws, emu, _ = hand_made
    assert gtm("import", "-e", "emu").exit_code == 0
    hs = client(emu)
    # someone edits a field in the portal by hand: that is drift
    hs.crm.properties.core_api.update("deals", "legal_notes", {"label": "Legal notes (edited)"})
    assert gtm("plan", "--detailed-exitcode").exit_code == 2
    # answer 1: revert — apply makes the portal match git again
    assert gtm("apply", "--auto-approve").exit_code == 0
    assert hs.crm.properties.core_api.get_by_name("deals", "legal_notes").label == "Legal notes"
    assert gtm("plan", "--detailed-exitcode").exit_code == 0
    # answer 2: accept — import the portal's version into the specs (then review it in a PR)
    hs.crm.properties.core_api.update("deals", "legal_notes", {"label": "Legal notes (edited)"})
    r = gtm("import", "-e", "emu", "--only", "properties", "--force")
    assert r.exit_code == 0, r.output
    assert "label: Legal notes (edited)" in (ws / "specs" / "properties-deals.yaml").read_text()
    assert gtm("plan", "--detailed-exitcode").exit_code == 0
    assert hs.crm.properties.core_api.get_by_name("deals", "legal_notes").label == "Legal notes (edited)"


def test_import_on_local_round_trips_and_dry_run_writes_nothing(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from providers.local import LocalProvider, store

    ws = tmp_path / "ws"
    (ws / "specs").mkdir(parents=True)
    (ws / "gtm.yaml").write_text("version: 1\nname: loc\nenvironments:\n  local: {provider: local}\n"
                                 "default_environment: local\n")
    monkeypatch.chdir(ws)
    db = LocalProvider(ws / ".gtm" / "local.db")
    store.put_resource(db.conn, "property_group", "deals", "deal_desk", {"label": "Deal desk"})
    store.put_resource(db.conn, "property", "contacts", "region", {
        "label": "Region", "description": "", "group": "contactinformation", "type": "enumeration",
        "field_type": "select", "calculation": None,
        "options": [{"value": v, "label": v.upper(), "display_order": i + 1, "hidden": False}
                    for i, v in enumerate(REGIONS)]})
    store.put_resource(db.conn, "property", "deals", "calc_margin", {
        "label": "Margin", "description": "", "group": "deal_desk", "type": "number",
        "field_type": "calculation_equation", "options": [], "calculation": {"kind": "score", "rules": []}})
    store.put_resource(db.conn, "pipeline", "deals", "778899", {"label": "Renewals", "display_order": 1, "stages": [
        {"id": "1", "label": "Open", "display_order": 1, "probability": 0.3, "closed": False},
        {"id": "2", "label": "Won", "display_order": 2, "probability": 1.0, "closed": True}]})
    db.close()
    r = gtm("import", "--dry-run")
    assert r.exit_code == 0 and "# --- specs/properties-contacts.yaml" in r.stdout
    assert not list((ws / "specs").glob("*.yaml"))
    # what cannot be expressed is listed, not dropped silently
    assert "property.deals.calc_margin: not imported: a calculated field" in r.stderr
    r = gtm("import")
    assert r.exit_code == 0, r.output
    text = (ws / "specs" / "properties-contacts.yaml").read_text()
    assert "{value: emea, label: EMEA, order: 1}" in text
    assert "id: '778899'" in (ws / "specs" / "pipelines-deals.yaml").read_text()
    assert gtm("plan", "--detailed-exitcode").exit_code == 0
    # --only limits what is written
    for p in (ws / "specs").glob("*.yaml"):
        p.unlink()
    assert gtm("import", "--only", "pipelines").exit_code == 0
    assert [p.name for p in (ws / "specs").glob("*.yaml")] == ["pipelines-deals.yaml"]


def test_the_drift_issue_names_both_answers() -> None:
    from gtm.ci.drift_issue import issue_body

    body = issue_body("~ property.deals.legal_notes", "production", {})
    assert "gtm apply -e production" in body
    assert "gtm import -e production --only properties --force" in body
