"""`gtm explain`: the score, band, route and tier of a record, rule by rule."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import gtm

VP = {"jobtitle": "VP Operations EMEA", "hs_analytics_num_page_views": 4, "industry": "RETAIL",
      "numemployees": "1000+", "country": "GB"}


def test_explain_a_hot_lead(example_ws: Path) -> None:
    r = gtm("explain", json.dumps(VP))
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert "gtm_lead_score = 35" in lines
    assert "  ✓   +15  pricing-page" in lines and "  ✓   +20  title-match" in lines
    assert "  ✗   -30  wrong-industry" in lines
    assert "gtm_lead_band = hot  (from gtm_lead_score = 35)" in lines
    assert "route = sales, SLA hot-inbound" in lines and "MQL = yes (threshold 30)" in lines
    assert "enrols in gtm-sla-hot-inbound" in lines
    assert lines.index("gtm_lead_score = 35") < lines.index("gtm_lead_band = hot  (from gtm_lead_score = 35)")


def test_explain_a_cold_lead_from_a_file(example_ws: Path) -> None:
    (example_ws / "rec.json").write_text(json.dumps({"jobtitle": "Intern", "hs_email_optout": "true"}))
    r = gtm("explain", "@rec.json")
    assert r.exit_code == 0
    assert "gtm_lead_score = -80" in r.stdout and "gtm_lead_band = cold" in r.stdout
    assert "route = marketing" in r.stdout and "MQL = no" in r.stdout


def test_explain_a_company_tier(example_ws: Path) -> None:
    r = gtm("explain", "--object", "companies", json.dumps(
        {"industry": "RETAIL", "numberofemployees": 300, "country": "GB", "web_technologies": "sap"}))
    assert "gtm_tier = tier-2  (first matching case wins)" in r.stdout
    assert "  ✗ tier-1" in r.stdout and "  ✓ tier-2" in r.stdout


def test_explain_rejects_bad_json(example_ws: Path) -> None:
    r = gtm("explain", "{not json")
    assert r.exit_code == 1 and "JSON object" in r.stderr
