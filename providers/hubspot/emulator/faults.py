"""Injected latency and injected 5xx answers, driven by a seeded random generator.

A request picked for failure is answered 502 or 503 in HubSpot's envelope *before*
its handler runs, so it changes nothing.  The generator is re-seeded whenever
``seed_random`` or ``error_rate`` is (re)configured, so a run is reproducible.
"""

from __future__ import annotations

import random
import threading
import time

from .config import EmulatorConfig
from .errors import ApiError


class FaultInjector:
    """Decides, per request, whether to sleep and whether to fail."""

    def __init__(self, config: EmulatorConfig) -> None:
        self._config = config
        self._lock = threading.Lock()
        self._rng = random.Random(config.seed_random)

    def reseed(self) -> None:
        """Restart the random sequence from ``seed_random``."""
        with self._lock:
            self._rng = random.Random(self._config.seed_random)

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
