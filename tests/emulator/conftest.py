"""Fixtures: a live emulator on a free 127.0.0.1 port, and official clients pointed at it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from hubspot import HubSpot
from urllib3.util.retry import Retry

from providers.hubspot.emulator.server import EmulatorServer

TOKEN = "pat-test-emulator"


@pytest.fixture
def emulator() -> Iterator[EmulatorServer]:
    """A freshly seeded emulator, stopped after the test."""
    with EmulatorServer(token=TOKEN, seed=True) as emu:
        yield emu


@pytest.fixture
def client(emulator: EmulatorServer) -> HubSpot:
    """The official client, every API (and ``api_request``) aimed at the emulator."""
    return HubSpot(access_token=TOKEN, host=emulator.base_url, base_url=emulator.base_url)


@pytest.fixture
def retrying_client(emulator: EmulatorServer) -> HubSpot:
    """The official client with urllib3 retries on 429/5xx for every verb."""
    retry = Retry(
        total=5,
        backoff_factor=0.05,
        status_forcelist=(429, 500, 502, 503, 504),
        allowed_methods=None,
        raise_on_status=False,
    )
    return HubSpot(access_token=TOKEN, host=emulator.base_url, base_url=emulator.base_url, retry=retry)


@pytest.fixture
def plain_client(emulator: EmulatorServer) -> HubSpot:
    """The official client with urllib3 retries off, so a single 429 is seen as such.

    (Without ``retry``, urllib3's default ``Retry(3)`` already retries a 429 that carries
    ``Retry-After`` on idempotent methods.)
    """
    no_retry = Retry(total=0, respect_retry_after_header=False, raise_on_status=False)
    return HubSpot(access_token=TOKEN, host=emulator.base_url, base_url=emulator.base_url, retry=no_retry)


def body_of(exc: Any) -> dict[str, Any]:
    """The parsed JSON body of a client ``ApiException``."""
    raw = exc.body.decode() if isinstance(exc.body, bytes) else exc.body
    return json.loads(raw)


def call(client: HubSpot, method: str, path: str, body: Any = None, qs: dict[str, Any] | None = None) -> Any:
    """``client.api_request`` (the ``requests``-based raw call) returning the response."""
    options: dict[str, Any] = {"method": method, "path": path}
    if body is not None:
        options["body"] = body
    if qs:
        options["qs"] = qs
    return client.api_request(options)
