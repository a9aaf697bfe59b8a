"""Throttling (429), injected latency and 5xx, stats, and the HTTP control routes."""

from __future__ import annotations

import time
import uuid

import pytest
import requests
from hubspot import HubSpot
from hubspot.crm.pipelines import ApiException as PipelinesApiException
from hubspot.crm.properties import ApiException as PropertiesApiException

from providers.hubspot.emulator.server import EmulatorServer

from .conftest import TOKEN, body_of

pytestmark = pytest.mark.emulator


def test_rolling_window_answers_429_with_policy(emulator: EmulatorServer, plain_client: HubSpot) -> None:
    emulator.configure(rate_limit_per_10s=3)
    api = plain_client.crm.pipelines.pipelines_api
    remaining = [
        int(api.get_all_with_http_info("deals")[2]["X-HubSpot-RateLimit-Remaining"]) for _ in range(3)
    ]
    assert remaining == [2, 1, 0]
    with pytest.raises(PipelinesApiException) as info:
        api.get_all("deals")
    body = body_of(info.value)
    assert info.value.status == 429
    assert body["status"] == "error" and body["errorType"] == "RATE_LIMIT"
    assert body["category"] == "RATE_LIMITS" and body["policyName"] == "TEN_SECONDLY_ROLLING"
    uuid.UUID(body["correlationId"])
    assert info.value.headers["Retry-After"] == "1"
    assert info.value.headers["X-HubSpot-RateLimit-Max"] == "3"
    assert info.value.headers["X-HubSpot-RateLimit-Remaining"] == "0"
    stats = emulator.stats()
    assert stats["throttled"] == 1 and stats["by_status"] == {"200": 3, "429": 1}


def test_daily_limit(emulator: EmulatorServer, plain_client: HubSpot) -> None:
    emulator.configure(daily_limit=2)
    plain_client.crm.pipelines.pipelines_api.get_all("deals")
    plain_client.crm.pipelines.pipelines_api.get_all("deals")
    with pytest.raises(PipelinesApiException) as info:
        plain_client.crm.pipelines.pipelines_api.get_all("deals")
    assert body_of(info.value)["policyName"] == "DAILY"
    assert info.value.headers["X-HubSpot-RateLimit-Daily-Remaining"] == "0"


def test_retrying_client_gets_through_a_throttle(emulator: EmulatorServer, retrying_client: HubSpot) -> None:
    emulator.configure(rate_limit_per_10s=2, rate_limit_window_ms=1000)
    started = time.monotonic()
    results = [retrying_client.crm.properties.core_api.get_by_name("contacts", "email") for _ in range(4)]
    assert all(r.name == "email" for r in results)  # every call eventually answered 200
    stats = emulator.stats()
    assert stats["throttled"] >= 1 and stats["by_status"]["429"] == stats["throttled"]
    assert stats["by_status"]["200"] == 4
    assert time.monotonic() - started >= 0.9  # honoured Retry-After / the window


def test_writes_are_retried_too_when_allowed(emulator: EmulatorServer, retrying_client: HubSpot) -> None:
    emulator.configure(rate_limit_per_10s=1, rate_limit_window_ms=500)
    for name in ("gtm_a", "gtm_b"):
        created = retrying_client.crm.properties.groups_api.create("contacts", {"name": name, "label": name})
        assert created.name == name
    assert emulator.stats()["by_endpoint"]["POST /crm/v3/properties/{objectType}/groups"] >= 3


def test_latency_is_injected(emulator: EmulatorServer, client: HubSpot) -> None:
    emulator.configure(latency_ms=150)
    started = time.monotonic()
    client.crm.properties.groups_api.get_all("contacts")
    assert time.monotonic() - started >= 0.15
    emulator.configure(latency_ms=0)
    started = time.monotonic()
    client.crm.properties.groups_api.get_all("contacts")
    assert time.monotonic() - started < 0.15


