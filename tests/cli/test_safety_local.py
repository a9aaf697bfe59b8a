"""Safety on the local provider: destroy protection with record counts, stage moves, saved plans,
locks and the journal."""

from __future__ import annotations

import json
from pathlib import Path

from providers.local import LocalProvider
from tests.conftest import gtm


def _db(ws: Path) -> LocalProvider:
    return LocalProvider(ws / ".gtm" / "local.db")


def test_deleting_a_property_with_values_needs_allow_destroy(example_ws: Path) -> None:
    assert gtm("apply", "--auto-approve").exit_code == 0
    (example_ws / "specs" / "scoring.yaml").unlink()
    (example_ws / "specs" / "slas.yaml").unlink()
    plan = json.loads(gtm("plan", "--format", "json").stdout)
    score = next(c for c in plan["changes"] if c["address"] == "property.contacts.gtm_lead_score")
    assert score["action"] == "delete" and score["needs_allow_destroy"]
    db = _db(example_ws)
    with_values = db.count_records("contacts", "gtm_lead_score")
    assert with_values > 0 and score["impact"]["records"] == with_values
    r = gtm("apply", "--auto-approve")
    assert r.exit_code == 1 and "error[GTM603]" in r.stderr
    assert "property.contacts.gtm_lead_score" in r.stderr
    addrs = {x.address for x in db.read().resources}
    assert "property.contacts.gtm_lead_score" in addrs, "nothing was deleted"
    r = gtm("apply", "--auto-approve", "--allow-destroy")
    assert r.exit_code == 0, r.output
    assert "property.contacts.gtm_lead_score" not in {x.address for x in _db(example_ws).read().resources}


def test_protected_environment_refuses_every_delete(example_ws: Path) -> None:
    ws = example_ws / "gtm.yaml"
    ws.write_text(ws.read_text().replace("local:      {provider: local, path: .gtm/local.db}",
                                         "local:      {provider: local, path: .gtm/local.db, protected: true}"))
    assert gtm("apply", "--auto-approve").exit_code == 0
    (example_ws / "specs" / "alerts.yaml").unlink()
    r = gtm("apply", "--auto-approve")
    assert r.exit_code == 1 and "GTM603" in r.stderr and "protected" in r.stderr
    assert "workflow.gtm-alert-stale-deal" in {x.address for x in _db(example_ws).read().resources}


def test_removing_a_stage_with_deals_needs_moved_to(example_ws: Path) -> None:
    assert gtm("apply", "--auto-approve").exit_code == 0
    db = _db(example_ws)
    db.add_records("deals", [{"dealname": f"d{i}", "pipeline": "gtm-new-business",
                              "dealstage": "gtm-new-business-pilot"} for i in range(3)])
    p = example_ws / "specs" / "pipeline.yaml"
    text = p.read_text()
    start = text.index("  - {id: pilot")
    end = text.index("  - {id: negotiation")
    p.write_text(text[:start] + text[end:])
    r = gtm("plan")
    assert r.exit_code == 1
    assert 'stage "gtm-new-business-pilot" of pipeline.deals.gtm-new-business holds 3 deals' in r.stderr
    p.write_text(text[:start] + text[end:] + "removed_stages:\n  - {id: pilot, moved_to: evaluation}\n")
    r = gtm("plan")
    assert r.exit_code == 0, r.output
    assert "moves 3 record(s): dealstage gtm-new-business-pilot → gtm-new-business-evaluation" in r.stdout
    assert gtm("apply", "--auto-approve").exit_code == 0
    db = _db(example_ws)
    assert db.count_records("deals", "dealstage", "gtm-new-business-pilot") == 0
    assert db.count_records("deals", "dealstage", "gtm-new-business-evaluation") == 3


def test_saved_plan_applies_when_nothing_moved(example_ws: Path) -> None:
    r = gtm("plan", "--out", "plan.json")
    assert r.exit_code == 0
    saved = json.loads((example_ws / "plan.json").read_text())
    assert saved["format_version"] == "1.1" and saved["kind"] == "gtm-saved-plan"
    r = gtm("apply", "plan.json")
    assert r.exit_code == 0, r.output
    assert gtm("plan", "--detailed-exitcode").exit_code == 0


def test_saved_plan_is_refused_when_stale(example_ws: Path) -> None:
    assert gtm("apply", "--auto-approve").exit_code == 0
    p = example_ws / "specs" / "tiers.yaml"
    p.write_text(p.read_text().replace("Tier 2 — target", "Tier 2 — targets"))
    assert gtm("plan", "--out", "plan.json").exit_code == 0
    # someone edits the live CRM out of band
    db = _db(example_ws)
    live = {r.address: r for r in db.read().resources}
    tier = live["property.companies.gtm_tier"]
    from compiler.plan import Change

    db.apply_change(Change("update", tier, tier.with_attributes({**tier.attributes, "label": "edited in UI"})),
                    db.read())
    before = json.dumps(sorted((r.address, r.attributes) for r in _db(example_ws).read().resources), default=str)
    r = gtm("apply", "plan.json")
    assert r.exit_code == 1
    assert "error[GTM604]" in r.stderr and "stale" in r.stderr and "property.companies.gtm_tier" in r.stderr
    after = json.dumps(sorted((r.address, r.attributes) for r in _db(example_ws).read().resources), default=str)
    assert before == after, "a refused plan changes nothing"


def test_saved_plan_from_other_specs_or_env_is_refused(example_ws: Path) -> None:
    assert gtm("plan", "--out", "plan.json").exit_code == 0
    p = example_ws / "specs" / "alerts.yaml"
    p.write_text(p.read_text().replace("severity: warning", "severity: critical"))
    r = gtm("apply", "plan.json")
    assert r.exit_code == 1 and "GTM607" in r.stderr and "different specs" in r.stderr
    p.write_text(p.read_text().replace("severity: critical", "severity: warning"))
    data = json.loads((example_ws / "plan.json").read_text())
    data["environment"] = "sandbox"
    (example_ws / "plan.json").write_text(json.dumps(data))
    r = gtm("apply", "-e", "local", "plan.json")
    assert r.exit_code == 1 and "GTM607" in r.stderr


def test_garbage_plan_file(example_ws: Path) -> None:
    (example_ws / "plan.json").write_bytes(b"\x00\xffnot json")
    r = gtm("apply", "plan.json")
    assert r.exit_code == 1 and "GTM610" in r.stderr


def test_a_held_lock_refuses_a_second_apply_and_unlock_breaks_it(example_ws: Path) -> None:
    db = _db(example_ws)
    db.acquire_lock({"id": "other", "user": "alice", "command": "gtm apply"})
    r = gtm("apply", "--auto-approve")
    assert r.exit_code == 1
    assert "error[GTM605]" in r.stderr and "alice" in r.stderr and "gtm unlock -e local" in r.stderr
    assert gtm("plan", "--detailed-exitcode").exit_code == 2, "nothing applied"
    assert gtm("unlock", "--yes").exit_code == 0
    assert gtm("apply", "--auto-approve").exit_code == 0


def test_journal_records_a_complete_apply(example_ws: Path) -> None:
    assert gtm("apply", "--auto-approve").exit_code == 0
    from gtm.journal import Journal

    j = Journal.previous(example_ws, "local")
    assert j is not None
    assert j["status"] == "complete" and j["entries"] and all(e["status"] == "done" for e in j["entries"])
