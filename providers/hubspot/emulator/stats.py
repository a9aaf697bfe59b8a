"""Request counters: by endpoint template, by status, throttled, injected errors, dropped answers."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any


class Stats:
    """Thread-safe counters of every API request (control routes excluded)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._total = 0
        self._by_endpoint: Counter[str] = Counter()
        self._by_status: Counter[str] = Counter()
        self._throttled = 0
        self._injected = 0
        self._dropped = 0

    def record(self, endpoint: str, status: int, *, throttled: bool = False, injected: bool = False,
               dropped: bool = False) -> None:
        """Count one answered request."""
        with self._lock:
            self._total += 1
            self._by_endpoint[endpoint] += 1
            self._by_status[str(status)] += 1
            self._throttled += int(throttled)
            self._injected += int(injected)
            self._dropped += int(dropped)

    def snapshot(self) -> dict[str, Any]:
        """``{"total", "by_endpoint", "by_status", "throttled", "injected_errors", "dropped_answers"}``
        (a dropped answer is counted with the status the handler chose, which was never sent)."""
        with self._lock:
            return {
                "total": self._total,
                "by_endpoint": dict(sorted(self._by_endpoint.items())),
                "by_status": dict(sorted(self._by_status.items())),
                "throttled": self._throttled,
                "injected_errors": self._injected,
                "dropped_answers": self._dropped,
            }

    def reset(self) -> None:
        """Zero every counter."""
        with self._lock:
            self._total = self._throttled = self._injected = self._dropped = 0
            self._by_endpoint.clear()
            self._by_status.clear()
