"""Golden tests of the PR-ready views: plan and gate Markdown, GitHub annotations, text and JSON.

Regenerate the golden files with ``GTM_UPDATE_GOLDEN=1``.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from gate_helpers import FIXTURES, run_gate

from compiler.diagnostics import SourceRange, warning
from compiler.gates import GateReport, run_gates
from compiler.ir import Resource
from compiler.plan import AttrChange, Change, Impact, Move, Plan
from compiler.project import load_project
from gtm.views.github import annotations_for_diagnostics, annotations_for_gate
from gtm.views.markdown import GITHUB_COMMENT_LIMIT, MARKER, render_gate_markdown, render_plan_markdown

Golden = Callable[[str, str], None]


def src(file: str, line: int, col: int = 3) -> SourceRange:
    return SourceRange(f"specs/{file}.yaml", line, col)


def prop(name: str, label: str, origin: str | None, source: SourceRange | None = None,
         **extra: object) -> Resource:
    attrs = {"label": label, "group": "gtm", "type": "string", "field_type": "text", "options": [], **extra}
    return Resource("property", "contacts", name, attrs, source, origin=origin)


def sample_plan() -> Plan:
    tier_list_old = Resource("list", "companies", "gtm-tier-1", {"processing": "MANUAL", "filter": None})
    tier_list_new = Resource("list", "companies", "gtm-tier-1",
                             {"processing": "DYNAMIC", "filter": {"property": "gtm_tier", "eq": "tier-1"}},
                             src("tiers", 5), origin="Tiers")
    pipe_old = Resource("pipeline", "deals", "gtm-new-business", {"label": "GTM · New Business",
                                                                 "stages": [{"id": "a", "probability": 0.5}]})
    pipe_new = Resource("pipeline", "deals", "gtm-new-business", {"label": "GTM · New Business",
                                                                 "stages": [{"id": "a", "probability": 0.6}]},
                        src("pipeline", 4, 5), origin="Pipeline")
    utm_old = prop("gtm_first_utm_source", "GTM · First-touch utm_source", None,
                   options=[{"value": "google"}, {"value": "bing"}])
    utm_new = prop("gtm_first_utm_source", "GTM · First-touch utm_source", "UTMConvention", src("utm", 5),
                   options=[{"value": "google"}, {"value": "linkedin"}])
    changes = [
        Change("create", None, prop("gtm_lead_score", "GTM · Lead score | <b>points</b>", "LeadScoring",
                                    src("scoring", 4))),
        Change("update", pipe_old, pipe_new, [AttrChange("stages[0].probability", 0.5, 0.6)],
               impact=Impact(12, "removes stage(s) gtm-new-business-demo", False),
               moves=[Move("dealstage", "gtm-new-business-demo", "gtm-new-business-pilot", 12)]),
        Change("delete", prop("gtm_old_score", "GTM · Old score", None), None,
               impact=Impact(1234, "1234 contacts have a value in gtm_old_score", True),
               needs_allow_destroy=True, reasons=["loses record data"]),
        Change("replace", tier_list_old, tier_list_new,
               [AttrChange("processing", "MANUAL", "DYNAMIC", forces_replace=True),
                AttrChange("filter", None, {"property": "gtm_tier", "eq": "tier-1"})]),
        Change("update", utm_old, utm_new, [AttrChange("options[1].value", "bing", "linkedin")],
               impact=Impact(3, "3 contacts use removed option(s) bing", True), needs_allow_destroy=True,
               reasons=["loses record data"]),
        Change("create", None, Resource("workflow", "contacts", "gtm-sla-hot-inbound",
                                        {"object": "contacts", "actions": [{"type": "task", "due": "2h"}]},
                                        src("slas", 3), origin="SLA")),
        Change("create", None, Resource("workflow", "contacts", "gtm-seq-vp-ops-nurture",
                                        {"object": "contacts"}, src("sequences", 3), origin="Sequence")),
        Change("create", None, Resource("workflow", "deals", "gtm-alert-stale-deal", {"object": "deals"},
                                        src("alerts", 3), origin="AlertRule")),
    ]
    return Plan("production", "hubspot", changes, [warning("GTM503", "intent has no HubSpot API; not applied",
                                                           src("sequences", 9))], protected=True)


@pytest.fixture
def gate_report(monkeypatch: pytest.MonkeyPatch) -> GateReport:
    root = FIXTURES / "GTM731-stage-without-alert"
    monkeypatch.chdir(root)
    return run_gates(load_project(root), 3, phase_source="branch gtm/phase-3-execution")


def test_plan_markdown(golden: Golden, gate_report: GateReport) -> None:
    md = render_plan_markdown(sample_plan(), gate_report)
    golden("plan.md", md)
    assert md.startswith(MARKER + "\n")
    assert md.index("destructive change") < md.index("Summary by business object") < md.index("<details>")
    assert md.index("Quality gates") < md.index("### Changes")
    assert md.count("<details>") == md.count("</details>") == 8
    assert "1,234 records" in md and "`production` (hubspot, protected)" in md
    prose = "".join(md.split("```")[::2])  # outside the fenced diff blocks
    assert "<b>" not in prose  # labels are escaped in Markdown prose
    assert '+  label: "GTM · Lead score | <b>points</b>"' in md  # and shown verbatim inside a diff block
    assert "-  processing: \"MANUAL\"\n+  processing: \"DYNAMIC\"  # forces replacement" in md


def test_plan_markdown_without_changes(golden: Golden) -> None:
    md = render_plan_markdown(Plan("local", "local"))
    golden("plan-empty.md", md)
    assert "No changes. The CRM matches the specs." in md and "<details>" not in md


def big_plan(n: int = 3000) -> Plan:
    changes = []
    for i in range(n):
        r = prop(f"gtm_field_{i:04d}", f"GTM · Field {i}", "LeadScoring", src("scoring", 10 + i),
                 description="A generated property with a longish description to make each section big.",
                 options=[{"value": f"v{j}", "label": f"Value {j}"} for j in range(4)])
        changes.append(Change("create", None, r))
    return Plan("sandbox", "hubspot", changes)


def test_a_very_large_plan_is_truncated_under_the_cap(golden: Golden) -> None:
    plan = big_plan()
    md = render_plan_markdown(plan)
    golden("plan-truncated.md", md)
    assert len(md) <= 60_000 < GITHUB_COMMENT_LIMIT
    shown = md.count("<details>")
    assert 0 < shown < 3000 and shown == md.count("</details>")
    assert f"**Truncated:** {3000 - shown:,} of 3,000 changes are not shown" in md
    assert "`gtm plan -e sandbox`" in md
    assert "| Lead scoring | 3000 | 0 | 0 | 0 | 0 |" in md  # the summary still counts everything


@pytest.mark.parametrize("limit", [400, 1500, 5000, 20_000])
def test_any_limit_is_respected(limit: int, gate_report: GateReport) -> None:
    md = render_plan_markdown(big_plan(200), gate_report, limit=limit)
    assert len(md) <= limit
    assert "Truncated" in md


def test_gate_markdown(golden: Golden, gate_report: GateReport) -> None:
    md = render_gate_markdown(gate_report)
    golden("gate.md", md)
    assert md.startswith("❌ **Gate failed**")
    assert "- [ ] `GTM731` every open stage with max_days has an alert" in md
    assert "- [x] `NW001` every persona names at least two pains _(custom)_" in md
    assert "`specs/pipeline.yaml:7:67`" in md


def test_gate_markdown_with_spec_errors(golden: Golden, monkeypatch: pytest.MonkeyPatch) -> None:
    root = FIXTURES / "GTM723-bands-overlap"
    monkeypatch.chdir(root)
    md = render_gate_markdown(run_gates(load_project(root), 2))
    golden("gate-spec-errors.md", md)
    assert "- [ ] specs load and validate (1 error)" in md


def test_annotations(golden: Golden, gate_report: GateReport, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = annotations_for_gate(gate_report)
    assert len(lines) == 4 and all(ln.startswith("::error file=specs/pipeline.yaml,line=") for ln in lines)
    root = FIXTURES / "GTM723-bands-overlap"
    monkeypatch.chdir(root)
    report = run_gates(load_project(root), 2)
    both = annotations_for_gate(report)
    assert any("title=GTM402" in ln for ln in both) and any("title=GTM723" in ln for ln in both)
    plan_lines = annotations_for_diagnostics(sample_plan().diagnostics)
    assert plan_lines[0].startswith("::warning file=specs/sequences.yaml,line=9,col=3,title=GTM503::")
    golden("annotations.txt", "\n".join([*lines, *both, *plan_lines]) + "\n")


def test_text_checklist(golden: Golden, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES / "GTM726-trust-skipped")
    r = run_gate("--phase", "2")
    assert r.exit_code == 1
    golden("checklist.txt", r.stdout)


@pytest.mark.parametrize("fmt", ["markdown", "github", "json"])
def test_cli_formats(fmt: str, golden: Golden, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES / "GTM730-sales-band-without-sla")
    r = run_gate("--phase", "3", "--format", fmt)
    assert r.exit_code == 1
    golden(f"cli.{fmt}.txt", r.stdout)
    if fmt == "json":
        data = json.loads(r.stdout)
        assert data["passed"] is False and data["phases"] == [1, 2, 3]
        failed = [c for c in data["checks"] if not c["passed"]]
        assert [c["code"] for c in failed] == ["GTM730"]
        assert failed[0]["diagnostics"][0]["range"]["line"] == 13
