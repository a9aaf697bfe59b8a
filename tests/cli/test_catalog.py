"""The catalog of a fresh HubSpot portal, ``portal:`` declarations, and the property/option checks
(GTM307/GTM412) at the line naming them — through the real CLI and a real SQLite local provider."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from compiler import catalog
from providers.local import LocalProvider, store
from tests.conftest import REPO, gtm

TREE = REPO / "tests" / "fixtures" / "catalog_tree"


@pytest.fixture
def tree_ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    ws = tmp_path / "ws"
    shutil.copytree(TREE, ws)
    monkeypatch.chdir(ws)
    yield ws


def _at(d: dict[str, object]) -> tuple[str, int, int]:
    rng = d["range"]
    assert isinstance(rng, dict)
    return rng["file"], rng["line"], rng["col"]


# -- the data -----------------------------------------------------------------------

def test_catalog_is_a_real_portal_not_a_toy() -> None:
    counts = {o: len(catalog.properties(o)) for o in catalog.OBJECTS}
    assert counts["contacts"] >= 350 and counts["companies"] >= 180
    assert counts["deals"] >= 180 and counts["tickets"] >= 100
    for obj in ("contacts", "companies", "deals"):
        for name in ("notes_last_updated", "notes_last_contacted", "notes_next_activity_date", "hubspot_owner_id",
                     "hs_analytics_source", "num_notes", "hs_lastmodifieddate"):
            assert catalog.known_property(obj, name), (obj, name)
    for name in ("num_conversion_events", "first_conversion_event_name", "recent_conversion_date",
                 "hs_analytics_num_page_views", "lifecyclestage", "hs_lead_status", "hs_email_optout"):
        assert catalog.known_property("contacts", name), name
    for name in ("dealstage", "pipeline", "amount", "closedate", "dealtype", "hs_priority", "hs_is_closed"):
        assert catalog.known_property("deals", name), name
    for name in ("hs_pipeline", "hs_pipeline_stage", "hs_ticket_priority", "hs_ticket_category", "subject"):
        assert catalog.known_property("tickets", name), name
    assert not catalog.known_property("deals", "notes_last_updatd")


def test_enumerations_carry_hubspot_internal_values() -> None:
    industries = catalog.property_options("companies", "industry")
    assert len(industries) >= 145 and len(set(industries)) == len(industries)
    assert {"INTERNET", "HUMAN_RESOURCES", "STAFFING_AND_RECRUITING", "COMPUTER_SOFTWARE"} <= set(industries)
    assert catalog.property_options("contacts", "lifecyclestage")[:3] == ("subscriber", "lead",
                                                                          "marketingqualifiedlead")
    assert "ATTEMPTED_TO_CONTACT" in catalog.property_options("contacts", "hs_lead_status")
    assert catalog.property_options("tickets", "hs_ticket_priority") == ("LOW", "MEDIUM", "HIGH", "URGENT")
    assert catalog.property_options("deals", "dealtype") == ("newbusiness", "existingbusiness")
    # invented values are gone; unlisted enumerations are not judged offline
    assert "sap" not in catalog.property_options("companies", "web_technologies")
    assert catalog.checked_options("companies", "web_technologies") is None
    assert catalog.checked_options("deals", "hubspot_owner_id") is None
    assert catalog.checked_options("deals", "dealstage") is None
    for obj in catalog.OBJECTS:
        for p in catalog.properties(obj):
            assert p["type"] in ("string", "number", "date", "datetime", "enumeration", "bool", "phone_number",
                                 "object_coordinates"), p
            assert p["hubspotDefined"] is True and p["groupName"] in dict(catalog.groups(obj))


def test_catalog_loads_lazily() -> None:
    import subprocess
    import sys

    code = ("import sys; import compiler.catalog as c; "
            "assert c._load.cache_info().currsize == 0; c.known_property('deals', 'amount'); "
            "assert c._load.cache_info().currsize == 1; print('ok')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert out.stdout.strip() == "ok"


# -- a tree of real defaults ----------------------------------------------------------

def test_tree_of_real_defaults_validates_plans_and_applies_locally(tree_ws: Path) -> None:
    r = gtm("validate")
    assert r.exit_code == 0, r.output
    assert gtm("plan", "--detailed-exitcode").exit_code == 2
    applied = gtm("apply", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    again = gtm("plan", "--detailed-exitcode")
    assert again.exit_code == 0, again.output


def test_invented_property_and_option_point_at_their_lines(tree_ws: Path) -> None:
    p = tree_ws / "specs" / "tiers.yaml"
    p.write_text(p.read_text().replace("            - HUMAN_RESOURCES\n", "            - human-resources\n")
                 .replace("{property: notes_last_updated, known: true}", "{property: notes_last_update, known: true}"))
    for cmd in ("validate", "plan"):
        r = gtm(cmd, "--format", "json") if cmd == "validate" else gtm(cmd)
        assert r.exit_code == 1
    r = gtm("validate", "--format", "json")
    diags = {d["code"]: d for d in json.loads(r.stdout)["diagnostics"]}
    opt = diags["GTM412"]
    assert _at(opt) == ("specs/tiers.yaml", 18, 15)
    assert '"human-resources" is not an option of companies property "industry"' in opt["summary"]
    assert 'did you mean "HUMAN_RESOURCES"?' in opt["hint"]
    prop = diags["GTM307"]
    assert _at(prop) == ("specs/tiers.yaml", 22, 22)
    assert prop["hint"] == 'did you mean "notes_last_updated"?'


def test_a_guessed_stage_time_name_is_an_unknown_property(tree_ws: Path) -> None:
    """HubSpot derives stage-time property names itself; a name guessed from a stage id
    (``hs_time_in_<stage>``) is not trusted for its prefix: GTM307 at its line."""
    p = tree_ws / "specs" / "tiers.yaml"
    p.write_text(p.read_text().replace("{property: notes_last_updated, known: true}",
                                       "{property: hs_time_in_gtm_new_business_discovery, known: true}"))
    r = gtm("validate", "--format", "json")
    assert r.exit_code == 1, r.output
    diags = {d["code"]: d for d in json.loads(r.stdout)["diagnostics"]}
    assert _at(diags["GTM307"]) == ("specs/tiers.yaml", 22, 22)
    assert '"hs_time_in_gtm_new_business_discovery" is not in a fresh HubSpot portal' in diags["GTM307"]["summary"]


def test_icp_industries_are_industry_values(tree_ws: Path) -> None:
    p = tree_ws / "specs" / "icp.yaml"
    p.write_text(p.read_text().replace("HUMAN_RESOURCES, ", "Staffing, "))
    r = gtm("validate")
    assert r.exit_code == 1
    assert 'specs/icp.yaml:4:26: error[GTM412]: "Staffing" is not an option of companies property "industry"' \
        in r.stderr


# -- portal: ---------------------------------------------------------------------------

def test_without_the_portal_declaration_its_extras_are_unknown(tree_ws: Path) -> None:
    ws = tree_ws / "gtm.yaml"
    text = ws.read_text()
    ws.write_text(text[:text.index("\nportal:") + 1] + text[text.index("environments:"):])
    r = gtm("validate")
    assert r.exit_code == 1
    assert 'companies property "fleet_size" is not in a fresh HubSpot portal' in r.stderr
    assert 'companies property "erp_system" is not in a fresh HubSpot portal' in r.stderr
    assert '"CARRIER" is not an option of companies property "type"' in r.stderr


def test_portal_extras_are_served_by_the_local_provider(tree_ws: Path) -> None:
    assert gtm("apply", "--auto-approve").exit_code == 0
    from compiler.portal import extras
    from compiler.project import load_project

    project = load_project(tree_ws)
    assert project.workspace is not None
    prov = LocalProvider(tree_ws / ".gtm" / "local.db", extras(project.workspace))
    live = {r.address: r for r in prov.read().resources}
    prov.close()
    assert live["property.companies.fleet_size"].attributes["type"] == "number"
    assert [o["value"] for o in live["property.companies.erp_system"].attributes["options"]] == \
        ["sap", "oracle_ebs", "netsuite"]
    assert [o["value"] for o in live["property.companies.type"].attributes["options"]][-1] == "CARRIER"
    # nothing declared is written into the database: it is a view of what the portal has
    raw = LocalProvider(tree_ws / ".gtm" / "local.db")
    assert "property.companies.fleet_size" not in {r.address for r in raw.read().resources}
    raw.close()


def test_environment_portal_adds_to_the_workspace_portal(tree_ws: Path) -> None:
    ws = tree_ws / "gtm.yaml"
    ws.write_text(ws.read_text().replace("    options:\n      type: [CARRIER]\n", "").replace(
        "  local: {provider: local}\n",
        "  local:\n    provider: local\n    portal:\n      companies:\n        options: {type: [CARRIER]}\n"))
    assert gtm("validate").exit_code == 0
    r = gtm("apply", "--auto-approve")
    assert r.exit_code == 0, r.output


BAD_PORTAL = """\
portal:
  companies:
    properties:
      - {name: industry, type: string}
      - {name: gtm_fit, type: number}
      - {name: fleet_size, type: number}
      - {name: fleet_size, type: number}
      - {name: segment, type: enumeration}
      - {name: notes_text, type: string, options: [a]}
    options:
      dealstage: [x]
      industri: [SPACE]
      numberofemployees: [big]
      hubspot_owner_id: ["1"]
      industry: [INTERNET, SPACE, SPACE]
