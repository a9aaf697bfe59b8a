"""The value layout every plan view uses: conditions, durations, actions, nesting, line diffs."""

from __future__ import annotations

from compiler.diagnostics import SourceRange
from compiler.ir import Resource
from compiler.plan import AttrChange, Change, Plan
from gtm.views.markdown import render_plan_markdown
from gtm.views.plan_lines import attr_lines, diff_rows
from gtm.views.plan_text import render_plan
from gtm.views.values import action_text, duration_ms, inline, layout, leaf_text

STALE = {"all": [{"any": [{"all": [{"property": "dealstage", "eq": "gtm-nb-discovery"},
                                   {"property": "hs_time_in_gtm_nb_discovery", "gt": 14 * 86_400_000}]},
                          {"all": [{"property": "dealstage", "eq": "gtm-nb-pilot"},
                                   {"property": "hs_time_in_gtm_nb_pilot", "gt": 30 * 86_400_000}]}]},
                 {"property": "hs_is_closed", "eq": False}]}


def rows_text(v: object, key: str | None = None) -> list[str]:
    text, rows = layout(v, 0, key)
    return [text] if text is not None else ["  " * d + t for d, t in rows]


def test_leaves_read_as_property_op_value() -> None:
    assert leaf_text({"property": "industry", "in": ["RETAIL", "COMPUTER_SOFTWARE"]}) == \
        "industry in [RETAIL, COMPUTER_SOFTWARE]"
    assert leaf_text({"property": "jobtitle", "contains": "vp operations"}) == 'jobtitle contains "vp operations"'
    assert leaf_text({"property": "hs_email_optout", "eq": True}) == "hs_email_optout eq true"
    assert leaf_text({"property": "gtm_lead_band", "eq": "true"}) == 'gtm_lead_band eq "true"'  # a string, quoted
    assert leaf_text({"property": "numberofemployees", "between": [50, 1000]}) == \
        "numberofemployees between [50, 1000]"


def test_stage_timers_read_in_the_spec_units() -> None:
    assert duration_ms(14 * 86_400_000) == "14d"
    assert duration_ms(2 * 3_600_000) == "2h"
    assert duration_ms(90_000) == "90s"
    assert duration_ms(1500) == "1500ms"
    assert leaf_text({"property": "hs_time_in_gtm_x", "gt": 1_209_600_000}) == "hs_time_in_gtm_x gt 14d"
    # a number on any other property is just a number
    assert leaf_text({"property": "amount", "gt": 1_209_600_000}) == "amount gt 1209600000"


def test_a_nested_condition_is_one_leaf_per_line() -> None:
    assert rows_text(STALE, "enrollment") == [
        "all:",
        "  - any:",
        "      - all:",
        "          - dealstage eq gtm-nb-discovery",
        "          - hs_time_in_gtm_nb_discovery gt 14d",
        "      - all:",
        "          - dealstage eq gtm-nb-pilot",
        "          - hs_time_in_gtm_nb_pilot gt 30d",
        "  - hs_is_closed eq false",
    ]
    assert rows_text({"not": {"property": "a", "known": True}}) == ["not: a known true"]


def test_actions_are_numbered_steps_in_the_spec_words() -> None:
    acts = [{"type": "create_task", "title": "Respond within 2h", "assign_to": "sales", "due_in": "2h"},
            {"type": "delay", "duration": "2h"},
            {"type": "notify", "recipient": "owner_manager", "message": "breach"},
            {"type": "set_property", "property": "hs_lead_status", "value": "ATTEMPTED_TO_CONTACT"},
            {"type": "send_email", "email": "peer-story", "ask": "reply"},
            {"type": "copy_property", "property": "gtm_tier", "to_object": "contacts"},
            {"type": "webhook", "url": "https://x.example/h"}]
    assert rows_text(acts, "actions") == [
        '1. create task "Respond within 2h" for sales, due in 2h',
        "2. wait 2h",
        '3. notify owner_manager: "breach"',
        "4. set hs_lead_status = ATTEMPTED_TO_CONTACT",
        "5. send email peer-story (ask: reply)",
        "6. copy gtm_tier to contacts",
        '7. webhook {url: "https://x.example/h"}',
    ]
    assert action_text({"type": "delay", "duration": "3d", "extra": 1}) == "wait 3d {extra: 1}"


