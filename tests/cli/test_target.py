"""`--target` selects addresses and pulls in what they depend on; a target matching nothing warns."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import gtm


def test_target_pulls_in_dependencies(example_ws: Path) -> None:
    plan = json.loads(gtm("plan", "--target", "list.contacts.gtm-band-hot", "--format", "json").stdout)
    assert [c["address"] for c in plan["changes"]] == [
        "property_group.contacts.gtm", "property.contacts.gtm_lead_band", "property.contacts.gtm_lead_score",
        "list.contacts.gtm-band-hot"]
    r = gtm("apply", "--auto-approve", "--target", "workflow.gtm-sla-hot-inbound")
    assert r.exit_code == 0, r.output
    assert "Resources: 4 added" in r.stdout


def test_target_matching_nothing_warns(example_ws: Path) -> None:
    r = gtm("plan", "--target", "list.nope")
    assert r.exit_code == 0
    assert "warning[GTM613]: --target list.nope matches no resource" in r.stderr
