"""`gtm sample-data`: deterministic, realistic records in the local provider; never into a real portal by accident."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from gtm.sample_data import companies, contacts
from tests.conftest import gtm


def test_same_seed_same_records_and_plausible_shares() -> None:
    cos = companies(400, seed=3)
    assert cos == companies(400, seed=3) and cos != companies(400, seed=4)
    people = contacts(2000, cos, seed=3)
    optout = sum(p["hs_email_optout"] == "true" for p in people) / len(people)
    assert 0.02 < optout < 0.07
    views = sorted(int(p["hs_analytics_num_page_views"]) for p in people)
    assert views[len(views) // 2] <= 3 < views[-1]  # skewed: most did little, a few did a lot
    assert len(Counter(p["jobtitle"] for p in people)) >= 10
    by_domain = {c["domain"]: c for c in cos}
    for p in people[:50]:  # a contact's firmographics are its company's
        assert p["industry"] == by_domain[p["email"].split("@")[1]]["industry"]


def test_local_records_are_replaced(example_ws: Path) -> None:
    r = gtm("sample-data", "--contacts", "1200", "--companies", "200", "--deals", "100")
    assert r.exit_code == 0, r.output
    assert 'Replaced the records of "local": 200 companies, 1,200 contacts, 100 deals (seed 7).' in r.stdout
    from providers.local.provider import LocalProvider

    p = LocalProvider(example_ws / ".gtm" / "local.db")
    try:
        assert len(p.records("contacts")) == 1200 and len(p.records("deals")) == 100
        stages = {d["dealstage"] for d in p.records("deals")}
        assert stages and all(d["pipeline"] == "default" for d in p.records("deals"))
    finally:
        p.close()
    again = gtm("sample-data", "--contacts", "1200", "--companies", "200", "--deals", "100")
    assert again.exit_code == 0
    plan = gtm("plan")
    assert "Impact (exact): companies: all 200 records; contacts: all 1,200 records" in plan.stdout


def test_refuses_protected_and_remote_portals(example_ws: Path) -> None:
    r = gtm("sample-data", "-e", "production")
    assert r.exit_code == 1 and 'environment "production" is protected' in r.stderr
    r = gtm("sample-data", "-e", "sandbox")
    assert r.exit_code == 1 and "refusing to add synthetic records" in r.stderr
