"""End-to-end CLI behaviour on the local provider: exit codes, formats, apply convergence."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.conftest import gtm


def test_validate_example_passes(example_ws: Path) -> None:
    r = gtm("validate")
    assert r.exit_code == 0, r.output
    assert "14 specs in 10 files are valid" in r.stdout


def test_plan_apply_plan_converges(example_ws: Path) -> None:
    first = gtm("plan", "--detailed-exitcode")
    assert first.exit_code == 2, first.output
    kinds = {"Tiers", "Pipeline", "LeadScoring", "SLA", "UTMConvention", "Sequence", "AlertRule"}
    plan = json.loads(gtm("plan", "--format", "json").stdout)
    assert {c["origin"] for c in plan["changes"]} >= kinds
    assert plan["summary"]["add"] == len(plan["changes"]) and plan["summary"]["destroy"] == 0
    assert first.stdout.rstrip().endswith(f"Plan: {plan['summary']['add']} to add, 0 to change, 0 to destroy.")
    applied = gtm("apply", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert "Apply complete!" in applied.stdout
    again = gtm("plan", "--detailed-exitcode")
    assert again.exit_code == 0, again.output
    assert "No changes." in again.stdout


def test_plan_detects_a_spec_edit_as_an_update(example_ws: Path) -> None:
    assert gtm("apply", "--auto-approve").exit_code == 0
    p = example_ws / "specs" / "pipeline.yaml"
    p.write_text(p.read_text().replace("label: Evaluation, probability: 0.4", "label: Evaluation, probability: 0.5"))
    r = gtm("plan", "--detailed-exitcode")
    assert r.exit_code == 2
    assert '~ stages["gtm-new-business-evaluation"].probability: 0.4 → 0.5' in r.stdout
    assert "Plan: 0 to add, 1 to change, 0 to destroy." in r.stdout


def test_apply_refuses_without_confirmation_when_not_interactive(example_ws: Path) -> None:
    r = gtm("apply")
    assert r.exit_code == 1
    assert "--auto-approve" in r.stderr
    assert gtm("plan", "--detailed-exitcode").exit_code == 2, "nothing was applied"


def test_unknown_environment(example_ws: Path) -> None:
    r = gtm("plan", "-e", "prodution")
    assert r.exit_code == 1
    assert 'unknown environment "prodution"' in r.stderr and 'did you mean "production"' in r.stderr


def test_plan_with_invalid_specs_exits_1_with_position(example_ws: Path) -> None:
    p = example_ws / "specs" / "scoring.yaml"
    p.write_text(p.read_text().replace("{persona: any}", "{persona: vp-operation}"))
    r = gtm("plan")
    assert r.exit_code == 1
    assert 'specs/scoring.yaml:6:51: error[GTM301]: unknown persona "vp-operation"' in r.stderr
    assert 'did you mean "vp-operations" (specs/icp.yaml:12:9)?' in r.stderr


def test_plan_json_on_error_is_json(example_ws: Path) -> None:
    (example_ws / "specs" / "bad.yaml").write_text("kind: Nope\n")
    r = gtm("plan", "--format", "json")
    assert r.exit_code == 1
    payload = json.loads(r.stdout)
    assert payload["diagnostics"][0]["code"] == "GTM012"


def test_unknown_property_is_an_error_at_the_line_naming_it(example_ws: Path) -> None:
    p = example_ws / "specs" / "alerts.yaml"
    p.write_text(p.read_text().replace("num_associated_contacts", "num_asociated_contacts"))
    for cmd in ("validate", "plan"):
        r = gtm(cmd)
        assert r.exit_code == 1
        assert ('specs/alerts.yaml:12:58: error[GTM307]: deals property "num_asociated_contacts" is not in a '
                "fresh HubSpot portal") in r.stderr
        assert 'did you mean "num_associated_contacts"?' in r.stderr


def test_property_gtm_does_not_create_is_a_plan_error_at_the_leaf(example_ws: Path) -> None:
    p = example_ws / "specs" / "alerts.yaml"
    p.write_text(p.read_text().replace("{property: num_associated_contacts, lt: 2}",
                                       "{property: gtm_lead_scor, lt: 2}"))
    assert gtm("validate").exit_code == 0  # gtm's own prefix: only the plan knows what gtm creates
    r = gtm("plan")
    assert r.exit_code == 1
    assert ('specs/alerts.yaml:12:58: error[GTM307]: deals property "gtm_lead_scor" does not exist in '
            'environment "local"') in r.stderr


def test_target_limits_the_plan(example_ws: Path) -> None:
    r = gtm("plan", "--target", "pipeline.*", "--format", "json")
    changes = json.loads(r.stdout)["changes"]
    assert [c["address"] for c in changes] == ["pipeline.deals.gtm-new-business"]


def test_schema_exports_every_kind(tmp_path: Path) -> None:
    r = gtm("schema", "--out", str(tmp_path / "s"))
    assert r.exit_code == 0
    names = sorted(p.stem for p in (tmp_path / "s").glob("*.json"))
    assert names == sorted(["ICP", "Tiers", "Pipeline", "LeadScoring", "SLA", "UTMConvention", "Sequence",
                            "AlertRule", "Properties", "Test", "Workspace"])
    import jsonschema

    s = json.loads((tmp_path / "s" / "Pipeline.json").read_text())
    jsonschema.Draft202012Validator.check_schema(s)
    assert gtm("schema", "Nope").exit_code == 1


def test_schemas_accept_the_example_specs(repo: Path) -> None:
    import jsonschema

    from compiler.schema import kind_schema
    from compiler.source import load_file

    for f in sorted((repo / "specs").glob("*.yaml")):
        for doc in load_file(f, str(f)).documents:
            jsonschema.validate(doc.data, kind_schema(doc.data["kind"]))


def test_schema_rejects_what_validate_rejects() -> None:
    import jsonschema
    import pytest

    from compiler.schema import kind_schema

    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"kind": "SLA", "id": "x", "when": {"property": "a", "eq": 1}, "owner": "s",
                             "respond_within": "2 hours"}, kind_schema("SLA"))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"kind": "SLA", "id": "x", "when": {"property": "a", "equals": 1}, "owner": "s",
                             "respond_within": "2h"}, kind_schema("SLA"))


def test_init_scaffold_validates_and_plans(tmp_path: Path, monkeypatch: object) -> None:
    import os

    r = gtm("init", str(tmp_path / "new"))
    assert r.exit_code == 0, r.output
    os.chdir(tmp_path / "new")
    try:
        assert gtm("validate").exit_code == 0
        assert gtm("plan", "--detailed-exitcode").exit_code == 2
        assert gtm("gate", "--phase", "3").exit_code == 0
        assert gtm("init", ".").exit_code == 1, "refuses to overwrite gtm.yaml"
    finally:
        os.chdir("/")


def test_missing_workspace(tmp_path: Path, monkeypatch: object) -> None:
    import os

    os.chdir(tmp_path)
    try:
        r = gtm("validate")
        assert r.exit_code == 1
        assert "error[GTM201]" in r.stderr and "gtm init" in r.stderr
    finally:
        os.chdir("/")


def test_help_lists_the_commands() -> None:
    r = gtm("--help")
    for cmd in ("validate", "plan", "apply", "gate", "schema", "init", "emulator", "unlock"):
        assert cmd in r.stdout


def test_example_tree_copy_is_independent(example_ws: Path, repo: Path) -> None:
    assert not (repo / "specs" / "bad.yaml").exists()
    shutil.rmtree(example_ws / "specs")
    assert gtm("validate").exit_code == 1


def test_a_rejected_document_causes_no_follow_on_errors(example_ws: Path) -> None:
    p = example_ws / "specs" / "slas.yaml"
    p.write_text(p.read_text().replace("respond_within: 2h", "respond_within: 2 hours"))
    q = example_ws / "specs" / "pipeline.yaml"
    q.write_text(q.read_text().replace("max_days: 14,\n     entry: [meeting",
                                       "max_days: fourteen,\n     entry: [meeting"))
    r = gtm("validate", "--format", "json")
    codes = [d["code"] for d in json.loads(r.stdout)["diagnostics"] if d["severity"] == "error"]
    assert sorted(codes) == ["GTM103", "GTM106"], codes


def test_unwritable_paths_are_diagnostics_not_tracebacks(example_ws: Path) -> None:
    ws = example_ws / "gtm.yaml"
    for args in (("plan", "--out", "/proc/nope/plan.json"), ("schema", "--out", "/proc/nope"),
                 ("init", "/proc/nope/ws")):
        r = gtm(*args)
        assert r.exit_code == 1 and "GTM614" in r.stderr, (args, r.output)
    ws.write_text(ws.read_text().replace("path: .gtm/local.db", "path: /proc/nope/local.db"))
    r = gtm("plan")
    assert r.exit_code == 1 and "cannot open the local database /proc/nope/local.db" in r.stderr


def test_durations_longer_than_ten_years_are_refused(example_ws: Path) -> None:
    p = example_ws / "specs" / "slas.yaml"
    p.write_text(p.read_text().replace("respond_within: 2h", "respond_within: 99999999999999999999d"))
    r = gtm("validate")
    assert r.exit_code == 1 and "error[GTM106]" in r.stderr and "longer than ten years" in r.stderr


def test_committed_schemas_are_current(repo: Path) -> None:
    """specs/ and gtm.yaml point editors at schemas/; those files must match `gtm schema`."""
    from compiler.schema import all_schemas

    for name, schema in all_schemas().items():
        committed = json.loads((repo / "schemas" / f"{name}.json").read_text())
        assert committed == schema, f"schemas/{name}.json is stale: run `gtm schema --out schemas`"
    for f in (repo / "specs").glob("*.yaml"):
        first = f.read_text().splitlines()[0]
        target = first.split("$schema=", 1)[1]
        assert (f.parent / target).resolve().exists(), f"{f.name} points at {target}"
