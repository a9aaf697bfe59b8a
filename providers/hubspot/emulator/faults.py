"""Injected latency and injected 5xx answers, driven by a seeded random generator, and targeted faults.

A request picked for failure is answered 502 or 503 in HubSpot's envelope *before*
its handler runs, so it changes nothing.  The generator is re-seeded whenever
``seed_random`` or ``error_rate`` is (re)configured, so a run is reproducible.

``fault_rules`` pick requests by method and path (a glob, ``*`` matching anything) for a given
number of ``times``: a status fault (``"503"`` …) answers before the handler runs, like the random
ones; ``"drop_answer"`` lets the handler run (the change lands) and then closes the connection
without sending an answer — a lost answer, as when a proxy or the network fails mid-request.
Rules are (re)armed whenever the emulator is configured.
"""

from __future__ import annotations

import fnmatch
import random
import threading
import time
from typing import Any

from .config import EmulatorConfig
from .errors import ApiError


class FaultInjector:
    """Decides, per request, whether to sleep and whether to fail."""

    def __init__(self, config: EmulatorConfig) -> None:
        self._config = config
        self._lock = threading.Lock()
        self._rng = random.Random(config.seed_random)
        self._armed: list[dict[str, Any]] = [dict(r) for r in config.fault_rules or []]

    def reseed(self) -> None:
        """Restart the random sequence from ``seed_random`` and re-arm the ``fault_rules``."""
        with self._lock:
            self._rng = random.Random(self._config.seed_random)
            self._armed = [dict(r) for r in self._config.fault_rules or []]

    def targeted(self, method: str, path: str) -> str | None:
        """The fault of the first armed rule matching this request (using up one of its ``times``)."""
        with self._lock:
            for rule in self._armed:
                if rule["times"] > 0 and rule["method"] == method.upper() and fnmatch.fnmatchcase(path, rule["path"]):
                    rule["times"] -= 1
                    return str(rule["fault"])
        return None

    @staticmethod
    def status_error(status: int) -> ApiError:
        """The envelope of an injected ``status`` answer."""
        if status == 503:
            return ApiError(503, "Service Unavailable: the emulator injected this failure.", "SERVICE_UNAVAILABLE")
        return ApiError(status, f"HTTP {status}: the emulator injected this failure.", "INTERNAL_ERROR")

    def delay(self) -> None:
        """Sleep ``latency_ms`` (outside any lock)."""
        if self._config.latency_ms > 0:
            time.sleep(self._config.latency_ms / 1000.0)

    def pick_failure(self) -> ApiError | None:
        """An injected 502/503, or ``None`` for a request that should go through."""
        rate = self._config.error_rate
        if rate <= 0.0:
            return None
        with self._lock:
            if self._rng.random() >= rate:
                return None
            status = 502 if self._rng.random() < 0.5 else 503
        if status == 502:
            return ApiError(502, "Bad Gateway: the emulator injected this failure.", "INTERNAL_ERROR")
        return ApiError(
            503, "Service Unavailable: the emulator injected this failure.", "SERVICE_UNAVAILABLE"
        )
