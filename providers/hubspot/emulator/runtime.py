"""The per-server bundle of state, switches and counters, and how handlers reach it."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app

from .config import EmulatorConfig
from .faults import FaultInjector
from .ratelimit import RateLimiter
from .state import PortalState
from .stats import Stats

EXTENSION_KEY = "hubspot_emulator"


@dataclass
class Runtime:
    """One emulator instance: its token, portal state, switches and counters."""

    token: str
    state: PortalState = field(default_factory=PortalState)
    config: EmulatorConfig = field(default_factory=EmulatorConfig)
    stats: Stats = field(default_factory=Stats)
    limiter: RateLimiter = field(init=False)
    faults: FaultInjector = field(init=False)

    def __post_init__(self) -> None:
        self.limiter = RateLimiter(self.config)
        self.faults = FaultInjector(self.config)

    def configure(self, **options: object) -> None:
        """Apply switches (validated as a whole) and re-seed the fault generator."""
        self.config.update(**options)
        self.faults.reseed()


def runtime() -> Runtime:
    """The :class:`Runtime` of the app handling the current request."""
    value = current_app.extensions[EXTENSION_KEY]
    assert isinstance(value, Runtime)
    return value


def portal() -> PortalState:
    """Shortcut for ``runtime().state``."""
    return runtime().state
