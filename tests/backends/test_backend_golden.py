"""Golden JSON of what the example specs compile to: list filterBranches, v4 flow bodies and
calculation formulas.  Regenerate with ``GTM_UPDATE_GOLDEN=1``."""

from __future__ import annotations

from functools import partial

from compiler.backends.hubspot_filters import condition_to_filter_branch
from compiler.backends.hubspot_flows import workflow_to_flow
from compiler.backends.hubspot_formula import calculation_to_formula
from compiler.catalog import property_options
from compiler.conditions.ast import from_data

from .support import check_golden, example, example_resolver, example_types


def test_golden_lists() -> None:
    out = {}
    for r in example("list"):
        fb, diags = condition_to_filter_branch(from_data(r.attributes["filter"]), example_types(str(r.object)))
        assert not diags
        out[r.address] = fb
    check_golden("lists.json", out)


def test_golden_flows() -> None:
    out = {}
    for r in example("workflow"):
        flow, diags = workflow_to_flow(r.name, r.attributes, example_types(str(r.object)),
                                       resolve=example_resolver(), env_name="emulator")
        out[r.address] = {"flow": flow, "diagnostics": [d.to_dict() for d in diags]}
    check_golden("flows.json", out)


def test_golden_formulas() -> None:
    out = {}
    calcs = {r.name: r.attributes["calculation"] for r in example("property") if r.attributes.get("calculation")}
    for r in example("property"):
        calc = r.attributes.get("calculation")
        if calc:
            obj = str(r.object)
            formula, diags = calculation_to_formula(calc, example_types(obj), partial(property_options, obj),
                                                    {k: v for k, v in calcs.items() if k != r.name})
            assert not diags
            out[r.address] = formula
    check_golden("formulas.json", out)
