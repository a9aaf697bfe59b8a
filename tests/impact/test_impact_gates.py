"""Impact limits in gtm.yaml: a plan over them warns, and apply refuses it without --allow-impact."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import gtm

LOCAL = "  local:      {provider: local, path: .gtm/local.db}     # the embedded default\n"


def _limit(ws: Path, limits: str) -> None:
    p = ws / "gtm.yaml"
    text = p.read_text()
    assert LOCAL in text
    p.write_text(text.replace(LOCAL, "  local:      {provider: local, path: .gtm/local.db, impact_limits: "
                                     f"{limits}}}\n"))


def _bump(ws: Path) -> None:
    spec = ws / "specs" / "scoring.yaml"
    spec.write_text(spec.read_text().replace("id: pricing-page, points: 15", "id: pricing-page, points: 25"))


def test_apply_over_a_limit_needs_allow_impact(example_ws: Path) -> None:
    _limit(example_ws, "{max_enrolled: 5, max_percent: 50}")
    assert gtm("sample-data", "--contacts", "800", "--companies", "100", "--deals", "50").exit_code == 0
    assert gtm("apply", "--auto-approve", "--allow-impact").exit_code == 0
    _bump(example_ws)
    plan = gtm("plan")
    assert plan.exit_code == 0
    assert "warning[GTM652]: impact limit exceeded: SLA warm-inbound newly enrols" in plan.stderr
    assert "apply needs --allow-impact." in plan.stdout
    r = gtm("apply", "--auto-approve")
    assert r.exit_code == 1
    assert 'error[GTM652]: the plan exceeds the impact limits of environment "local"; nothing was applied' in r.stderr
    again = gtm("plan", "--detailed-exitcode")
    assert again.exit_code == 2, "nothing was applied"
    assert gtm("apply", "--auto-approve", "--allow-impact").exit_code == 0
    assert gtm("plan", "--detailed-exitcode").exit_code == 0


def test_within_limits_applies_and_unknown_impact_needs_allow(example_ws: Path) -> None:
    _limit(example_ws, "{max_records: 100000}")
    assert gtm("apply", "--auto-approve").exit_code == 0
    _bump(example_ws)
    r = gtm("apply", "--auto-approve", "--no-impact")
    assert r.exit_code == 1 and "error[GTM653]" in r.stderr
    assert gtm("apply", "--auto-approve").exit_code == 0


def test_bad_limits_are_a_workspace_error(example_ws: Path) -> None:
    _limit(example_ws, "{max_percent: 250}")
    r = gtm("plan")
    assert r.exit_code == 1 and "gtm.yaml:7:" in r.stderr and "max_percent" in r.stderr
