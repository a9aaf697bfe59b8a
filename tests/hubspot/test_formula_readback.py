"""HubSpot formulas read back into the calculation they came from, so a plan against HubSpot shows
the same attribute paths as the local provider (``calculation.rules["pricing-page"].points``)."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compiler.backends.hubspot_formula import calculation_to_formula
from compiler.calculations import compute
from compiler.conditions.ast import to_data
from compiler.lowering import lower
from compiler.project import load_project
from providers.hubspot import formula_read as fr
from providers.hubspot.emulator import formula as emulator
from providers.hubspot.emulator.server import EmulatorServer
from providers.hubspot.provider import HubSpotProvider
from tests.backends.support import TYPES, Record, conditions_st, records_st, types_of
from tests.conftest import REPO, gtm
from tests.hubspot.conftest import TOKEN, TOKEN_ENV, client, write_workspace

T = types_of(TYPES)


def _compile(calc: dict[str, Any]) -> str | None:
    inline = calc.get("source_calculation")
    return calculation_to_formula(calc, T, None, {calc["source"]: inline} if inline else None)[0]


@st.composite
def calcs(draw: st.DrawFn) -> dict[str, Any]:
    conds = draw(st.lists(conditions_st(max_leaves=4), min_size=1, max_size=4))
    kind = draw(st.sampled_from(["score", "first_match", "bands", "inline_bands"]))
    score = {"kind": "score", "rules": [
        {"id": f"r-{i}", "points": draw(st.integers(-50, 50)), "when": to_data(c)} for i, c in enumerate(conds)]}
    if kind == "score":
        return score
    if kind == "first_match":
        return {"kind": "first_match", "cases": [{"value": f"v{i}", "when": to_data(c)} for i, c in enumerate(conds)],
                "default": draw(st.sampled_from([None, "other"]))}
    edges = sorted(draw(st.lists(st.integers(-60, 60), min_size=2, max_size=5, unique=True)))
    bands = [{"value": f"b{i}", "min": lo, "max": hi - 1} for i, (lo, hi) in enumerate(itertools.pairwise(edges))]
    bands.append({"value": "top", "min": edges[-1], "max": None})
    if draw(st.booleans()):
        bands[0]["min"] = None
    if kind == "bands":
        return {"kind": "bands", "source": "n1", "bands": bands}
    return {"kind": "bands", "source": "score", "bands": bands, "source_calculation": score}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(calc=calcs(), recs=st.lists(records_st(), min_size=1, max_size=3))
def test_normal_form_reads_back_exactly_and_means_the_same(calc: dict[str, Any], recs: list[Record]) -> None:
    normal, text = fr.canonical(calc, _compile)
    assert text is not None
    assert fr.decompile(text, fr.meta_of(normal), _compile) == normal  # read-back of what is sent
    assert fr.canonical(normal, _compile) == (normal, text)  # a fixed point
    expr = emulator.parse(text)
    for rec in recs:
        full = dict(rec)
        if "source_calculation" in calc:
            full["score"] = str(compute(calc["source_calculation"], rec))
            assert compute(normal, {**rec, "score": str(compute(normal["source_calculation"], rec))}) == \
                compute(calc, full)
        assert compute(normal, full) == compute(calc, full), (normal, rec)
        assert emulator.evaluate(expr, rec, TYPES) == compute(calc, full), (text, rec)


def test_description_metadata_round_trips() -> None:
    calc = {"kind": "score", "rules": [{"id": "pricing-page", "points": 15, "when": {"all": []}},
                                       {"id": "skipped", "points": 1, "when": None}]}
    suffix = fr.meta_suffix(calc)
    assert suffix == " [gtm kind=score rules=pricing-page]"
    assert fr.split_description("Lead score" + suffix) == ("Lead score", {"kind": "score", "rules": "pricing-page"})
    assert fr.split_description("plain [not ours]") == ("plain [not ours]", {})


def test_a_foreign_formula_reads_as_opaque_text() -> None:
    meta = {"kind": "score", "rules": "a"}
    assert fr.decompile("(if coalesce(x, 0) > 1 then 5 else 0)", meta, _compile) is None
    assert fr.decompile("(if (if is_present(n1) then n1 > 1 else false) then 5 else 0)", meta, _compile) == {
        "kind": "score", "rules": [{"id": "a", "points": 5, "when": {"property": "n1", "gt": 1}}]}
    # same meaning, other spelling: not gtm's text, so it is rewritten rather than trusted
    assert fr.decompile("(if (if is_present(n1) then n1 > 1 else false) then 5 else 0 )", meta, _compile) is None


# -- both providers, one spec change ----------------------------------------------------------------------
def _plan(env: str) -> list[dict[str, Any]]:
    r = gtm("plan", "-e", env, "--format", "json")
    assert r.exit_code in (0, 2), r.output
    return list(json.loads(r.stdout)["changes"])


def _paths(changes: list[dict[str, Any]], address: str) -> list[str]:
    return sorted(a["path"] for c in changes if c["address"] == address for a in c.get("attributes") or [])


def test_a_scoring_change_has_the_same_path_on_both_providers(hs_ws: Path, emulator: EmulatorServer) -> None:
    for env in ("emu", "local"):
        assert gtm("apply", "-e", env, "--auto-approve").exit_code == 0
        assert gtm("plan", "-e", env, "--detailed-exitcode").exit_code == 0  # converged, nothing to do
    live = {p.name: p for p in client(emulator).crm.properties.core_api.get_all("contacts").results}
    assert live["gtm_lead_score"].description.endswith("rules=pricing-page,title-match,demo-request,"
                                                       "repeat-converter,wrong-industry,unsubscribed]")
    # the live formulas are exactly what a fresh compile of the specs would send
    project = load_project(hs_ws)
    offline = HubSpotProvider("pat-offline", "http://127.0.0.1:9")
    realized, _ = offline.realize(list(lower(project.specs).resources))
    sent = {r.name: offline.formula_for(r) for r in realized if r.type == "property" and r.object == "contacts"}
    for name in ("gtm_lead_score", "gtm_lead_band"):
        assert live[name].calculation_formula == sent[name]
    band_formula = live["gtm_lead_band"].calculation_formula
    assert "gtm_lead_score" not in band_formula and len(band_formula) > len(live["gtm_lead_score"].calculation_formula)

    s = hs_ws / "specs" / "scoring.yaml"
    s.write_text(s.read_text().replace("{id: pricing-page, points: 15,", "{id: pricing-page, points: 25,"))
    emu_changes, local_changes = _plan("emu"), _plan("local")
    path = 'calculation.rules["pricing-page"].points'
    assert _paths(emu_changes, "property.contacts.gtm_lead_score") == [path]
    assert _paths(local_changes, "property.contacts.gtm_lead_score") == [path]
    [change] = [a for c in emu_changes if c["address"] == "property.contacts.gtm_lead_score" for a in c["attributes"]]
    assert (change["before"], change["after"]) == (15, 25)
    # HubSpot's band formula holds the score in place: the plan shows the change once, at the score,
    # as the local provider does, and the apply rewrites the band's formula with it
    assert [c["address"] for c in emu_changes] == [c["address"] for c in local_changes]
    assert gtm("apply", "-e", "emu", "--auto-approve").exit_code == 0
    assert gtm("plan", "-e", "emu", "--detailed-exitcode").exit_code == 0
    live = {p.name: p for p in client(emulator).crm.properties.core_api.get_all("contacts").results}
    realized, _ = offline.realize(list(lower(load_project(hs_ws).specs).resources))
    band = next(r for r in realized if r.name == "gtm_lead_band")
    assert live["gtm_lead_band"].calculation_formula == offline.formula_for(band)


def test_the_changes_before_tree_converges_on_first_apply(tmp_path: Path, emulator: EmulatorServer,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    ws = tmp_path / "before"
    write_workspace(ws, emulator.base_url, specs=REPO / "tests" / "golden" / "trees" / "changes" / "before")
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    monkeypatch.chdir(ws)
    r = gtm("apply", "--auto-approve")
    assert r.exit_code == 0, r.output
    assert gtm("plan", "--detailed-exitcode").exit_code == 0
