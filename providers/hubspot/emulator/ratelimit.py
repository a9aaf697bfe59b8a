"""Rolling-window and daily rate limits with HubSpot's headers and 429 bodies.

Headers on every response: ``X-HubSpot-RateLimit-Max``, ``-Remaining``,
``-Interval-Milliseconds``, ``-Daily``, ``-Daily-Remaining``.  With
``rate_limit_per_10s`` unset the window is still counted (so ``Remaining`` moves) but
nothing is refused; ``Max`` then reports 190, the private-app burst limit of
Professional and Enterprise portals.  Only admitted requests use up the window.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass

from .config import EmulatorConfig
from .errors import ApiError

UNTHROTTLED_MAX = 190


@dataclass(frozen=True)
class Decision:
    """Outcome of :meth:`RateLimiter.admit`: ``policy`` names the limit hit, if any."""

    policy: str | None
    headers: dict[str, str]


class RateLimiter:
    """Counts requests in a rolling window and per day, thread-safely."""

    def __init__(self, config: EmulatorConfig) -> None:
        self._config = config
        self._lock = threading.Lock()
        self._window: deque[float] = deque()
        self._daily = 0

    def _trim(self, now: float) -> None:
        horizon = now - self._config.rate_limit_window_ms / 1000.0
        while self._window and self._window[0] <= horizon:
            self._window.popleft()

    def _headers(self) -> dict[str, str]:
        limit = self._config.rate_limit_per_10s or UNTHROTTLED_MAX
        return {
            "X-HubSpot-RateLimit-Max": str(limit),
            "X-HubSpot-RateLimit-Remaining": str(max(limit - len(self._window), 0)),
            "X-HubSpot-RateLimit-Interval-Milliseconds": str(self._config.rate_limit_window_ms),
            "X-HubSpot-RateLimit-Daily": str(self._config.daily_limit),
            "X-HubSpot-RateLimit-Daily-Remaining": str(max(self._config.daily_limit - self._daily, 0)),
        }

    def admit(self) -> Decision:
        """Admit one request, or name the policy (``TEN_SECONDLY_ROLLING``/``DAILY``) refusing it."""
        with self._lock:
            now = time.monotonic()
            self._trim(now)
            limit = self._config.rate_limit_per_10s
            if self._daily >= self._config.daily_limit:
                return Decision("DAILY", self._headers())
            if limit is not None and len(self._window) >= limit:
                return Decision("TEN_SECONDLY_ROLLING", self._headers())
            self._window.append(now)
            self._daily += 1
            return Decision(None, self._headers())

    def peek(self) -> dict[str, str]:
        """Current headers without counting a request."""
        with self._lock:
            self._trim(time.monotonic())
            return self._headers()


def throttled(policy: str) -> ApiError:
    """The 429 HubSpot sends when ``policy`` is exhausted (plus ``Retry-After: 1``)."""
    message = (
        "You have reached your daily limit."
        if policy == "DAILY"
        else "You have reached your ten_secondly_rolling limit."
    )
    body = {
        "status": "error",
        "message": message,
        "errorType": "RATE_LIMIT",
        "category": "RATE_LIMITS",
        "policyName": policy,
    }
    return ApiError(429, message, "RATE_LIMITS", headers={"Retry-After": "1"}, body=body)
