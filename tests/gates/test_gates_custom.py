"""Custom gate checks from gtm.yaml: item selection, attribute paths, operators, errors."""

from __future__ import annotations

from pathlib import Path
from typing import get_args

import pytest
from gate_helpers import FIXTURES, REPO

from compiler.conditions.ast import Condition
from compiler.gates import GateReport, run_gates
from compiler.gates.custom import PathError, holds, items, resolve
from compiler.gates.report import CheckResult
from compiler.models.icp import ICP, Persona
from compiler.project import load_project
from compiler.workspace import ForEach


def add_check(root: Path, text: str) -> None:
    p = root / "gtm.yaml"
    p.write_text(p.read_text(encoding="utf-8") + text, encoding="utf-8")


def custom(report: GateReport, code: str) -> CheckResult:
    return next(r for r in report.results if r.code == code)


def test_nw001_passes_on_the_example(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    r = custom(run_gates(load_project(REPO), 1), "NW001")
    assert r.passed and r.custom and r.phase == 1
    assert r.title == "every persona names at least two pains"


def test_nw001_fails_on_its_fixture(monkeypatch: pytest.MonkeyPatch) -> None:
    root = FIXTURES / "NW001-persona-with-one-pain"
    monkeypatch.chdir(root)
    (d,) = custom(run_gates(load_project(root), 1), "NW001").diagnostics
    assert d.code == "NW001"
    assert d.summary == 'persona "logistics-manager": every persona names at least two pains'
    assert d.range is not None and (d.range.file, d.range.line) == ("specs/icp.yaml", 18)
    assert d.notes[0] == "pains.count is 1"
    assert d.notes[1].startswith("check NW001 is defined at gtm.yaml:")
    assert d.hint == "interview two customers in the role and write down what hurts"


def test_custom_checks_run_only_in_their_phase(example_copy: Path) -> None:
    add_check(example_copy, "  - {code: NW003, phase: 3, message: never, for_each: sequence,\n"
                            "     require: {property: id, eq: nothing}}\n")
    project = load_project(example_copy)
    assert "NW003" not in {r.code for r in run_gates(project, 2).results}
    assert not custom(run_gates(project, 3), "NW003").passed


def test_where_filters_items_and_nested_paths(example_copy: Path) -> None:
    add_check(example_copy, """  - code: NW002
    phase: 2
    message: fast stages are short
    for_each: stage
    where: {all: [{property: closed, known: false}, {property: probability, lt: 0.5}]}
    require: {property: max_days, lte: 14}
  - code: NW004
    phase: 1
    message: the ICP is mid-market
    for_each: icp
    require: {all: [{property: firmographics.employees.min, gte: 100},
                    {property: firmographics.industries, contains: logistics},
                    {property: firmographics.countries, not_in: [RU]}]}
""")
    report = run_gates(load_project(example_copy), 2)
    (d,) = custom(report, "NW002").diagnostics  # discovery (0.1, 14d) passes; evaluation (0.4, 21d) fails
    assert d.summary == 'stage "evaluation": fast stages are short'
    assert d.range is not None and d.range.file == "specs/pipeline.yaml"
    assert custom(report, "NW004").passed


@pytest.mark.parametrize(("path", "value"), [
    ("id", "vp-operations"),
    ("pains.count", 2),
    ("titles.0", "vp operations"),
    ("titles.9", None),
    ("objections", ["integration effort"]),
])
def test_resolve(path: str, value: object) -> None:
    p = Persona(id="vp-operations", role="economic_buyer", titles=["vp operations", "coo"],
                pains=["a", "b"], objections=["integration effort"])
    assert resolve(p, path) == value


def test_resolve_through_a_missing_value_is_unknown() -> None:
    icp = ICP(kind="ICP", id="x")
    assert resolve(icp, "firmographics.employees.min") is None
    assert resolve(icp, "personas.count") == 0


@pytest.mark.parametrize("path", ["pain.count", "firmographics.employee.min", "firmographics", "id.x"])
def test_resolve_rejects_bad_paths(path: str) -> None:
    with pytest.raises(PathError):
        resolve(ICP(kind="ICP", id="x"), path)




def test_bad_path_fails_the_check_with_gtm204(example_copy: Path) -> None:
    add_check(example_copy, "  - {code: NW005, phase: 1, message: typo, for_each: persona,\n"
                            "     require: {property: pain.count, gte: 1}}\n")
    (d,) = custom(run_gates(load_project(example_copy), 1), "NW005").diagnostics
    assert d.code == "GTM204"
    assert 'did you mean "pains"' in d.summary
    assert d.range is not None and d.range.file == "gtm.yaml"


def test_sugar_is_not_allowed_in_custom_checks(example_copy: Path) -> None:
    add_check(example_copy, "  - {code: NW006, phase: 1, message: sugar, for_each: persona,\n"
                            "     require: {persona: any}}\n")
    (d,) = custom(run_gates(load_project(example_copy), 1), "NW006").diagnostics
    assert d.code == "GTM204" and "property leaves only" in d.summary


def test_a_custom_check_may_not_reuse_a_builtin_code(example_copy: Path) -> None:
    add_check(example_copy, "  - {code: GTM710, phase: 1, message: clash, for_each: icp,\n"
                            "     require: {property: id, known: true}}\n")
    results = [r for r in run_gates(load_project(example_copy), 1).results if r.code == "GTM710"]
    assert [r.custom for r in results] == [False, True]
    assert results[1].diagnostics[0].code == "GTM204"


def test_every_for_each_selects_items(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    ss = load_project(REPO).specs
    counts = {k: len(list(items(ss, k))) for k in get_args(ForEach)}
    assert counts == {"icp": 1, "persona": 3, "tier": 3, "pipeline": 1, "stage": 6, "rule": 6, "band": 4,
                      "sla": 2, "sequence": 3, "step": 10, "alert": 2}
    step = next(iter(items(ss, "step")))
    assert step.label == 'step 1 of "vp-ops-nurture"'


def test_holds_on_lists() -> None:
    from compiler.conditions.parse import parse_condition
    from compiler.source import Document

    def c(data: object) -> Condition:
        cond, diags = parse_condition(data, Document("t.yaml", 0, data), ())
        assert cond is not None and not diags
        return cond

    p = Persona(id="x", role="champion", titles=["Logistics Manager", "transport manager"], pains=[])
    assert holds(c({"property": "titles", "contains": "logistics"}), p)
    assert holds(c({"property": "titles", "in": ["transport manager", "coo"]}), p)
    assert holds(c({"property": "titles", "not_in": ["coo"]}), p)
    assert not holds(c({"property": "titles", "ne": "transport manager"}), p)
    assert holds(c({"property": "pains", "known": False}), p)
    assert not holds(c({"property": "pains", "not_contains": "x"}), p)
    assert holds(c({"not": {"property": "pains.count", "gt": 0}}), p)
