"""Run-time switches of the emulator (throttling, latency, faults, scopes, quirks).

They can be changed while the server runs, from Python (``EmulatorServer.configure``)
or over HTTP (``POST /_emulator/config``); both go through :meth:`EmulatorConfig.update`,
which validates every value before applying any.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any


@dataclass
class EmulatorConfig:
    """All switches; the defaults describe a healthy, unthrottled Enterprise portal."""

    rate_limit_per_10s: int | None = None  # None: never throttle (headers still sent)
    rate_limit_window_ms: int = 10_000  # the rolling window; tests may shorten it
    daily_limit: int = 1_000_000
    latency_ms: int = 0
    error_rate: float = 0.0  # fraction of requests answered 502/503 without being applied
    seed_random: int = 0
    archived_name_reuse: bool = True  # may a new property take an archived property's name?
    granted_scopes: list[str] | None = None  # None: every scope granted
    # targeted faults, each {"method", "path" (a glob), "fault", "times"}: see faults.FaultInjector.targeted
    fault_rules: list[dict[str, Any]] | None = None
    # TEST-ONLY seed switch: accept a filter whose operation type does not fit the property's type
    # (rule R2 of filter_rules.py), to seed a list or flow as an older gtm wrote it, as in a portal
    # where the property changed type after the list was made.  HubSpot has no such switch.
    legacy_filter_shapes: bool = False
    # the portal's time zone (an IANA name), served at GET /account-info/v3/details and used for
    # INDEXED time points whose timezoneSource is PORTAL or USER (CUSTOM ones carry their own zoneId)
    time_zone: str = "UTC"

    def update(self, **options: Any) -> None:
        """Validate and apply ``options``; raise ``ValueError`` naming the first bad one."""
        known = {f.name for f in fields(self)}
        checked: dict[str, Any] = {}
        for key, value in options.items():
            if key not in known:
                raise ValueError(f"unknown emulator option {key!r}; known: {', '.join(sorted(known))}")
            checked[key] = _check(key, value)
        for key, value in checked.items():
            setattr(self, key, value)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready copy of every switch."""
        return asdict(self)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check(key: str, value: Any) -> Any:
    if key == "rate_limit_per_10s":
        if value is None or (_is_int(value) and value > 0):
            return value
        raise ValueError("rate_limit_per_10s must be a positive integer or null")
    if key in ("rate_limit_window_ms", "daily_limit"):
        if _is_int(value) and value > 0:
            return value
        raise ValueError(f"{key} must be a positive integer")
    if key in ("latency_ms", "seed_random"):
        if _is_int(value) and value >= 0:
            return value
        raise ValueError(f"{key} must be a non-negative integer")
    if key == "error_rate":
        if isinstance(value, int | float) and not isinstance(value, bool) and 0.0 <= value <= 1.0:
            return float(value)
        raise ValueError("error_rate must be a number between 0.0 and 1.0")
    if key in ("archived_name_reuse", "legacy_filter_shapes"):
        if isinstance(value, bool):
            return value
        raise ValueError(f"{key} must be true or false")
    if key == "fault_rules":
        return _fault_rules(value)
    if key == "time_zone":
        return _time_zone(value)
    if value is None or (isinstance(value, list | tuple | set) and all(isinstance(s, str) for s in value)):
        return None if value is None else sorted(set(value))
    raise ValueError("granted_scopes must be a list of scope names or null")


FAULTS = ("500", "502", "503", "504", "drop_answer")


def _fault_rules(value: Any) -> list[dict[str, Any]] | None:
    """``[{"method": "PUT", "path": "/automation/v4/flows/*", "fault": "drop_answer", "times": 1}]``."""
    if value is None:
        return None
    if not isinstance(value, list):
        raise ValueError("fault_rules must be a list of rules or null")
    rules = []
    for rule in value:
        if not isinstance(rule, dict) or set(rule) - {"method", "path", "fault", "times"}:
            raise ValueError("each fault rule is an object with method, path, fault and times")
        method, path, fault, times = rule.get("method"), rule.get("path"), rule.get("fault"), rule.get("times", 1)
        if not isinstance(method, str) or not method.isalpha():
            raise ValueError("a fault rule's method must be an HTTP method such as POST")
        if not isinstance(path, str) or not path.startswith("/"):
            raise ValueError("a fault rule's path must be a path (glob) starting with /")
        if str(fault) not in FAULTS:
            raise ValueError(f"a fault rule's fault must be one of {', '.join(FAULTS)}")
        if not _is_int(times) or times < 1:
            raise ValueError("a fault rule's times must be a positive integer")
        rules.append({"method": method.upper(), "path": path, "fault": str(fault), "times": times})
    return rules


def _time_zone(value: Any) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    if isinstance(value, str) and value.strip():
        try:
            ZoneInfo(value.strip())
            return value.strip()
        except (ZoneInfoNotFoundError, ValueError):
            pass
    raise ValueError("time_zone must be an IANA time zone name such as UTC or America/New_York")
