"""`gtm test`: the example's spec tests pass; a wrong expectation fails with a diff, a reason and a position."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import gtm


def _break_first_case(ws: Path) -> None:
    p = ws / "specs" / "tests" / "scoring.yaml"
    text = p.read_text()
    assert "expect: {score: 65, band: hot," in text
    p.write_text(text.replace("expect: {score: 65, band: hot,", "expect: {score: 70, band: warm,"))


def test_example_tests_pass(example_ws: Path) -> None:
    r = gtm("test")
    assert r.exit_code == 0, r.output
    assert "✓ vp-ops-asks-for-a-demo" in r.stdout and "✓ large-shipper-on-sap-is-tier-1" in r.stdout
    assert r.stdout.strip().endswith("9 passed, 0 failed")


def test_wrong_expectation_fails_with_diff_and_reason(example_ws: Path) -> None:
    _break_first_case(example_ws)
    r = gtm("test")
    assert r.exit_code == 1
    out = r.stdout
    assert "✗ vp-ops-asks-for-a-demo  (specs/tests/scoring.yaml:8:9)" in out
    assert "score  - expected 70   (specs/tests/scoring.yaml:11:21)" in out
    assert "+ actual   65" in out and "- expected warm" in out and "+ actual   hot" in out
    # the rule-by-rule explanation, as gtm explain gives it
    assert "✓   +30  demo-request" in out and "gtm_lead_band = hot" in out
    assert out.strip().endswith("8 passed, 1 failed")


def test_github_and_json_formats(example_ws: Path) -> None:
    _break_first_case(example_ws)
    gh = gtm("test", "--format", "github")
    assert gh.exit_code == 1
    assert ("::error file=specs/tests/scoring.yaml,line=11,col=21,endLine=11,endColumn=23,title=GTM420::"
            'test "lead-scoring" case "vp-ops-asks-for-a-demo": score expected 70, got 65') in gh.stdout
    js = json.loads(gtm("test", "--format", "json").stdout)
    assert js["passed"] == 8 and js["failed"] == 1
    bad = next(c for c in js["cases"] if not c["passed"])
    assert {f["field"]: (f["expected"], f["actual"]) for f in bad["failures"]} == {
        "score": (70, 65), "band": ("warm", "hot")}
    assert bad["actual"]["slas"] == ["hot-inbound"] and bad["explanation"]


def test_company_tier_reaches_the_contact_and_its_sequences(example_ws: Path) -> None:
    js = json.loads(gtm("test", "-k", "tier-2-shipper", "--format", "json").stdout)
    (case,) = js["cases"]
    assert case["actual"]["tier"] == "tier-2" and case["actual"]["sequences"] == ["logistics-manager-warmup"]


def test_a_spec_change_breaks_the_tests(example_ws: Path) -> None:
    p = example_ws / "specs" / "scoring.yaml"
    p.write_text(p.read_text().replace("id: demo-request, points: 30", "id: demo-request, points: 5"))
    r = gtm("test", "--format", "json")
    assert r.exit_code == 1
    failed = {c["case"] for c in json.loads(r.stdout)["cases"] if not c["passed"]}
    assert failed == {"vp-ops-asks-for-a-demo", "already-an-opportunity-keeps-its-stage"}


def test_test_specs_are_checked(example_ws: Path) -> None:
    (example_ws / "specs" / "tests" / "bad.yaml").write_text(
        "kind: Test\nid: bad\ncases:\n"
        "  - {id: a, record: {}, expect: {band: scorching}}\n"
        "  - {id: a, record: {}, expect: {}}\n")
    (example_ws / "specs" / "tests" / "bad2.yaml").write_text(
        "kind: Test\nid: bad2\ncases:\n  - {id: b, record: {}, expect: {colour: red}}\n")
    r = gtm("validate")
    assert r.exit_code == 1
    assert 'specs/tests/bad.yaml:4:40: warning[GTM421]: case "a" expects unknown band "scorching"' in r.stderr
    assert 'specs/tests/bad.yaml:5:10: error[GTM423]: duplicate case id "a" in test "bad"' in r.stderr
    assert 'specs/tests/bad.yaml:5:33: error[GTM422]: case "a" expects nothing' in r.stderr
    assert 'specs/tests/bad2.yaml:4:34: error[GTM101]: unknown key "colour"' in r.stderr


def test_no_tests_is_not_an_error(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    (tmp_path / "specs").mkdir()
    (tmp_path / "gtm.yaml").write_text("version: 1\nname: t\n")
    (tmp_path / "specs" / "t.yaml").write_text("kind: Tiers\ntiers: [{id: all}]\n")
    r = gtm("test")
    assert r.exit_code == 0 and "No spec tests found" in r.stdout
