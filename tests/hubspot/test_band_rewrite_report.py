"""A HubSpot band formula carries its score in place: a score written by an apply (updated, or
created again) rewrites the band's formula, and the apply report lists that rewrite with the
score's change, in text and in ``apply --format json``.  Through the official client, against
the emulator."""

from __future__ import annotations

import json
from pathlib import Path

from providers.hubspot.emulator.server import EmulatorServer
from tests.conftest import gtm
from tests.hubspot.conftest import client

SCORE, BAND = "property.contacts.gtm_lead_score", "property.contacts.gtm_lead_band"


def _more_points(ws: Path) -> None:
    p = ws / "specs" / "scoring.yaml"
    assert "points: 15" in p.read_text()
    p.write_text(p.read_text().replace("points: 15", "points: 25", 1))


def _band_formula(emu: EmulatorServer) -> str:
    return str(client(emu).crm.properties.core_api.get_by_name("contacts", "gtm_lead_band").calculation_formula)


def _score_change(report: dict[str, object]) -> dict[str, object]:
    changes = report["changes"]
    assert isinstance(changes, list)
    return next(c for c in changes if c["address"] == SCORE)


def test_a_score_update_reports_its_band_rewrite(hs_ws: Path, emulator: EmulatorServer) -> None:
    assert gtm("apply", "--auto-approve").exit_code == 0
    before = _band_formula(emulator)
    _more_points(hs_ws)
    r = gtm("apply", "--auto-approve", "--format", "json")
    assert r.exit_code == 0, r.output
    report = json.loads(r.stdout)
    assert [c["address"] for c in report["changes"]] == [SCORE]  # the plan shows the score once
    also = _score_change(report)["also"]
    assert [(a["address"], a["action"]) for a in also] == [(BAND, "update")], also
    assert SCORE in also[0]["detail"]
    after = _band_formula(emulator)
    assert after != before and "25" in after  # the band's formula carries the new points
    assert gtm("plan", "--detailed-exitcode").exit_code == 0


def test_the_text_report_lists_the_band_rewrite(hs_ws: Path) -> None:
    assert gtm("apply", "--auto-approve").exit_code == 0
    _more_points(hs_ws)
    r = gtm("apply", "--auto-approve")
    assert r.exit_code == 0, r.output
    assert "Also written, because of the changes above:" in r.stdout, r.stdout
    assert f"  ~ {BAND}: formula rewritten over the new calculation of {SCORE}" in r.stdout, r.stdout
    assert f"(with {SCORE})" in r.stdout
    assert r.stdout.index("Also written") < r.stdout.index("Apply complete!")


def test_a_score_created_again_rewrites_the_band_over_it(hs_ws: Path, emulator: EmulatorServer) -> None:
    """The score was archived in HubSpot while its band stayed; the spec now gives it more points.
    The apply creates the score and rewrites the band, so the next plan has nothing to do."""
    assert gtm("apply", "--auto-approve").exit_code == 0
    before = _band_formula(emulator)
    client(emulator).crm.properties.core_api.archive("contacts", "gtm_lead_score")
    _more_points(hs_ws)
    plan = json.loads(gtm("plan", "--format", "json").stdout)
    assert [(c["address"], c["action"]) for c in plan["changes"]] == [(SCORE, "create")]
    r = gtm("apply", "--auto-approve", "--format", "json")
    assert r.exit_code == 0, r.output
    also = _score_change(json.loads(r.stdout))["also"]
    assert [a["address"] for a in also] == [BAND], also
    assert _band_formula(emulator) != before
    again = gtm("plan", "--detailed-exitcode")
    assert again.exit_code == 0, again.output