def test_injected_errors_are_5xx_envelopes_that_change_nothing(
    emulator: EmulatorServer, client: HubSpot
) -> None:
    emulator.configure(error_rate=1.0, seed_random=7)
    with pytest.raises(PropertiesApiException) as info:
        client.crm.properties.groups_api.create("contacts", {"name": "gtm", "label": "GTM"})
    assert info.value.status in (502, 503)
    body = body_of(info.value)
    assert body["status"] == "error" and body["correlationId"]
    emulator.configure(error_rate=0.0)
    assert "gtm" not in [g.name for g in client.crm.properties.groups_api.get_all("contacts").results]
    assert emulator.stats()["injected_errors"] == 1


def test_error_rate_is_a_seeded_fraction(emulator: EmulatorServer) -> None:
    def run() -> list[int]:
        emulator.configure(error_rate=0.3, seed_random=42)
        headers = {"Authorization": f"Bearer {TOKEN}"}
        with requests.Session() as session:
            return [
                session.get(
                    f"{emulator.base_url}/crm/v3/pipelines/deals", headers=headers, timeout=5
                ).status_code
                for _ in range(60)
            ]

    first, second = run(), run()
    assert first == second  # same seed, same sequence
    failures = [s for s in first if s != 200]
    assert set(failures) <= {502, 503} and 6 <= len(failures) <= 30


def test_retrying_client_survives_injected_errors(emulator: EmulatorServer, retrying_client: HubSpot) -> None:
    emulator.configure(error_rate=0.4, seed_random=3)
    for i in range(5):
        assert (
            retrying_client.crm.properties.groups_api.create("contacts", {"name": f"g{i}", "label": "G"}).name
            == f"g{i}"
        )
    stats = emulator.stats()
    assert stats["injected_errors"] >= 1
    assert stats["by_status"]["201"] == 5


def test_stats_count_by_route_template_and_reset(emulator: EmulatorServer, client: HubSpot) -> None:
    client.crm.properties.core_api.get_all("contacts")
    client.crm.properties.core_api.get_all("deals")
    client.crm.properties.core_api.get_by_name("contacts", "email")
    with pytest.raises(PropertiesApiException):
        client.crm.properties.core_api.get_by_name("contacts", "nope")
    stats = emulator.stats()
    assert stats["total"] == 4
    assert stats["by_endpoint"] == {
        "GET /crm/v3/properties/{objectType}": 2,
        "GET /crm/v3/properties/{objectType}/{propertyName}": 2,
    }
    assert stats["by_status"] == {"200": 3, "404": 1}
    emulator.reset_stats()
    assert emulator.stats() == {
        "total": 0,
        "by_endpoint": {},
        "by_status": {},
        "throttled": 0,
        "injected_errors": 0,
        "dropped_answers": 0,
    }


def test_control_routes_over_http(emulator: EmulatorServer) -> None:
    url = f"{emulator.base_url}/_emulator"
    auth = {"Authorization": f"Bearer {TOKEN}"}
    assert requests.get(f"{url}/config", timeout=5).status_code == 401
    config = requests.post(f"{url}/config", json={"rate_limit_per_10s": 1}, headers=auth, timeout=5)
    assert config.status_code == 200 and config.json()["rate_limit_per_10s"] == 1
    assert emulator.runtime.config.rate_limit_per_10s == 1
    bad = requests.post(f"{url}/config", json={"error_rate": 2}, headers=auth, timeout=5)
    assert bad.status_code == 400 and "error_rate" in bad.json()["message"]
    unknown = requests.post(f"{url}/config", json={"turbo": True}, headers=auth, timeout=5)
    assert unknown.status_code == 400
    pipelines = f"{emulator.base_url}/crm/v3/pipelines/deals"
    assert requests.get(pipelines, headers=auth, timeout=5).status_code == 200
    assert requests.get(pipelines, headers=auth, timeout=5).status_code == 429
    stats = requests.get(f"{url}/stats", headers=auth, timeout=5).json()
    assert stats["total"] == 2 and stats["throttled"] == 1  # control calls are not counted or throttled
    assert requests.post(f"{url}/reset-stats", headers=auth, timeout=5).json()["total"] == 0
    assert requests.get(f"{url}/config", headers=auth, timeout=5).json()["granted_scopes"] is None


