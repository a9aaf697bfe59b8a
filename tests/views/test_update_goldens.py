"""Golden update plans (text, Markdown, JSON) of every kind, on the local provider and the emulator.

The example specs are applied, then one edit per kind is made (scoring points, a tier condition,
a stage's probability and max_days, an SLA's response time, a sequence step, a UTM option, a band
boundary, a persona title) and the plan is rendered in every format.  Goldens live in
``tests/views/golden/<provider>/``; regenerate with ``GTM_UPDATE_GOLDEN=1`` and review the diff.
The same change must give the same attribute paths on both providers.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from providers.hubspot.emulator.server import EmulatorServer
from tests.conftest import REPO, check_golden, gtm
from tests.hubspot.conftest import TOKEN, TOKEN_ENV, write_workspace

GOLDEN = Path(__file__).parent / "golden"
EDITS: tuple[tuple[str, str, str], ...] = (
    ("scoring.yaml", "points: 15", "points: 25"),                       # a scoring rule's points
    ("scoring.yaml", "min: 20, max: 29", "min: 22, max: 29"),           # a band boundary …
    ("scoring.yaml", "min: 10, max: 19", "min: 10, max: 21"),           # … and its neighbour
    ("tiers.yaml", "gte: 1000", "gte: 2000"),                           # a tier condition
    ("pipeline.yaml", "probability: 0.4", "probability: 0.5"),          # a stage's probability
    ("pipeline.yaml", "max_days: 14", "max_days: 10"),                  # a stage limit → alert condition
    ("slas.yaml", "respond_within: 2h", "respond_within: 3h"),          # an SLA's response time
    ("sequences.yaml", "after: 7d", "after: 8d"),                       # a sequence step's delay
    ("utm.yaml", "partner]", "partner, podcast]"),                      # a UTM option
    ("icp.yaml", "head of operations", "director of operations"),       # a persona title (conditions)
)


def _edit(ws: Path) -> None:
    for f, old, new in EDITS:
        p = ws / "specs" / f
        text = p.read_text()
        assert old in text, (f, old)
        p.write_text(text.replace(old, new, 1))


def _stable_json(text: str) -> str:
    """The JSON plan without what depends on the run (fingerprints of live ids)."""
    data = json.loads(text)
    data.pop("live_fingerprints", None)
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _plans(provider: str) -> dict[str, str]:
    out = {}
    for fmt, name in (("text", "update.txt"), ("markdown", "update.md"), ("json", "update.json")):
        r = gtm("plan", "--format", fmt, "--detailed-exitcode")
        assert r.exit_code == 2, r.output
        out[name] = _stable_json(r.stdout) if fmt == "json" else r.stdout
        check_golden(GOLDEN / provider / name, out[name])
    for line in out["update.txt"].splitlines() + out["update.md"].splitlines():
        assert not line.endswith("…") and '{"' not in line, line
    return out


def _paths(plan_json: str) -> dict[str, tuple[str, list[str]]]:
    data: dict[str, Any] = json.loads(plan_json)
    return {c["address"]: (c["action"], [a["path"] for a in c["attributes"]]) for c in data["changes"]}


@pytest.fixture
def local_plans(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    ws = tmp_path / "local"
    ws.mkdir()
    shutil.copy(REPO / "gtm.yaml", ws / "gtm.yaml")
    shutil.copytree(REPO / "specs", ws / "specs")
    monkeypatch.chdir(ws)
    assert gtm("apply", "--auto-approve").exit_code == 0
    _edit(ws)
    return _plans("local")


def test_update_plans_match_across_providers(local_plans: dict[str, str], tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    with EmulatorServer(token=TOKEN, seed=True) as emu:
        ws = tmp_path / "emu"
        write_workspace(ws, emu.base_url)
        monkeypatch.setenv(TOKEN_ENV, TOKEN)
        monkeypatch.chdir(ws)
        r = gtm("apply", "--auto-approve")
        assert r.exit_code == 0, r.output
        _edit(ws)
        emu_plans = _plans("emulator")
    local, remote = _paths(local_plans["update.json"]), _paths(emu_plans["update.json"])
    assert len(local) >= 8
    for address, (action, paths) in local.items():
        assert remote[address] == (action, paths), address  # the same change, the same paths
    # the same change, the same text: every block of the text and Markdown plans, workflow enrolment
    # conditions included (HubSpot keeps them as OR-of-AND filter branches; they are read back in
    # the structured form the compiler produced)
    assert set(remote) == set(local)
    for address in local:
        assert _block(local_plans["update.txt"], address) == _block(emu_plans["update.txt"], address), address
        assert _md_block(local_plans["update.md"], address) == _md_block(emu_plans["update.md"], address), address


def _block(text: str, address: str) -> str:
    """The lines of one change in a text plan (from its ``#`` header to the blank line after it)."""
    lines = text.splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.startswith(f"  # {address} "))
    end = lines.index("", start)
    return "\n".join(ln for ln in lines[start:end] if not ln.startswith("  #   ") and "business impact" not in ln)


