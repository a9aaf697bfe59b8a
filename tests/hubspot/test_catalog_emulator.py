"""The emulator's portal is the catalog of a fresh portal, read through the official client; its
pipeline and stage enumerations follow the pipelines that exist; a spec tree of HubSpot's default
properties and values plans, applies and converges against it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hubspot.crm.pipelines import PipelineInput, PipelineStageInput
from hubspot.crm.properties import Option, PropertyCreate, PropertyUpdate

from compiler import catalog
from providers.hubspot.emulator.server import EmulatorServer
from tests.conftest import REPO, gtm, plan_apply_converge
from tests.hubspot.conftest import EMULATOR_MAPPINGS, TOKEN, TOKEN_ENV, client

pytestmark = pytest.mark.emulator

TREE = REPO / "tests" / "fixtures" / "catalog_tree"


def test_seeded_portal_is_the_catalog(emulator: EmulatorServer) -> None:
    hs = client(emulator)
    for obj in catalog.OBJECTS:
        live = {p.name: p for p in hs.crm.properties.core_api.get_all(obj).results}
        assert set(live) == {p["name"] for p in catalog.properties(obj)}, obj
        assert all(p.hubspot_defined for p in live.values())
    deals = {p.name: p for p in hs.crm.properties.core_api.get_all("deals").results}
    assert deals["notes_last_updated"].type == "datetime"
    industry = hs.crm.properties.core_api.get_by_name("companies", "industry")
    values = [o.value for o in industry.options]
    assert values == list(catalog.property_options("companies", "industry"))
    assert {"INTERNET", "HUMAN_RESOURCES", "STAFFING_AND_RECRUITING"} <= set(values)
    assert hs.crm.properties.core_api.get_by_name("companies", "web_technologies").options == []


def test_stage_and_pipeline_options_follow_the_pipelines(emulator: EmulatorServer) -> None:
    hs = client(emulator)
    core = hs.crm.properties.core_api
    before = [o.value for o in core.get_by_name("deals", "dealstage").options]
    assert before == [s["id"] for s in catalog.pipelines("deals")[0]["stages"]]
    created = hs.crm.pipelines.pipelines_api.create("deals", PipelineInput(
        label="Partner deals", display_order=1, stages=[
            PipelineStageInput(label="Sourced", display_order=0, metadata={"probability": "0.2"}),
            PipelineStageInput(label="Won", display_order=1, metadata={"probability": "1.0", "isClosed": "true"}),
        ]))
    after = [o.value for o in core.get_by_name("deals", "dealstage").options]
    assert after == before + [s.id for s in sorted(created.stages, key=lambda s: s.display_order)]
    pipeline_opts = {p.name: p for p in core.get_all("deals").results}["pipeline"].options
    assert [o.value for o in pipeline_opts] == ["default", created.id]
    tickets = hs.crm.pipelines.pipelines_api.create("tickets", PipelineInput(
        label="Escalations", display_order=1, stages=[
            PipelineStageInput(label="Open", display_order=0, metadata={"ticketState": "OPEN"}),
            PipelineStageInput(label="Done", display_order=1, metadata={"ticketState": "CLOSED"})]))
    ticket_stages = [o.value for o in core.get_by_name("tickets", "hs_pipeline_stage").options]
    assert ticket_stages[-2:] == [s.id for s in sorted(tickets.stages, key=lambda s: s.display_order)]
    hs.crm.pipelines.pipelines_api.archive("deals", created.id)
    assert [o.value for o in core.get_by_name("deals", "dealstage").options] == before


def test_tree_of_real_defaults_converges_on_the_emulator(tmp_path: Path, emulator: EmulatorServer,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    # the team's portal has what gtm.yaml declares under portal: (created there outside gtm)
    hs = client(emulator)
    core = hs.crm.properties.core_api
    core.create("companies", PropertyCreate(name="fleet_size", label="Fleet size", type="number",
                                            field_type="number", group_name="companyinformation"))
    core.create("companies", PropertyCreate(
        name="erp_system", label="ERP system", type="enumeration", field_type="select",
        group_name="companyinformation",
        options=[Option(label=v, value=v, display_order=i, hidden=False)
                 for i, v in enumerate(["sap", "oracle_ebs", "netsuite"])]))
    company_type = core.get_by_name("companies", "type")
    core.update("companies", "type", PropertyUpdate(options=[
        *[Option(label=o.label, value=o.value, display_order=o.display_order, hidden=False)
          for o in company_type.options],
        Option(label="Carrier", value="CARRIER", display_order=len(company_type.options), hidden=False)]))

    ws = tmp_path / "ws"
    shutil.copytree(TREE / "specs", ws / "specs")
    portal = (TREE / "gtm.yaml").read_text()
    portal = portal[portal.index("\nportal:") + 1:portal.index("environments:")]
    (ws / "gtm.yaml").write_text(
        "version: 1\nname: catalog-e2e\n" + portal + "environments:\n"
        f"  emu:\n    provider: hubspot\n    token_env: {TOKEN_ENV}\n    base_url: '{emulator.base_url}'\n"
        f"{EMULATOR_MAPPINGS}default_environment: emu\n")
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    monkeypatch.chdir(ws)
    assert gtm("validate").exit_code == 0
    plan_apply_converge()


def test_declarations_the_portal_lacks_are_warnings_at_the_declaration(
        tmp_path: Path, emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch) -> None:
    ws = tmp_path / "ws"
    shutil.copytree(TREE / "specs", ws / "specs")
    (ws / "specs" / "tiers.yaml").unlink()  # the tiers name the declared properties; keep the rest
    (ws / "gtm.yaml").write_text(
        "version: 1\nname: catalog-e2e\nenvironments:\n"
        f"  emu:\n    provider: hubspot\n    token_env: {TOKEN_ENV}\n    base_url: '{emulator.base_url}'\n"
        f"{EMULATOR_MAPPINGS}"
        "    portal:\n      companies:\n        properties:\n          - {name: fleet_size, type: number}\n"
        "        options: {type: [CARRIER]}\n"
        "default_environment: emu\n")
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    monkeypatch.chdir(ws)
    r = gtm("plan", "--format", "json")
    found = {(d["code"], d["range"]["line"], d["range"]["col"]) for d in json.loads(r.stdout)["diagnostics"]
             if d["code"] in ("GTM320", "GTM321")}
    assert found == {("GTM320", 18, 20), ("GTM321", 19, 26)}


def _tree_on_emulator(tmp_path: Path, emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The catalog tree in a workspace aimed at the emulator, without the portal's extras."""
    ws = tmp_path / "ws"
    shutil.copytree(TREE / "specs", ws / "specs")
    tiers = ws / "specs" / "tiers.yaml"
    tiers.write_text(tiers.read_text().replace("        - {property: type, in: [PROSPECT, CARRIER]}\n", "")
                     .replace("        - {property: fleet_size, gte: 10}\n", "")
                     .replace("        - {property: erp_system, eq: sap}\n", ""))
    (ws / "gtm.yaml").write_text(
        "version: 1\nname: catalog-e2e\nenvironments:\n"
        f"  emu:\n    provider: hubspot\n    token_env: {TOKEN_ENV}\n    base_url: '{emulator.base_url}'\n"
        f"{EMULATOR_MAPPINGS}default_environment: emu\n")
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    monkeypatch.chdir(ws)
    return ws