def test_configure_validates(emulator: EmulatorServer) -> None:
    for bad in (
        {"rate_limit_per_10s": 0},
        {"latency_ms": -1},
        {"error_rate": 1.5},
        {"archived_name_reuse": "yes"},
        {"fault_rules": {"method": "GET"}},
        {"fault_rules": [{"method": "GET", "path": "x", "fault": "503"}]},
        {"fault_rules": [{"method": "GET", "path": "/x", "fault": "418"}]},
        {"fault_rules": [{"method": "GET", "path": "/x", "fault": "503", "times": 0}]},
        {"fault_rules": [{"method": "GET", "path": "/x", "fault": "503", "when": "now"}]},
    ):
        with pytest.raises(ValueError):
            emulator.configure(**bad)


def test_default_client_retries_a_429_with_retry_after(emulator: EmulatorServer, client: HubSpot) -> None:
    emulator.configure(rate_limit_per_10s=1, rate_limit_window_ms=600)
    client.crm.pipelines.pipelines_api.get_all("deals")
    assert client.crm.pipelines.pipelines_api.get_all("deals").results  # urllib3's default Retry(3)
    assert emulator.stats()["throttled"] == 1


def test_servers_are_independent() -> None:
    with EmulatorServer(token="a") as one, EmulatorServer(token="b", seed=False) as two:
        assert one.base_url != two.base_url
        ones = (
            HubSpot(access_token="a", host=one.base_url).crm.pipelines.pipelines_api.get_all("deals").results
        )
        twos = (
            HubSpot(access_token="b", host=two.base_url).crm.pipelines.pipelines_api.get_all("deals").results
        )
        assert [p.id for p in ones] == ["default"] and twos == []


# -- targeted faults (fault_rules) -----------------------------------------------------------------
def test_targeted_503_fails_only_the_chosen_request_once_and_changes_nothing(
    emulator: EmulatorServer, plain_client: HubSpot
) -> None:
    emulator.configure(fault_rules=[{"method": "POST", "path": "/crm/v3/properties/contacts/groups",
                                     "fault": "503", "times": 1}])
    api = plain_client.crm.properties.groups_api
    assert api.get_all("contacts").results  # other requests go through
    with pytest.raises(PropertiesApiException) as info:
        api.create("contacts", {"name": "probe", "label": "Probe"})
    assert info.value.status == 503 and body_of(info.value)["category"] == "SERVICE_UNAVAILABLE"
    assert "probe" not in {g.name for g in api.get_all("contacts").results}, "the handler never ran"
    assert api.create("contacts", {"name": "probe", "label": "Probe"}).name == "probe"  # used up
    assert emulator.stats()["injected_errors"] == 1


def test_drop_answer_applies_the_request_and_sends_nothing(emulator: EmulatorServer, client: HubSpot) -> None:
    """The lost answer: the change lands, the connection closes with no status line at all."""
    emulator.configure(fault_rules=[{"method": "POST", "path": "/crm/v3/properties/*/groups",
                                     "fault": "drop_answer"}])
    url = f"{emulator.base_url}/crm/v3/properties/contacts/groups"
    auth = {"Authorization": f"Bearer {TOKEN}"}
    with pytest.raises(requests.ConnectionError):
        requests.post(url, json={"name": "lost", "label": "Lost"}, headers=auth, timeout=5)
    names = {g.name for g in client.crm.properties.groups_api.get_all("contacts").results}
    assert "lost" in names, "the request was applied although its answer was dropped"
    again = requests.post(url, json={"name": "lost", "label": "Lost"}, headers=auth, timeout=5)
    assert again.status_code == 409  # the rule fired once; the retry meets the object it made
    stats = emulator.stats()
    assert stats["dropped_answers"] == 1 and stats["by_status"]["201"] == 1


def test_fault_rules_over_http(emulator: EmulatorServer) -> None:
    url = f"{emulator.base_url}/_emulator/config"
    auth = {"Authorization": f"Bearer {TOKEN}"}
    rules = [{"method": "put", "path": "/automation/v4/flows/*", "fault": "drop_answer", "times": 2}]
    got = requests.post(url, json={"fault_rules": rules}, headers=auth, timeout=5).json()
    assert got["fault_rules"] == [{"method": "PUT", "path": "/automation/v4/flows/*", "fault": "drop_answer",
                                   "times": 2}]