def _md_block(text: str, address: str) -> str:
    """The diff block of one change in a Markdown plan (its ``<details>`` section)."""
    lines = text.splitlines()
    start = next(i for i, ln in enumerate(lines) if f"<code>~ {address}</code>" in ln)
    end = lines.index("</details>", start)
    return "\n".join(ln for ln in lines[start:end] if "impact" not in ln.lower())


def test_hubspot_condition_with_the_same_filters_is_no_change(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                                              ) -> None:
    """Reordering an enrolment condition changes nothing in HubSpot (the same OR-of-AND branches), so
    it plans no change, although the structured form is what plans show and compare."""
    with EmulatorServer(token=TOKEN, seed=True) as emu:
        ws = tmp_path / "emu"
        write_workspace(ws, emu.base_url)
        monkeypatch.setenv(TOKEN_ENV, TOKEN)
        monkeypatch.chdir(ws)
        assert gtm("apply", "--auto-approve").exit_code == 0
        p = ws / "specs" / "sequences.yaml"
        old = "audience: {all: [{persona: vp-operations}, {tier: [tier-2, tier-3]}]}"
        assert old in p.read_text()
        new = "audience: {all: [{tier: [tier-3, tier-2]}, {persona: vp-operations}]}"
        p.write_text(p.read_text().replace(old, new))
        r = gtm("plan", "--detailed-exitcode")
        assert r.exit_code == 0, r.output
        p.write_text(p.read_text().replace("{tier: [tier-3, tier-2]}", "{tier: [tier-3]}"))
        r = gtm("plan", "--detailed-exitcode")
        assert r.exit_code == 2, r.output
        lines = [" ".join(ln.split()) for ln in r.stdout.splitlines()]
        assert "- - gtm_tier in [tier-2, tier-3]" in lines and "+ - gtm_tier eq tier-3" in lines, r.stdout
        assert "all:" in lines and "- any:" in lines, r.stdout  # the spec's shape, not OR-of-ANDs