def _line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def test_a_calculated_dropdown_reading_a_calculated_property_fails_at_plan(
        tmp_path: Path, emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """A tier (a calculated dropdown) or a score the bands write in place that reads a HubSpot
    calculation (``days_to_close``, ``hs_is_unworked``) is GTM502 at the leaf when planning, not a
    failed apply halfway (HubSpot's knowledge base: calculated dropdowns cannot read calculated
    properties; the emulator refuses such a formula)."""
    ws = _tree_on_emulator(tmp_path, emulator, monkeypatch)
    tiers = ws / "specs" / "tiers.yaml"
    tiers.write_text(tiers.read_text().replace("        - {property: notes_last_updated, known: true}\n",
                                               "        - {property: days_to_close, lte: 30}\n"))
    scoring = ws / "specs" / "scoring.yaml"
    scoring.write_text(scoring.read_text().replace(
        "  - {id: unsubscribed,", "  - {id: unworked, points: 5, when: {property: hs_is_unworked, eq: true}}\n"
                                 "  - {id: unsubscribed,"))
    tier_line = _line_of(tiers, "days_to_close")
    rule_line = _line_of(scoring, "hs_is_unworked")
    r = gtm("plan", "--format", "json")
    assert r.exit_code == 1, r.output
    found = {(d["code"], d["range"]["file"], d["range"]["line"]): d["summary"]
             for d in json.loads(r.stdout)["diagnostics"] if d["code"] == "GTM502"}
    assert set(found) == {("GTM502", "specs/tiers.yaml", tier_line), ("GTM502", "specs/scoring.yaml", rule_line)}
    assert "days_to_close is a calculated property" in found[("GTM502", "specs/tiers.yaml", tier_line)]
    assert "the bands write this score's rules in place" in found[("GTM502", "specs/scoring.yaml", rule_line)]
    # the score itself (a number) may read it: only the dropdowns cannot
    tiers.write_text(tiers.read_text().replace("        - {property: days_to_close, lte: 30}\n", ""))
    scoring.write_text(scoring.read_text().replace("hs_is_unworked, eq: true", "hs_email_optout, eq: false"))
    plan_apply_converge()


def _every_default(obj: str, formula: bool) -> list[dict[str, object]]:
    """A leaf on every catalog property of ``obj`` a condition can test: an enumeration's first and
    last values, a bool, a number, a date (``known`` in formulas, ``older_than_days`` in filters)
    and, in filters, text.  A formula (a tier, a score the bands write in place) skips calculation
    formulas, which a calculated dropdown cannot read (GTM502)."""
    out: list[dict[str, object]] = []
    for p in catalog.properties(obj):
        name, ptype = p["name"], p["type"]
        if formula and p["fieldType"] == "calculation_equation":
            continue
        if ptype == "enumeration":
            values = catalog.property_options(obj, name) if catalog.checked_options(obj, name) else ()
            out.append({"property": name, "in": sorted({values[0], values[-1]})} if values
                       else {"property": name, "known": True})
        elif ptype == "bool":
            out.append({"property": name, "eq": True})
        elif ptype == "number":
            out.append({"property": name, "gte": 1})
        elif ptype in ("date", "datetime"):
            out.append({"property": name, "known": True} if formula else {"property": name, "older_than_days": 3})
        elif ptype in ("string", "phone_number") and not formula:
            out.append({"property": name, "contains": "x"})
    return out


def _write_every_default_tree(ws: Path) -> int:
    import yaml

    specs = ws / "specs"
    specs.mkdir(parents=True)
    rules = [{"id": f"r{i}", "points": 1, "when": leaf} for i, leaf in enumerate(_every_default("contacts", True))]
    (specs / "scoring.yaml").write_text(yaml.safe_dump({
        "kind": "LeadScoring", "rules": rules, "mql": {"min_score": 40},
        "bands": [{"id": "hot", "min": 40, "route": "sales"}, {"id": "cold", "max": 39, "route": "marketing"}]},
        sort_keys=False))
    company = _every_default("companies", True)
    tiers = [{"id": f"tier-{i // 20 + 1}", "personalization": "account", "when": {"any": company[i:i + 20]}}
             for i in range(0, len(company), 20)]
    (specs / "tiers.yaml").write_text(yaml.safe_dump({"kind": "Tiers", "object": "companies", "tiers": tiers},
                                                     sort_keys=False))
    alerts = []
    for obj in ("deals", "companies", "contacts"):
        leaves = _every_default(obj, False)
        alerts += [{"kind": "AlertRule", "id": f"{obj}-{i}", "object": obj, "when": {"any": leaves[i:i + 40]},
                    "severity": "info", "notify": ["owner"]} for i in range(0, len(leaves), 40)]
    (specs / "alerts.yaml").write_text(yaml.safe_dump_all(alerts, sort_keys=False))
    return len(rules) + len(company) + sum(len(a["when"]["any"]) for a in alerts)  # type: ignore[index]


def test_every_default_property_by_its_internal_name(tmp_path: Path, emulator: EmulatorServer,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """A tree naming every property of a fresh portal a condition can test (scores, tiers, alerts on
    contacts, companies and deals) validates, applies and converges on the local provider and on the
    strict emulator."""
    ws = tmp_path / "ws"
    named = _write_every_default_tree(ws)
    assert named > 600
    (ws / "gtm.yaml").write_text(
        "version: 1\nname: every-default\nenvironments:\n  local: {provider: local}\n"
        f"  emu:\n    provider: hubspot\n    token_env: {TOKEN_ENV}\n    base_url: '{emulator.base_url}'\n"
        "default_environment: local\n")
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    monkeypatch.chdir(ws)
    r = gtm("validate")
    assert r.exit_code == 0, r.output
    plan_apply_converge()
    ws_file = ws / "gtm.yaml"
    ws_file.write_text(ws_file.read_text().replace("default_environment: local", "default_environment: emu"))
    plan_apply_converge()
