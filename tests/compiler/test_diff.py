"""Units of the diff, the plan model, apply waves and saved-plan checks."""

from __future__ import annotations

import json

from compiler.diff import attribute_changes, diff_resources
from compiler.ir import Resource, owned
from compiler.plan import Change, Plan
from gtm.applying import waves
from gtm.saved_plan import check_saved_plan


def _p(name: str, **attrs: object) -> Resource:
    return Resource("property", "contacts", name, dict(attrs))


def test_keyed_lists_and_atomic_conditions() -> None:
    before = {"stages": [{"id": "a", "p": 0.1}, {"id": "b", "p": 0.2}], "when": {"property": "x", "eq": 1}}
    after = {"stages": [{"id": "a", "p": 0.1}, {"id": "n", "p": 0.3}, {"id": "b", "p": 0.2}],
             "when": {"property": "x", "eq": 2}}
    got = {(a.path, repr(a.before), repr(a.after)) for a in attribute_changes(before, after, "pipeline")}
    assert got == {('stages["n"]', "None", "{'id': 'n', 'p': 0.3}"),
                   ("when", "{'property': 'x', 'eq': 1}", "{'property': 'x', 'eq': 2}")}


def test_diff_creates_updates_and_deletes_only_owned() -> None:
    desired = [_p("gtm_a", label="A"), _p("gtm_b", label="B2")]
    live = [_p("gtm_b", label="B"), _p("gtm_old", label="O"), _p("custom", label="C"),
            Resource("property", "contacts", "gtm_ro", {"label": "R"}, readonly=True)]
    changes = diff_resources(desired, live, lambda r: owned(r))
    assert [(c.action, c.address) for c in changes] == [
        ("create", "property.contacts.gtm_a"), ("update", "property.contacts.gtm_b"),
        ("delete", "property.contacts.gtm_old")]
    plan = Plan("local", "local", changes)
    assert plan.summary_line() == "Plan: 1 to add, 1 to change, 1 to destroy."


def test_waves_layer_dependencies() -> None:
    score = Resource("property", "contacts", "gtm_lead_score", {})
    band = Resource("property", "contacts", "gtm_lead_band", {}, depends_on=(score.address,))
    group = Resource("property_group", "contacts", "gtm", {})
    lst = Resource("list", "contacts", "gtm-band-hot", {}, depends_on=(band.address,))
    creates = [Change("create", None, r) for r in (group, band, score, lst)]
    assert [[c.address for c in w] for w in waves(creates)] == [
        ["property_group.contacts.gtm"], ["property.contacts.gtm_lead_score"], ["property.contacts.gtm_lead_band"],
        ["list.contacts.gtm-band-hot"]]
    deletes = [Change("delete", band, None, []), Change("delete", score, None, [])]
    assert [[c.address for c in w] for w in waves(deletes)] == [
        ["property.contacts.gtm_lead_band"], ["property.contacts.gtm_lead_score"]]


def test_saved_plan_checks() -> None:
    cur = Plan("prod", "hubspot", [Change("create", None, _p("gtm_a"))], live_fingerprints={"x": "1"},
               spec_digest="d1")
    saved = {"environment": "prod", "spec_digest": "d1", "live_fingerprints": {"x": "1"},
             "changes": [json.loads(json.dumps(cur.changes[0].to_dict(), default=str))]}
    assert check_saved_plan(saved, cur, "prod") == []
    tampered = json.loads(json.dumps(saved))
    tampered["changes"][0]["after"]["label"] = "something a reviewer approved instead"
    refused = check_saved_plan(tampered, cur, "prod")
    assert refused and refused[0].code == "GTM607" and "property.contacts.gtm_a" in refused[0].summary
    assert check_saved_plan(saved, cur, "sandbox")[0].code == "GTM607"
    assert check_saved_plan({**saved, "spec_digest": "d0"}, cur, "prod")[0].code == "GTM607"
    stale = check_saved_plan({**saved, "live_fingerprints": {"x": "0", "y": "2"}}, cur, "prod")
    assert stale[0].code == "GTM604" and "x" in stale[0].summary and "y" in stale[0].summary