def test_long_values_are_laid_out_never_cut() -> None:
    options = [{"value": f"value-{i}", "label": f"A rather long label number {i} " * 3, "hidden": False}
               for i in range(30)]
    lines = rows_text(options, "options")
    assert len(lines) > 30
    joined = "\n".join(lines)
    assert "…" not in joined
    for i in range(30):
        assert f"value-{i}" in joined and f"A rather long label number {i} " * 3 in joined
    assert inline(["a"] * 200) is None  # too wide for one line: a block instead


def test_a_changed_condition_shows_only_the_changed_leaves_with_context() -> None:
    after = {"all": [{"any": [{"all": [{"property": "dealstage", "eq": "gtm-nb-discovery"},
                                       {"property": "hs_time_in_gtm_nb_discovery", "gt": 10 * 86_400_000}]},
                              {"all": [{"property": "dealstage", "eq": "gtm-nb-pilot"},
                                       {"property": "hs_time_in_gtm_nb_pilot", "gt": 30 * 86_400_000}]}]},
                     {"property": "hs_is_closed", "eq": False}]}
    lines = attr_lines(AttrChange("enrollment", STALE, after))
    assert lines[0].marker == "~" and lines[0].text == "enrollment:"
    changed = [(ln.marker, ln.text) for ln in lines if ln.marker in "+-"]
    assert changed == [("-", "- hs_time_in_gtm_nb_discovery gt 14d"), ("+", "- hs_time_in_gtm_nb_discovery gt 10d")]


def test_long_unchanged_runs_are_folded_with_a_count() -> None:
    old = [(1, f"- leaf{i} eq x") for i in range(40)]
    new = [*old[:20], (1, "- leaf20 eq y"), *old[21:]]
    lines = diff_rows(old, new)
    folds = [ln.text for ln in lines if ln.text.startswith("# (")]
    assert folds == ["# (18 unchanged lines hidden)", "# (17 unchanged lines hidden)"]
    assert sum(1 for ln in lines if ln.marker == " " and not ln.text.startswith("#")) == 2 + 2


def _plan() -> Plan:
    before = Resource("workflow", "deals", "gtm-alert-stale", {"object": "deals", "enrollment": STALE,
                                                              "actions": [{"type": "delay", "duration": "3d"}]})
    after_attrs = {**before.attributes, "actions": [{"type": "delay", "duration": "4d"}],
                   "enrollment": {**STALE, "all": [*STALE["all"], {"property": "amount", "gte": 5}]}}
    after = Resource("workflow", "deals", "gtm-alert-stale", after_attrs, SourceRange("specs/alerts.yaml", 3, 5),
                     origin="AlertRule")
    from compiler.diff import attribute_changes

    return Plan("local", "local", [Change("update", before, after,
                                          attribute_changes(before.attributes, after.attributes, "workflow"))])


def test_no_plan_line_ends_in_an_ellipsis_or_holds_json() -> None:
    plan = _plan()
    for text in (render_plan(plan), render_plan_markdown(plan)):
        for line in text.splitlines():
            assert not line.endswith("…"), line
            assert '{"' not in line, line
    text = render_plan(plan)
    assert '      ~ actions[0].duration: "3d" → "4d"  # step 1' in text
    assert "      +     - amount gte 5" in text
    md = render_plan_markdown(plan)
    assert '-  actions[0].duration: "3d"\n+  actions[0].duration: "4d"  # step 1' in md
    assert "```diff" in md


def test_colour_marks_only_markers() -> None:
    plain = render_plan(_plan())
    colored = render_plan(_plan(), color=True)
    assert "\x1b[" in colored and "\x1b[" not in plain
    import re

    assert re.sub(r"\x1b\[[0-9;]*m", "", colored) == plain
