"""Every example and fixture tree that validates applies to the strict emulator on the first apply,
the next plan is empty, and the live objects are what a second compile would send.

The trees: the example (``specs/``), the golden trees (``tests/golden/trees/*``, and the
``before`` tree of ``changes``), the catalog tree of HubSpot's defaults
(``tests/fixtures/catalog_tree``) and every gate fixture (``tests/gates/fixtures/*``) whose specs
validate (the others exist to fail validation).  Each goes through the official client against
the emulator, with what its ``gtm.yaml`` declares under ``portal:`` created in the portal first
and its email slugs and people mapped to the emulator's seeded ids.  A second compile is compared
object by object: each list's filter branch, each flow's enrolment, goal, actions and stored
spec, and each calculated property's formula.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from hubspot.crm.properties import Option, PropertyCreate, PropertyUpdate

from compiler.backends.hubspot_filters import normalize_filter_branch
from compiler.backends.hubspot_flows import normalize_flow
from compiler.project import load_project
from gtm.planning import make_plan_in, open_session
from providers.hubspot.emulator.server import EmulatorServer
from providers.hubspot.provider import HubSpotProvider
from providers.hubspot.write import Writer
from tests.conftest import REPO, gtm
from tests.hubspot.conftest import TOKEN, TOKEN_ENV, client
from tests.hubspot.test_filter_shapes import _live_flows, _live_lists

pytestmark = pytest.mark.emulator

GOLDEN = REPO / "tests" / "golden" / "trees"
GATES = REPO / "tests" / "gates" / "fixtures"
#: the seeded directory (providers/hubspot/emulator/directory.py)
EMAILS = [str(7001 + i) for i in range(12)]
OWNERS, USERS = ["101", "102", "103"], ["9001", "9002", "9003"]
#: gate fixtures made to fail a plan: GTM722's scoring rule names a gtm_ property nothing creates
NOT_APPLICABLE = frozenset({"GTM722-unknown-property"})


def _trees() -> list[tuple[str, Path, Path]]:
    """(name, specs directory, gtm.yaml or the example's) of every tree that validates."""
    out = [("example", REPO / "specs", REPO / "gtm.yaml"),
           ("catalog_tree", REPO / "tests/fixtures/catalog_tree/specs", REPO / "tests/fixtures/catalog_tree/gtm.yaml"),
           ("golden-changes-before", GOLDEN / "changes" / "before", REPO / "gtm.yaml")]
    for tree in sorted(p for p in GOLDEN.iterdir() if (p / "specs").is_dir()):
        ws_file = tree / "gtm.yaml"
        out.append((f"golden-{tree.name}", tree / "specs", ws_file if ws_file.exists() else REPO / "gtm.yaml"))
    for tree in sorted(p for p in GATES.iterdir() if (p / "specs").is_dir()):
        project = load_project(tree)
        if project.ok and tree.name not in NOT_APPLICABLE:
            out.append((f"gate-{tree.name}", tree / "specs", tree / "gtm.yaml"))
    return out


def _portal(ws_yaml: Path) -> dict[str, Any]:
    """What a workspace declares its portal has: the top-level ``portal:`` and every environment's."""
    data = yaml.safe_load(ws_yaml.read_text()) or {}
    merged: dict[str, Any] = {}
    for portal in [data.get("portal") or {}, *((e or {}).get("portal") or {}
                                                for e in (data.get("environments") or {}).values())]:
        for obj, extra in portal.items():
            into = merged.setdefault(obj, {"properties": [], "options": {}})
            into["properties"] += list(extra.get("properties") or [])
            for name, values in (extra.get("options") or {}).items():
                into["options"].setdefault(name, []).extend(values)
    return merged


_FIELD = {"number": "number", "string": "text", "enumeration": "select", "bool": "booleancheckbox",
          "date": "date", "datetime": "date"}


def _create_extras(emulator: EmulatorServer, portal: dict[str, Any]) -> None:
    """Create what ``portal:`` declares, as a team's portal would hold it (made outside gtm)."""
    core = client(emulator).crm.properties.core_api
    for obj, extra in portal.items():
        group = f"{obj[:-1] if obj != 'companies' else 'company'}information"
        for p in extra["properties"]:
            ptype = p["type"]
            opts = [Option(label=str(v), value=str(v), display_order=i, hidden=False)
                    for i, v in enumerate(p.get("options") or [])]
            if ptype == "bool":
                opts = [Option(label="Yes", value="true", display_order=0, hidden=False),
                        Option(label="No", value="false", display_order=1, hidden=False)]
            core.create(obj, PropertyCreate(name=p["name"], label=p.get("label") or p["name"], type=ptype,
                                            field_type=_FIELD[ptype], group_name=group, options=opts or None))
        for name, values in extra["options"].items():
            live = core.get_by_name(obj, name)
            have = [Option(label=o.label, value=o.value, display_order=o.display_order, hidden=False)
                    for o in live.options]
            new = [Option(label=str(v), value=str(v), display_order=len(have) + i, hidden=False)
                   for i, v in enumerate(v for v in dict.fromkeys(values) if v not in {o.value for o in have})]
            core.update(obj, name, PropertyUpdate(options=have + new))


def _mappings(specs: Path) -> str:
    """A ``mappings:`` block naming every email, assignee and recipient of ``specs`` (seeded ids)."""
    from compiler.mappings import portal_references

    project = load_project(specs.parent, spec_dir=specs, check=False)
    emails: dict[str, str] = {}
    owners: dict[str, str] = {}
    users: dict[str, str] = {}
    for ref in portal_references(project.specs):
        if ref.kind == "email":
            emails.setdefault(ref.key, EMAILS[len(emails) % len(EMAILS)])
        elif ref.kind == "assignee":
            owners.setdefault(ref.key, OWNERS[len(owners) % len(OWNERS)])
        else:
            users.setdefault(ref.key, USERS[len(users) % len(USERS)])
    block = {k: v for k, v in (("emails", emails), ("owners", owners), ("users", users)) if v}
    return yaml.safe_dump({"mappings": block}, default_flow_style=False) if block else ""


def _workspace(ws: Path, specs: Path, ws_yaml: Path, emulator: EmulatorServer) -> dict[str, Any]:
    shutil.copytree(specs, ws / "specs")
    portal = _portal(ws_yaml)
    env = {"provider": "hubspot", "token_env": TOKEN_ENV, "base_url": emulator.base_url}
    text = yaml.safe_dump({"version": 1, "name": "tree-e2e", "environments": {"emu": env},
                           "default_environment": "emu"}, sort_keys=False)
    mappings = _mappings(ws / "specs")
    text = text.replace(f"    base_url: {emulator.base_url}\n",
                        f"    base_url: {emulator.base_url}\n" + "".join(f"    {ln}\n" for ln in mappings.splitlines()))
    if portal:
        declared = {obj: {k: v for k, v in (("properties", e["properties"]), ("options", e["options"])) if v}
                    for obj, e in portal.items()}
        text += yaml.safe_dump({"portal": declared}, sort_keys=False)
    (ws / "gtm.yaml").write_text(text)
    return portal


def _only_documented_shapes(emulator: EmulatorServer) -> int:
    """Every live gtm formula calls only HubSpot's documented functions, and every live filter on an
    enumeration (lists, flow enrolment, goals, re-enrolment triggers) uses an enumeration operation
    or a known/unknown test, never a string one.  Returns how many of both it checked."""
    from compiler.backends.hubspot_formula import undocumented_functions
    from tests.hubspot.test_filter_shapes import OBJECT_NAMES, _filters, _flow_branches

    core = client(emulator).crm.properties.core_api
    checked = 0
    types: dict[str, dict[str, str]] = {}
    for obj in set(OBJECT_NAMES.values()):
        props = core.get_all(obj).results
        types[obj] = {p.name: p.type for p in props}
        for p in props:
            if p.name.startswith("gtm_") and p.calculation_formula:
                assert undocumented_functions(p.calculation_formula) == [], (obj, p.name, p.calculation_formula)
                checked += 1
    branches = [(OBJECT_NAMES[str(x["objectTypeId"])], x["filterBranch"]) for x in _live_lists(emulator)]
    branches += [(OBJECT_NAMES[str(f["objectTypeId"])], b) for f in _live_flows(emulator) for b in _flow_branches(f)]
    for obj, branch in branches:
        for f in _filters(branch):
            if types[obj].get(f["property"]) == "enumeration":
                assert f["operation"]["operationType"] in ("ENUMERATION", "ALL_PROPERTY"), (obj, f)
                checked += 1
    return checked


def _second_compile_equals_live(ws: Path, emulator: EmulatorServer) -> int:
    s, _ = open_session(load_project(ws), None)
    assert s is not None
    try:
        plan, diags = make_plan_in(s)
        assert plan.changes == [], [c.address for c in plan.changes]
        assert not [d for d in diags if d.is_error], diags
        assert isinstance(s.provider, HubSpotProvider)
        writer = Writer(s.provider, s.live)
        lists = {x["name"]: x for x in _live_lists(emulator)}
        flows = {f["name"]: f for f in _live_flows(emulator)}
        core = client(emulator).crm.properties.core_api
        compared = 0
        for r in s.desired:
            if r.type == "list":
                sent = normalize_filter_branch(writer._filter_branch(r))
                assert sent == normalize_filter_branch(lists[r.name]["filterBranch"]), r.name
            elif r.type == "workflow":
                body, live = normalize_flow(writer._flow_body(r)), normalize_flow(flows[r.name])
                for key in ("enrollmentCriteria", "goalFilterBranch", "actions", "customProperties"):
                    assert body.get(key) == live.get(key), (r.name, key)
            elif r.type == "property" and r.attributes.get("calculation"):
                live_prop = core.get_by_name(str(r.object), r.name)
                assert live_prop.calculation_formula == s.provider.formula_for(r), r.address
            else:
                continue
            compared += 1
        return compared
    finally:
        s.close()


@pytest.mark.parametrize(("name", "specs", "ws_yaml"), _trees(), ids=[t[0] for t in _trees()])
def test_tree_applies_first_time_and_equals_a_second_compile(
        name: str, specs: Path, ws_yaml: Path, tmp_path: Path, emulator: EmulatorServer,
        monkeypatch: pytest.MonkeyPatch) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    portal = _workspace(ws, specs, ws_yaml, emulator)
    _create_extras(emulator, portal)
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    monkeypatch.chdir(ws)
    applied = gtm("apply", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    again = gtm("plan", "--detailed-exitcode")
    assert again.exit_code == 0, again.output
    assert _second_compile_equals_live(ws, emulator) > 0
    _only_documented_shapes(emulator)


def test_later_applies_keep_documented_shapes(tmp_path: Path, emulator: EmulatorServer,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """After the first apply, each kind of edit (scoring points, a band boundary, a tier condition,
    a stage limit, an SLA, a sequence step, a UTM option, a persona title) is applied as an update:
    the formulas and filters written then are documented shapes too, and converge."""
    from tests.views.test_update_goldens import EDITS

    ws = tmp_path / "ws"
    ws.mkdir()
    _workspace(ws, REPO / "specs", REPO / "gtm.yaml", emulator)
    _create_extras(emulator, _portal(REPO / "gtm.yaml"))
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    monkeypatch.chdir(ws)
    assert gtm("apply", "--auto-approve").exit_code == 0
    first = _only_documented_shapes(emulator)
    for f, old, new in EDITS:
        p = ws / "specs" / f
        p.write_text(p.read_text().replace(old, new, 1))
    r = gtm("apply", "--auto-approve")
    assert r.exit_code == 0, r.output
    assert "to change" in r.output and "0 to change" not in r.output, r.output
    assert _only_documented_shapes(emulator) >= first > 10
    assert _second_compile_equals_live(ws, emulator) > 0


def test_every_kind_of_tree_is_covered() -> None:
    names = [t[0] for t in _trees()]
    assert {"example", "catalog_tree", "golden-changes-before", "golden-changes", "golden-scaffold"} <= set(names)
    assert sum(n.startswith("gate-") for n in names) >= 15