def test_a_score_change_is_shown_once_and_its_band_follows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Only a score's points change: the plan shows the score alone on both providers (a HubSpot band
    formula writes the score in place, and is rewritten with it), and the apply converges."""
    addresses: dict[str, list[str]] = {}
    with EmulatorServer(token=TOKEN, seed=True) as emu:
        ws = tmp_path / "emu"
        write_workspace(ws, emu.base_url)
        monkeypatch.setenv(TOKEN_ENV, TOKEN)
        for env in ("emu", "local"):
            monkeypatch.chdir(ws)
            assert gtm("apply", "--auto-approve", "-e", env).exit_code == 0
        p = ws / "specs" / "scoring.yaml"
        p.write_text(p.read_text().replace("points: 15", "points: 25", 1))
        for env in ("emu", "local"):
            r = gtm("plan", "--format", "json", "-e", env)
            addresses[env] = [c["address"] for c in json.loads(r.stdout)["changes"]]
            assert "source_calculation" not in r.stdout
        assert addresses["emu"] == addresses["local"] == ["property.contacts.gtm_lead_score"]
        applied = gtm("apply", "--auto-approve")
        assert applied.exit_code == 0, applied.output
        again = gtm("plan", "--detailed-exitcode")
        assert again.exit_code == 0, again.output  # the band's formula carries the new points


#: a tier list edited by hand in the CRM: HubSpot keeps it as OR-of-ANDs (the tier leaf in each branch)
DRIFTED_LIST = {"all": [{"property": "gtm_tier", "eq": "tier-1"},
                        {"any": [{"property": "industry",
                                  "in": ["LOGISTICS_AND_SUPPLY_CHAIN", "TRANSPORTATION_TRUCKING_RAILROAD"]},
                                 {"property": "numberofemployees", "gte": 500}]}]}


def _drift_local_list(ws: Path, name: str, cond: dict[str, Any]) -> None:
    from providers.local import LocalProvider, store

    db = LocalProvider(ws / ".gtm" / "local.db")
    try:
        address = f"list.companies.{name}"
        row = db.conn.execute("SELECT attributes FROM resources WHERE address=?", (address,)).fetchone()
        store.put_resource(db.conn, "list", "companies", name, {**json.loads(row[0]), "filter": cond})
        db.conn.commit()
    finally:
        db.close()


def _drift_hubspot_list(emu: EmulatorServer, name: str, cond: dict[str, Any]) -> None:
    """Through the official client, as a user editing the list in HubSpot would leave it."""
    from compiler.backends.hubspot_filters import condition_to_filter_branch
    from compiler.conditions.ast import from_data
    from tests.hubspot.conftest import client

    types = {"gtm_tier": "enumeration", "industry": "enumeration", "numberofemployees": "number"}
    fb, diags = condition_to_filter_branch(from_data(cond), types.get)
    assert fb is not None and len(fb["filterBranches"]) == 2, diags  # distributed: one branch per alternative
    api = client(emu).crm.lists.lists_api
    list_id = api.get_by_name(name, "0-2").list.list_id
    api.update_list_filters(list_id, {"filterBranch": fb})


def test_a_changed_list_filter_reads_the_same_on_both_providers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                                                ) -> None:
    """A list filter changed in the CRM plans as the same condition-language diff on the local
    provider and on HubSpot (which keeps no spec form with a list, only OR-of-ANDs), and the apply
    puts the spec's filter back on both."""
    plans: dict[str, dict[str, str]] = {}
    with EmulatorServer(token=TOKEN, seed=True) as emu:
        ws = tmp_path / "ws"
        write_workspace(ws, emu.base_url)
        monkeypatch.setenv(TOKEN_ENV, TOKEN)
        monkeypatch.chdir(ws)
        for env in ("emu", "local"):
            assert gtm("apply", "--auto-approve", "-e", env).exit_code == 0
        _drift_local_list(ws, "gtm-tier-1", DRIFTED_LIST)
        _drift_hubspot_list(emu, "gtm-tier-1", DRIFTED_LIST)
        for env, provider in (("emu", "emulator"), ("local", "local")):
            out: dict[str, str] = {}
            for fmt, name in (("text", "list-drift.txt"), ("markdown", "list-drift.md"), ("json", "list-drift.json")):
                r = gtm("plan", "-e", env, "--no-impact", "--format", fmt, "--detailed-exitcode")
                assert r.exit_code == 2, r.output
                out[name] = _stable_json(r.stdout) if fmt == "json" else r.stdout
                check_golden(GOLDEN / provider / name, out[name])
            plans[env] = out
        address = "list.companies.gtm-tier-1"
        text = plans["emu"]["list-drift.txt"]
        assert "any:\n      -         - all:" not in text, text  # not the OR-of-ANDs
        for marker in ("-   all:", "-     - gtm_tier eq tier-1", "-     - any:",
                       "-         - industry in [LOGISTICS_AND_SUPPLY_CHAIN, TRANSPORTATION_TRUCKING_RAILROAD]",
                       "-         - numberofemployees gte 500", "+   gtm_tier eq tier-1"):
            assert marker in text, (marker, text)
        assert _block(plans["emu"]["list-drift.txt"], address) == _block(plans["local"]["list-drift.txt"], address)
        assert _md_block(plans["emu"]["list-drift.md"], address) == _md_block(plans["local"]["list-drift.md"], address)
        assert _paths(plans["emu"]["list-drift.json"]) == _paths(plans["local"]["list-drift.json"])
        for env in ("emu", "local"):
            assert gtm("apply", "--auto-approve", "-e", env).exit_code == 0
            again = gtm("plan", "-e", env, "--detailed-exitcode")
            assert again.exit_code == 0, again.output
