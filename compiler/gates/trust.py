"""The trust rule: the ask must match the trust level a sequence has earned.

Trust levels run 0 unknown … 5 customer, and each ask needs a level
(:data:`compiler.models.sequence.ASK_TRUST`: read 0, connect 1, reply 2, meeting 3, demo 4,
proposal 4).  A sequence starts at ``start_trust``.  Where it *stands* before a step is the
higher of ``start_trust`` and the highest level asked by an earlier step; a step may ask at
most one level above that.  So from ``start_trust: 2`` the run read → connect → reply →
meeting passes, while a first step asking for a meeting from ``start_trust: 1`` fails.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from compiler.models.sequence import ASK_TRUST, TRUST_LEVELS

MAX_STEP_UP = 1


@dataclass(frozen=True)
class TrustViolation:
    """Step ``index`` (0-based) asks for ``ask`` (needs ``needed``) while standing at ``standing``."""

    index: int
    ask: str
    needed: int
    standing: int

    @property
    def allowed(self) -> int:
        return self.standing + MAX_STEP_UP

    def describe(self) -> str:
        return (f'step {self.index + 1} asks for a {self.ask} '
                f'(trust {self.needed}, {level_name(self.needed)}) '
                f'but the sequence stands at trust {self.standing} ({level_name(self.standing)}); '
                f'a step may ask for at most trust {self.allowed}')


def level_name(level: int) -> str:
    return TRUST_LEVELS.get(level, str(level))


def trust_violations(start_trust: int, asks: Iterable[str]) -> list[TrustViolation]:
    """Every step whose ask is more than one level above where the sequence stands."""
    out: list[TrustViolation] = []
    standing = start_trust
    for i, ask in enumerate(asks):
        needed = ASK_TRUST[ask]
        if needed > standing + MAX_STEP_UP:
            out.append(TrustViolation(i, ask, needed, standing))
        standing = max(standing, needed)
    return out


def bridge(standing: int, needed: int) -> list[str]:
    """Asks that would earn the missing levels, lowest first (for the fix hint)."""
    out: list[str] = []
    for level in range(standing + 1, needed):
        names = [a for a, v in ASK_TRUST.items() if v == level]
        if names:
            out.append(names[0])
    return out
