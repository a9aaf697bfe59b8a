"""The provider interface: read live resources, realise desired ones, apply changes, count impact.

Providers import only the compiler's IR, plan and diagnostics types.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from compiler.diagnostics import Diagnostic
from compiler.ir import Resource
from compiler.plan import Change


class ProviderError(Exception):
    """A provider operation failed; ``message`` is safe to show (no secrets)."""

    def __init__(self, message: str, *, status: int | None = None, retryable: bool = False,
                 code: str = "GTM601") -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.retryable = retryable
        self.code = code


class LockHeld(ProviderError):
    """Another apply holds the environment's lock."""

    def __init__(self, message: str, holder: dict[str, Any]) -> None:
        super().__init__(message, code="GTM605")
        self.holder = holder


@dataclass
class LiveState:
    """Everything a provider read: resources (owned or not) plus what it could not read."""

    resources: list[Resource] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def by_address(self) -> dict[str, Resource]:
        return {r.address: r for r in self.resources}


@dataclass
class RecordSample:
    """Records read for impact analysis: every record (``exact``) or an evenly spread sample."""

    records: list[dict[str, Any]]
    total: int
    exact: bool
    requests: int = 0


@dataclass(frozen=True)
class FollowOn:
    """A write a provider made beyond a planned change, because of it (HubSpot: a band formula
    rewritten over its score, which it carries in place); apply reports list it with the change."""

    address: str
    action: str
    detail: str

    def to_dict(self) -> dict[str, str]:
        return {"address": self.address, "action": self.action, "detail": self.detail}


class Report(Protocol):
    """How a provider reports one change of a wave: ``err`` None = done, else a safe message;
    ``also`` = the writes it made because of that change."""

    def __call__(self, change: Change, err: str | None, also: tuple[FollowOn, ...] = (), /) -> None: ...


class Provider(Protocol):
    """What ``gtm plan`` and ``gtm apply`` need from a CRM."""

    name: str

    def read(self) -> LiveState:
        """Read every live resource of the supported types, normalised to the IR."""
        ...

    def realize(self, desired: list[Resource]) -> tuple[list[Resource], list[Diagnostic]]:
        """Translate provider-neutral attributes into this provider's dialect (formulas, filters, flows)."""
        ...

    def count_records(self, obj: str, prop: str, value: str | None = None) -> int:
        """Records of ``obj`` with ``prop`` set (or equal to ``value``)."""
        ...

    def apply_change(self, change: Change, live: LiveState) -> None:
        """Carry out one change; raise :class:`ProviderError` on failure."""
        ...

    def apply_changes(self, changes: list[Change], live: LiveState, report: Report) -> None:
        """Carry out a wave of same-type changes (batched where the CRM allows); report each outcome
        (``None`` = done, else a safe error message, with any follow-on writes).  Raise only when
        the whole wave failed."""
        ...

    def read_records(self, obj: str, properties: list[str], limit: int) -> RecordSample:
        """Up to ``limit`` records of ``obj`` (each with its ``id`` and at least ``properties``,
        calculated ones as the CRM computes them); all of them when there are no more than ``limit``."""
        ...

    def move_records(self, obj: str, prop: str, from_value: str, to_value: str) -> int:
        """Move records from one property value to another (e.g. deals out of a stage)."""
        ...

    def acquire_lock(self, holder: dict[str, Any]) -> None:
        ...

    def release_lock(self, holder_id: str) -> None:
        ...

    def break_lock(self, holder_id: str | None = None) -> dict[str, Any] | None:
        """Remove the apply lock — only the one held by ``holder_id`` when given (a stale lock that
        another process may already have broken and re-taken); the holder removed, or None."""
        ...

    def close(self) -> None:
        ...


def apply_one(provider: Provider, change: Change, live: LiveState) -> None:
    """Apply a single change through ``apply_changes``; raise :class:`ProviderError` if it failed."""
    errors: list[str] = []

    def report(_c: Change, err: str | None, _also: tuple[FollowOn, ...] = (), /) -> None:
        if err:
            errors.append(err)

    provider.apply_changes([change], live, report)
    if errors:
        raise ProviderError(errors[0])
