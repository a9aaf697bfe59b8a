"""Ownership on the local provider: gtm leaves unmarked objects alone and manages what a spec adopts."""

from __future__ import annotations

import json
from pathlib import Path

from compiler.catalog import DEFAULT_DEAL_STAGES
from compiler.ir import Resource
from compiler.plan import Change
from providers.local import LocalProvider
from tests.conftest import gtm

ADOPT = """kind: Pipeline
object: deals
id: default
label: Sales Pipeline
adopt: true
stages:
{stages}
"""


def test_unowned_live_objects_are_never_planned_for_deletion(example_ws: Path) -> None:
    assert gtm("apply", "--auto-approve").exit_code == 0
    db = LocalProvider(example_ws / ".gtm" / "local.db")
    mine = Resource("property", "contacts", "favourite_colour", {"label": "Favourite colour"})
    db.apply_change(Change("create", None, mine), db.read())
    plan = json.loads(gtm("plan", "--format", "json").stdout)
    assert plan["changes"] == []
    (example_ws / "specs" / "utm.yaml").unlink()
    plan = json.loads(gtm("plan", "--format", "json").stdout)
    deleted = {c["address"] for c in plan["changes"] if c["action"] == "delete"}
    assert deleted == {f"property.contacts.gtm_{t}_utm_{p}" for t in ("first", "last")
                       for p in ("source", "medium", "campaign")}


def test_the_default_pipeline_is_managed_only_when_adopted(example_ws: Path) -> None:
    plan = json.loads(gtm("plan", "--format", "json").stdout)
    assert "pipeline.deals.default" not in {c["address"] for c in plan["changes"]}
    stages = "\n".join(
        f"  - {{id: {sid}, label: {label}, probability: {0.3 if sid == 'qualifiedtobuy' else prob}"
        + (", closed: won" if sid == "closedwon" else ", closed: lost" if sid == "closedlost" else "") + "}"
        for sid, label, prob, _closed in DEFAULT_DEAL_STAGES)
    (example_ws / "specs" / "default-pipeline.yaml").write_text(ADOPT.replace("{stages}", stages))
    r = gtm("plan", "--detailed-exitcode")
    assert r.exit_code == 2, r.output
    assert '~ stages["qualifiedtobuy"].probability: 0.4 → 0.3' in r.stdout
    assert gtm("apply", "--auto-approve").exit_code == 0
    assert gtm("plan", "--detailed-exitcode").exit_code == 0
