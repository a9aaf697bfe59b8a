"""gtm plan/apply against the HubSpot emulator through the official client: convergence, drift,
retries under throttling and injected 5xx, and request counts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from providers.hubspot.emulator.server import EmulatorServer
from tests.conftest import REPO, gtm, plan_apply_converge
from tests.hubspot.conftest import TOKEN, client, write_workspace


def test_example_plans_applies_and_converges(hs_ws: Path, emulator: EmulatorServer) -> None:
    again = plan_apply_converge()
    assert "No changes." in again.stdout
    # what landed in the portal, read back through the official client's own models
    hs = client(emulator)
    props = {p.name: p for p in hs.crm.properties.core_api.get_all("contacts").results}
    assert props["gtm_lead_score"].field_type == "calculation_equation"
    assert props["gtm_lead_score"].calculation_formula
    pipes = {p.id: p for p in hs.crm.pipelines.pipelines_api.get_all("deals").results}
    stages = pipes["gtm-new-business"].stages
    assert [s.metadata["probability"] for s in stages] == ["0.1", "0.4", "0.6", "0.8", "1.0", "0.0"]
    flows = hs.api_request({"method": "GET", "path": "/automation/v4/flows"}).json()["results"]
    assert {f["name"] for f in flows} >= {"gtm-sla-hot-inbound", "gtm-seq-vp-ops-nurture", "gtm-alert-stale-deal"}
    assert all(f["isEnabled"] is False for f in flows if f["name"].startswith("gtm-"))


@pytest.mark.parametrize("tree", ["scaffold", "changes"])
def test_other_trees_converge(tree: str, tmp_path: Path, emulator: EmulatorServer,
                              monkeypatch: pytest.MonkeyPatch) -> None:
    ws = tmp_path / tree
    write_workspace(ws, emulator.base_url, specs=REPO / "tests" / "golden" / "trees" / tree / "specs")
    monkeypatch.setenv("GTM_E2E_TOKEN", TOKEN)
    monkeypatch.chdir(ws)
    assert gtm("plan", "--detailed-exitcode").exit_code == 2
    r = gtm("apply", "--auto-approve")
    assert r.exit_code == 0, r.output
    assert gtm("plan", "--detailed-exitcode").exit_code == 0


def test_spec_edit_after_apply_is_an_update_that_converges(hs_ws: Path) -> None:
    assert gtm("apply", "--auto-approve").exit_code == 0
    p = hs_ws / "specs" / "pipeline.yaml"
    p.write_text(p.read_text().replace("label: Pilot, probability: 0.6", "label: Pilot, probability: 0.7"))
    s = hs_ws / "specs" / "scoring.yaml"
    s.write_text(s.read_text().replace("points: 15,", "points: 12,"))
    t = hs_ws / "specs" / "tiers.yaml"
    t.write_text(t.read_text().replace("gte: 1000}", "gte: 800}"))
    r = gtm("plan", "--detailed-exitcode")
    assert r.exit_code == 2
    assert '~ stages["gtm-new-business-pilot"].probability: 0.6 → 0.7' in r.stdout
    assert "~ property.contacts.gtm_lead_score" in r.stdout and "~ property.companies.gtm_tier" in r.stdout
    assert gtm("apply", "--auto-approve").exit_code == 0
    assert gtm("plan", "--detailed-exitcode").exit_code == 0


def test_out_of_band_edit_shows_as_drift(hs_ws: Path, emulator: EmulatorServer) -> None:
    assert gtm("apply", "--auto-approve").exit_code == 0
    hs = client(emulator)
    hs.crm.properties.core_api.update("contacts", "gtm_lead_band", {"label": "Band (edited in HubSpot)"})
    r = gtm("plan", "--detailed-exitcode")
    assert r.exit_code == 2
    assert "~ property.contacts.gtm_lead_band" in r.stdout
    assert '~ label: "Band (edited in HubSpot)" → "GTM · Lead band"' in r.stdout
    assert "Plan: 0 to add, 1 to change, 0 to destroy." in r.stdout


def test_unowned_objects_are_left_alone(hs_ws: Path, emulator: EmulatorServer) -> None:
    hs = client(emulator)
    hs.crm.properties.core_api.create("contacts", {"name": "favourite_colour", "label": "Favourite colour",
                                                   "type": "string", "fieldType": "text",
                                                   "groupName": "contactinformation"})
    assert gtm("apply", "--auto-approve").exit_code == 0
    (hs_ws / "specs" / "utm.yaml").unlink()
    plan = json.loads(gtm("plan", "--format", "json").stdout)
    deleted = {c["address"] for c in plan["changes"] if c["action"] == "delete"}
    assert deleted and all(a.startswith("property.contacts.gtm_") for a in deleted)
    assert "property.contacts.favourite_colour" not in deleted


def test_apply_converges_under_throttling_and_injected_5xx(hs_ws: Path, emulator: EmulatorServer) -> None:
    emulator.configure(rate_limit_per_10s=100, rate_limit_window_ms=10_000, error_rate=0.05, seed_random=7)
    emulator.reset_stats()
    r = gtm("apply", "--auto-approve")
    assert r.exit_code == 0, r.output
    stats = emulator.stats()
    assert stats["injected_errors"] > 0, "the test injected 5xx answers"
    emulator.configure(rate_limit_per_10s=None, error_rate=0.0)
    again = gtm("plan", "--detailed-exitcode")
    assert again.exit_code == 0, again.output
    hs = client(emulator)
    names = [p.name for p in hs.crm.properties.core_api.get_all("contacts").results]
    assert len(names) == len(set(names)), "no duplicates"
    flows = hs.api_request({"method": "GET", "path": "/automation/v4/flows"}).json()["results"]
    flow_names = [f["name"] for f in flows]
    assert len(flow_names) == len(set(flow_names)), "no duplicate workflows"


def test_throttled_portal_gets_429s_that_are_retried(hs_ws: Path, emulator: EmulatorServer) -> None:
    """10 requests per second, shared with another integration that uses the same portal: gtm paces
    itself from the rate-limit headers, still meets 429s (the other app spends the budget) and retries."""
    import threading

    import requests

    emulator.configure(rate_limit_per_10s=10, rate_limit_window_ms=1_000)
    emulator.reset_stats()
    stop = threading.Event()

    def other_integration() -> None:
        s = requests.Session()
        while not stop.is_set():
            s.get(f"{emulator.base_url}/crm/v3/properties/deals", headers={"Authorization": f"Bearer {TOKEN}"},
                  timeout=5)
            stop.wait(0.15)

    t = threading.Thread(target=other_integration, daemon=True)
    t.start()
    try:
        r = gtm("apply", "--auto-approve")
    finally:
        stop.set()
        t.join()
    assert r.exit_code == 0, r.output
    stats = emulator.stats()
    assert stats["throttled"] > 0, "the portal answered 429s, and the apply still succeeded"
    emulator.configure(rate_limit_per_10s=None)
    assert gtm("plan", "--detailed-exitcode").exit_code == 0


def test_plan_reads_with_few_requests(hs_ws: Path, emulator: EmulatorServer) -> None:
    assert gtm("apply", "--auto-approve").exit_code == 0
    emulator.reset_stats()
    assert gtm("plan", "--detailed-exitcode").exit_code == 0
    total = emulator.stats()["total"]
    # groups + properties for 4 objects, deal and ticket pipelines, list search + read, flow listing +
    # batch read, owners + marketing emails (the mapped ids exist), and the portal's time zone once (the
    # example's stale-deal alert counts days from today)
    by_endpoint = emulator.stats()["by_endpoint"]
    assert total <= 17, by_endpoint
    assert by_endpoint.get("GET /account-info/v3/details") == 1, by_endpoint


def test_removing_every_spec_but_the_icp_destroys_cleanly(hs_ws: Path, emulator: EmulatorServer) -> None:
    assert gtm("apply", "--auto-approve").exit_code == 0
    for f in (hs_ws / "specs").glob("*.yaml"):
        if f.name != "icp.yaml":
            f.unlink()
    r = gtm("apply", "--auto-approve", "--allow-destroy")
    assert r.exit_code == 0, r.output
    assert gtm("plan", "--detailed-exitcode").exit_code == 0
    hs = client(emulator)
    assert not [p.name for p in hs.crm.properties.core_api.get_all("contacts").results if p.name.startswith("gtm_")]
    assert "gtm-new-business" not in {p.id for p in hs.crm.pipelines.pipelines_api.get_all("deals").results}


def test_reads_sent_as_post_are_retried_on_5xx(hs_ws: Path, emulator: EmulatorServer) -> None:
    """A list search and a flow batch read are POSTs that only read: a 5xx on them is retried like a
    GET's (a create's 5xx is not: the writer reads first)."""
    assert gtm("apply", "--auto-approve").exit_code == 0
    for seed in range(2):
        emulator.configure(error_rate=0.4, seed_random=seed)
        emulator.reset_stats()
        r = gtm("plan", "--detailed-exitcode")
        assert r.exit_code == 0, r.output
        assert emulator.stats()["injected_errors"] > 0
    emulator.configure(error_rate=0.0)
