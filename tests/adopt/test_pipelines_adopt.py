"""Pipeline specs for tickets, live ids in adopted pipelines, and their checks with positions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from providers.local import LocalProvider
from tests.conftest import gtm

TICKETS = """\
kind: Pipeline
object: tickets
id: support
label: Support
stages:
  - {id: new, label: New}
  - {id: waiting, label: Waiting on us}
  - {id: done, label: Done, closed: true}
"""


@pytest.fixture
def ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "ws"
    (root / "specs").mkdir(parents=True)
    (root / "gtm.yaml").write_text("version: 1\nname: t\nenvironments:\n  local: {provider: local}\n"
                                   "default_environment: local\n")
    (root / "specs" / "tickets.yaml").write_text(TICKETS)
    monkeypatch.chdir(root)
    return root


def test_ticket_pipeline_plans_applies_and_converges_on_local(ws: Path) -> None:
    plan = json.loads(gtm("plan", "--format", "json").stdout)
    [ch] = plan["changes"]
    assert ch["address"] == "pipeline.tickets.gtm-support" and ch["action"] == "create"
    assert ch["after"]["stages"] == [
        {"id": "gtm-support-new", "label": "New", "display_order": 0, "closed": False},
        {"id": "gtm-support-waiting", "label": "Waiting on us", "display_order": 1, "closed": False},
        {"id": "gtm-support-done", "label": "Done", "display_order": 2, "closed": True}]
    assert gtm("apply", "--auto-approve").exit_code == 0
    assert gtm("plan", "--detailed-exitcode").exit_code == 0
    db = LocalProvider(ws / ".gtm" / "local.db")
    assert "pipeline.tickets.gtm-support" in db.read().by_address()


@pytest.mark.parametrize(("text", "code", "where"), [
    (TICKETS.replace("{id: new, label: New}", "{id: new, label: New, probability: 0.2}"), "GTM401",
     "tickets.yaml:6:40"),
    (TICKETS.replace("closed: true", "closed: won"), "GTM104", "tickets.yaml:8:37"),
    ("kind: Pipeline\nid: deals-x\nlabel: X\nstages:\n  - {id: a, label: A, probability: 0.1}\n"
     "  - {id: b, label: B, closed: true}\n", "GTM104", "tickets.yaml:6:31"),
    ("kind: Pipeline\nid: '123'\nlabel: X\nstages:\n  - {id: a, label: A, probability: 0.1}\n",
     "GTM105", "tickets.yaml:2:5"),
])
def test_pipeline_checks_point_at_the_value(ws: Path, text: str, code: str, where: str) -> None:
    (ws / "specs" / "tickets.yaml").write_text(text)
    r = gtm("validate")
    assert r.exit_code == 1
    line = next(ln for ln in r.stderr.splitlines() if f"error[{code}]" in ln)
    assert where in line, r.stderr


def test_adopted_pipeline_may_keep_numeric_ids(ws: Path) -> None:
    (ws / "specs" / "tickets.yaml").write_text(
        "kind: Pipeline\nid: '123'\nlabel: X\nadopt: true\nstages:\n  - {id: '9', label: A, probability: 0.1}\n")
    assert gtm("validate").exit_code == 0


def test_adopted_pipeline_is_judged_by_the_configured_prefix_not_gtm(ws: Path) -> None:
    """With ``ownership.prefix: acme`` an adopted pipeline whose CRM id starts with ``gtm-`` is still gtm's
    to manage (it was refused as a name collision, GTM620, because ``gtm-`` was hard-coded), and a
    pipeline gtm names itself (``acme-…``) is owned by its prefix, not listed as adopted."""
    from compiler.lowering import lower
    from compiler.project import load_project

    (ws / "gtm.yaml").write_text("version: 1\nname: t\nownership: {prefix: acme, label_prefix: 'ACME · '}\n"
                                 "environments:\n  local: {provider: local}\ndefault_environment: local\n")
    (ws / "specs" / "legacy.yaml").write_text(
        "kind: Pipeline\nobject: tickets\nid: gtm-legacy\nlabel: Legacy\nadopt: true\nstages:\n"
        "  - {id: new, label: New}\n  - {id: done, label: Done, closed: true}\n")
    assert gtm("apply", "--auto-approve").exit_code == 0
    again = gtm("plan", "--detailed-exitcode")
    assert again.exit_code == 0 and "GTM620" not in again.output, again.output
    project = load_project(ws)
    assert project.workspace is not None
    lowered = lower(project.specs, project.workspace.ownership)
    assert lowered.adopted == {"pipeline.tickets.gtm-legacy"}
    assert "pipeline.tickets.acme-support" in {r.address for r in lowered.resources}
