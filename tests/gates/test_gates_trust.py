"""The trust rule: a step may ask at most one level above where the sequence stands."""

from __future__ import annotations

import pytest

from compiler.gates.trust import MAX_STEP_UP, bridge, level_name, trust_violations
from compiler.models.sequence import ASK_TRUST


def test_read_connect_reply_meeting_from_two_passes() -> None:
    assert trust_violations(2, ["read", "connect", "reply", "meeting"]) == []


def test_first_step_meeting_from_one_fails() -> None:
    (v,) = trust_violations(1, ["meeting"])
    assert (v.index, v.ask, v.needed, v.standing, v.allowed) == (0, "meeting", 3, 1, 2)
    assert "step 1 asks for a meeting" in v.describe()
    assert "trust 1 (aware)" in v.describe()


@pytest.mark.parametrize(("start", "asks", "bad"), [
    (0, ["read", "connect", "reply", "meeting", "demo", "proposal"], []),   # one level at a time
    (0, ["connect"], []),                                                  # 1 <= 0 + 1
    (0, ["reply"], [0]),                                                   # 2 > 0 + 1
    (1, ["read", "reply", "meeting"], []),                                 # read earns nothing, reply is 1 up
    (1, ["read", "read", "meeting"], [2]),                                 # reading does not raise trust
    (2, ["demo"], [0]),                                                    # demo needs 4
    (3, ["demo", "proposal"], []),                                         # proposal is also 4
    (4, ["proposal"], []),
    (5, ["proposal", "read"], []),                                         # customers may be asked anything
    (0, ["connect", "meeting", "demo"], [1]),                              # only the first jump is reported
    (2, ["reply", "demo", "meeting"], [1]),
])
def test_table(start: int, asks: list[str], bad: list[int]) -> None:
    assert [v.index for v in trust_violations(start, asks)] == bad


def test_a_violating_step_still_counts_as_asked() -> None:
    # the rule compares with the highest level *asked*: after a (reported) meeting, a demo is one up
    assert [v.index for v in trust_violations(1, ["meeting", "demo"])] == [0]


def test_every_ask_has_a_level_within_the_scale() -> None:
    assert set(ASK_TRUST) == {"read", "connect", "reply", "meeting", "demo", "proposal"}
    assert all(0 <= v <= 5 for v in ASK_TRUST.values())
    assert MAX_STEP_UP == 1


def test_bridge_names_the_asks_that_earn_the_missing_levels() -> None:
    assert bridge(1, 3) == ["reply"]
    assert bridge(0, 4) == ["connect", "reply", "meeting"]
    assert bridge(2, 3) == []


def test_level_names() -> None:
    assert [level_name(i) for i in range(6)] == ["unknown", "aware", "interested", "engaged", "trusting",
                                                 "customer"]
    assert level_name(9) == "9"