"""


def test_portal_declarations_are_judged_with_positions(tree_ws: Path) -> None:
    ws = tree_ws / "gtm.yaml"
    text = ws.read_text()
    ws.write_text(text[:text.index("\nportal:") + 1] + BAD_PORTAL + text[text.index("environments:"):])
    r = gtm("validate", "--format", "json")
    assert r.exit_code == 1
    got = {(d["code"], *_at(d)[1:]) for d in json.loads(r.stdout)["diagnostics"]
           if _at(d)[0] == "gtm.yaml"}
    assert got == {
        ("GTM212", 8, 16),   # industry is a default property
        ("GTM216", 9, 16),   # gtm's prefix
        ("GTM217", 11, 16),  # declared twice
        ("GTM219", 12, 16),  # enumeration without options
        ("GTM219", 13, 51),  # options on a string
        ("GTM213", 15, 7),   # dealstage is no company property
        ("GTM213", 16, 7),   # typo
        ("GTM214", 17, 7),   # number, not enumeration
        ("GTM215", 18, 7),   # owners follow the portal
        ("GTM218", 19, 18),  # INTERNET is already an option
        ("GTM218", 19, 35),  # SPACE twice
    }
    notes = [d for d in json.loads(r.stdout)["diagnostics"] if d["code"] == "GTM213" and _at(d)[1] == 16]
    assert any('did you mean "industry"' in n for n in notes[0]["notes"])


def test_portal_shape_errors_are_gtm211(tree_ws: Path) -> None:
    ws = tree_ws / "gtm.yaml"
    ws.write_text(ws.read_text().replace("type: number, label: Fleet size", "type: decimal"))
    r = gtm("validate")
    assert r.exit_code == 1
    assert "gtm.yaml:8:34: error[GTM211]: portal.companies.properties[0].type" in r.stderr


# -- pipelines and stages as options -------------------------------------------------------

def test_dealstage_options_follow_the_pipelines_locally(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    shutil.copy(REPO / "gtm.yaml", ws / "gtm.yaml")
    shutil.copytree(REPO / "specs", ws / "specs")
    monkeypatch.chdir(ws)
    prov = LocalProvider(ws / ".gtm" / "local.db")
    before = {r.address: r for r in prov.read().resources}
    stages = [o["value"] for o in before["property.deals.dealstage"].attributes["options"]]
    assert stages == [s["id"] for s in catalog.pipelines("deals")[0]["stages"]]
    assert [o["value"] for o in before["property.tickets.hs_pipeline"].attributes["options"]] == ["0"]
    prov.close()
    assert gtm("apply", "--auto-approve").exit_code == 0
    prov = LocalProvider(ws / ".gtm" / "local.db")
    after = {r.address: r for r in prov.read().resources}
    prov.close()
    created = after["pipeline.deals.gtm-new-business"].attributes["stages"]
    options = [o["value"] for o in after["property.deals.dealstage"].attributes["options"]]
    assert options == stages + [s["id"] for s in created]
    assert [o["value"] for o in after["property.deals.pipeline"].attributes["options"]] == \
        ["default", "gtm-new-business"]


def test_an_older_local_database_gains_the_catalog_and_keeps_what_it_holds(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    conn = store.connect(db)
    conn.execute("DELETE FROM resources WHERE address='property.deals.notes_last_updated'")
    conn.execute("UPDATE resources SET attributes='{\"label\": \"Ours\"}' WHERE address='property_group.deals."
                 "dealinformation'")
    conn.execute("UPDATE meta SET value='1' WHERE key='schema_version'")
    conn.close()
    conn = store.connect(db)
    rows = dict(conn.execute("SELECT address, attributes FROM resources").fetchall())
    version = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0]
    conn.close()
    assert "property.deals.notes_last_updated" in rows
    assert json.loads(rows["property_group.deals.dealinformation"]) == {"label": "Ours"}
    assert version == store.SCHEMA_VERSION
