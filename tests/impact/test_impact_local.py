"""Business impact in plans on the local provider: predictions match what an apply then computes."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from pathlib import Path

from tests.conftest import gtm


def _bump_pricing_rule(ws: Path, points: int) -> None:
    spec = ws / "specs" / "scoring.yaml"
    text = spec.read_text()
    assert "id: pricing-page, points: 15" in text
    spec.write_text(text.replace("id: pricing-page, points: 15", f"id: pricing-page, points: {points}"))


def _bands_in_db(ws: Path) -> dict[int, str | None]:
    """Band of every contact as the local provider computes it after an apply (its own read path)."""
    from providers.local.provider import LocalProvider

    p = LocalProvider(ws / ".gtm" / "local.db")
    try:
        return {r["id"]: r.get("gtm_lead_band") for r in p.records("contacts")}
    finally:
        p.close()


def _effect(plan: dict, address: str, label: str) -> dict:
    change = next(c for c in plan["changes"] if c["address"] == address)
    return next(e for e in change["impact"]["effects"] if e["label"] == label)


def test_rule_change_predicts_band_and_sla_moves(example_ws: Path) -> None:
    assert gtm("apply", "--auto-approve").exit_code == 0
    before = _bands_in_db(example_ws)
    _bump_pricing_rule(example_ws, 25)
    r = gtm("plan", "--format", "json")
    assert r.exit_code == 0, r.output
    plan = json.loads(r.stdout)
    assert plan["format_version"] == "1.1"
    assert plan["impact"]["status"] == "computed" and plan["impact"]["exact"] is True
    band = _effect(plan, "property.contacts.gtm_lead_score", "band")
    assert band["kind"] == "values" and band["transitions"], band
    # the prediction matches what the provider computes once the change is applied
    assert gtm("apply", "--auto-approve").exit_code == 0
    after = _bands_in_db(example_ws)
    assert band["before"] == dict(Counter(v for v in before.values() if v))
    assert band["after"] == dict(Counter(v for v in after.values() if v))
    moves = Counter((before[i], after[i]) for i in before if before[i] != after[i])
    assert {(t["from"], t["to"]): t["records"] for t in band["transitions"]} == dict(moves)
    for t in band["transitions"]:
        assert 0 < len(t["examples"]) <= 3
    text = gtm("plan", "--no-impact")
    assert "business impact" not in text.stdout


def test_transitions_name_the_records_that_move(example_ws: Path) -> None:
    assert gtm("apply", "--auto-approve").exit_code == 0
    db = example_ws / ".gtm" / "local.db"
    _bump_pricing_rule(example_ws, 40)
    plan = json.loads(gtm("plan", "--format", "json").stdout)
    band = _effect(plan, "property.contacts.gtm_lead_score", "band")
    assert gtm("apply", "--auto-approve").exit_code == 0
    from providers.local.provider import LocalProvider

    p = LocalProvider(db)
    now = {r["id"]: r.get("gtm_lead_band") for r in p.records("contacts")}
    p.close()
    for t in band["transitions"]:
        for rid in t["examples"]:
            assert now[int(rid)] == t["to"], (rid, t)


def test_text_markdown_and_no_impact(example_ws: Path) -> None:
    assert gtm("apply", "--auto-approve").exit_code == 0
    _bump_pricing_rule(example_ws, 25)
    text = gtm("plan").stdout
    assert "# business impact:" in text and "band: " in text
    assert "Impact (exact): contacts: all" in text
    md = gtm("plan", "--format", "markdown").stdout
    assert "### Business impact" in md and "| band `cool` |" in md
    plan = json.loads(gtm("plan", "--format", "json", "--no-impact").stdout)
    assert plan["impact"]["status"] == "skipped"
    assert all(not (c["impact"] or {}).get("effects") for c in plan["changes"])


def test_impact_limit_samples_and_says_so(example_ws: Path) -> None:
    assert gtm("apply", "--auto-approve").exit_code == 0
    _bump_pricing_rule(example_ws, 25)
    r = gtm("plan", "--impact-limit", "10")
    assert "warning[GTM651]: impact on contacts is estimated from 10 of 40 records" in r.stderr
    assert "Impact (estimated): contacts: sample of 10 of 40 records" in r.stdout
    plan = json.loads(gtm("plan", "--impact-limit", "10", "--format", "json").stdout)
    basis = plan["impact"]["basis"][0]
    assert basis == {**basis, "object": "contacts", "total": 40, "read": 10, "exact": False}
    assert basis["margin_pct"] > 0
    effects = [e for c in plan["changes"] for e in c["impact"]["effects"]]
    assert effects and all(e["estimated"] for e in effects)
    # an estimate scales counts up to the whole population
    band = next(e for e in effects if e["label"] == "band")
    assert sum(band["before"].values()) in range(36, 45)


def test_unreadable_records_warn_and_plan_without_impact(example_ws: Path) -> None:
    assert gtm("apply", "--auto-approve").exit_code == 0
    _bump_pricing_rule(example_ws, 25)
    conn = sqlite3.connect(example_ws / ".gtm" / "local.db")
    conn.execute("DROP TABLE records")
    conn.execute("CREATE TABLE records (object TEXT)")
    conn.commit()
    conn.close()
    r = gtm("plan")
    assert r.exit_code == 0, r.output
    assert "warning[GTM650]: cannot read contacts records" in r.stderr
    assert "Impact: not available" in r.stdout
