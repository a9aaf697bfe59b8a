"""Units of the HubSpot provider: retry policy, pacing, error mapping, redaction, the writer's
create verification, and normalisation."""

from __future__ import annotations

import time

from compiler.ir import Resource
from compiler.lowering.context import prop_attrs
from compiler.plan import Change
from providers.hubspot import normalize as nz
from providers.hubspot.emulator.server import EmulatorServer
from providers.hubspot.http import RateLimiter, Redactor, make_retry, to_provider_error
from providers.hubspot.provider import HubSpotProvider
from tests.hubspot.conftest import TOKEN


def test_retry_policy_never_retries_a_failed_post_but_retries_429() -> None:
    r = make_retry()
    assert r.is_retry("POST", 429)
    assert not r.is_retry("POST", 503)
    assert r.is_retry("GET", 503) and r.is_retry("PATCH", 502) and r.is_retry("DELETE", 500)
    assert not r.is_retry("GET", 400)


def test_rate_limiter_learns_the_window_from_headers_and_paces() -> None:
    lim = RateLimiter(max_requests=100, interval=10.0, headroom=1.0)
    lim.observe({"X-HubSpot-RateLimit-Max": "3", "X-HubSpot-RateLimit-Interval-Milliseconds": "300"})
    assert (lim.max, lim.interval) == (3, 0.3)
    t = time.monotonic()
    for _ in range(6):
        lim.acquire()
    assert time.monotonic() - t >= 0.3, "the fourth request waited for the window"
    lim.observe({"X-HubSpot-RateLimit-Remaining": "0"})
    assert len(lim.sent) >= lim.max


def test_error_mapping_names_scopes_and_never_the_token() -> None:
    secret = "pat-na1-abc"
    body = {"status": "error", "message": f"token {secret} lacks scopes", "category": "MISSING_SCOPES",
            "errors": [{"context": {"requiredGranularScopes": ["crm.lists.write", "automation"]}}]}
    e = to_provider_error(403, body, "create lists", Redactor(secret), "HUBSPOT_TOKEN", "prod")
    assert e.code == "GTM606" and e.status == 403
    assert "automation, crm.lists.write" in e.message and secret not in e.message
    e = to_provider_error(503, b'{"message": "down", "category": "SERVICE_UNAVAILABLE"}', "read", Redactor(secret),
                          "HUBSPOT_TOKEN", "prod")
    assert e.retryable and "503 SERVICE_UNAVAILABLE: down" in e.message


def test_a_failed_batch_create_surfaces_hubspots_reason_without_retrying() -> None:
    with EmulatorServer(token=TOKEN) as emu:
        prov = HubSpotProvider(TOKEN, emu.base_url)
        live = prov.read()
        attrs = prop_attrs("X", "no_such_group", "string", "text")
        ch = Change("create", None, Resource("property", "contacts", "gtm_x", attrs))
        outcome: list[str | None] = []
        emu.reset_stats()
        prov.apply_changes([ch], live, lambda _c, err, *_also: outcome.append(err))
        assert outcome and outcome[0] and "no_such_group" in outcome[0]
        creates = emu.stats()["by_endpoint"].get("POST /crm/v3/properties/{objectType}/batch/create", 0)
        assert creates == 1


def test_pipeline_normalisation_reads_string_metadata() -> None:
    r = nz.pipeline("deals", {"id": "gtm-x", "label": "X", "displayOrder": 0, "stages": [
        {"id": "b", "label": "B", "displayOrder": 1, "metadata": {"probability": "0.30000001", "isClosed": "false"}},
        {"id": "a", "label": "A", "displayOrder": 0, "metadata": {"probability": "1.0", "isClosed": "true"}},
        {"id": "z", "label": "Z", "displayOrder": 2, "archived": True, "metadata": {}}]})
    assert r.attributes["stages"] == [
        {"id": "a", "label": "A", "display_order": 0, "probability": 1.0, "closed": True},
        {"id": "b", "label": "B", "display_order": 1, "probability": 0.3, "closed": False}]
    assert nz.stage_input(r.attributes["stages"][1])["metadata"] == {"probability": "0.3", "isClosed": "false"}
