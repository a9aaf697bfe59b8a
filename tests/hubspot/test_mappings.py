"""Per-environment mappings of email slugs, assignees and recipients to HubSpot ids: unmapped names
are errors at their use on a HubSpot environment, fine on the local provider; mapped ids reach the
portal (checked by the emulator's seeded directory) and a changed mapping is a planned update."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from providers.hubspot.emulator.server import EmulatorServer
from tests.conftest import REPO, gtm
from tests.hubspot.conftest import EMULATOR_MAPPINGS, TOKEN, TOKEN_ENV, client, write_workspace


def _flows(emulator: EmulatorServer) -> dict[str, dict]:  # type: ignore[type-arg]
    hs = client(emulator)
    out = {}
    for f in hs.api_request({"method": "GET", "path": "/automation/v4/flows"}).json()["results"]:
        out[f["name"]] = hs.api_request({"method": "GET", "path": f"/automation/v4/flows/{f['id']}"}).json()
    return out


def _ws(tmp_path: Path, emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch, mappings: str) -> Path:
    ws = tmp_path / "ws"
    write_workspace(ws, emulator.base_url, mappings=mappings)
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    monkeypatch.chdir(ws)
    return ws


def test_unmapped_names_are_errors_at_their_use_with_the_line_to_add(
        tmp_path: Path, emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch) -> None:
    partial = EMULATOR_MAPPINGS.replace("detention-benchmark: 7001, ", "").replace("sdr: 102", "sdrx: 102")
    partial = partial.replace("      users: {owner_manager: 9003}\n", "")
    _ws(tmp_path, emulator, monkeypatch, partial)
    r = gtm("plan", "--detailed-exitcode")
    assert r.exit_code == 1, r.output
    out = r.output
    seq = (REPO / "specs" / "sequences.yaml").read_text().splitlines()
    line = next(i for i, t in enumerate(seq, 1) if "email: detention-benchmark" in t)
    col = seq[line - 1].index("detention-benchmark") + 1
    assert f"specs/sequences.yaml:{line}:{col}: error[GTM510]" in out
    assert 'email "detention-benchmark" is not mapped to a HubSpot marketing email in environment "emu"' in out
    assert 'environments.emu.mappings.emails in gtm.yaml the line "detention-benchmark: <marketing email id>"' in out
    slas = (REPO / "specs" / "slas.yaml").read_text().splitlines()
    line = next(i for i, t in enumerate(slas, 1) if t.startswith("owner: sdr"))
    assert f"specs/slas.yaml:{line}:8: error[GTM511]" in out
    assert '"sdr: <owner id>" (gtm.yaml maps "sdrx": a typo?)' in out
    assert out.count("error[GTM512]") == 2  # owner_manager in an SLA breach and in an alert
    assert "specs/alerts.yaml:15:" in out and "specs/slas.yaml:8:" in out
    # apply refuses too, and nothing was created
    assert gtm("apply", "--auto-approve").exit_code != 0
    assert _flows(emulator) == {}


def test_local_environment_accepts_slugs(tmp_path: Path, emulator: EmulatorServer,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    _ws(tmp_path, emulator, monkeypatch, "")
    r = gtm("plan", "-e", "local", "--detailed-exitcode")
    assert r.exit_code == 2, r.output
    assert "GTM51" not in r.output
    assert gtm("apply", "-e", "local", "--auto-approve").exit_code == 0
    assert gtm("plan", "-e", "local", "--detailed-exitcode").exit_code == 0


def test_mapped_ids_reach_the_portal_and_a_changed_mapping_is_an_update(
        tmp_path: Path, emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch) -> None:
    ws = _ws(tmp_path, emulator, monkeypatch, EMULATOR_MAPPINGS)
    assert gtm("apply", "--auto-approve").exit_code == 0
    flows = _flows(emulator)
    seq = flows["gtm-seq-vp-ops-nurture"]
    assert [a["fields"]["content_id"] for a in seq["actions"] if a["actionTypeId"] == "0-4"] == \
        ["7001", "7002", "7003"]
    task = next(a for a in flows["gtm-sla-warm-inbound"]["actions"] if a["actionTypeId"] == "0-3")
    assert task["fields"]["owner_assignment"]["value"] == {"type": "STATIC_VALUE", "staticValue": "102"}
    note = next(a for a in flows["gtm-sla-hot-inbound"]["actions"] if a["actionTypeId"] == "0-8")
    assert note["fields"]["user_ids"] == ["9003"]
    assert not any("gtm-email:" in json.dumps(f) for f in flows.values())
    # re-map one email: the plan updates exactly that flow, and apply converges
    y = ws / "gtm.yaml"
    y.write_text(y.read_text().replace("peer-story: 7002", "peer-story: 7012"))
    r = gtm("plan", "--detailed-exitcode")
    assert r.exit_code == 2, r.output
    assert "~ workflow.gtm-seq-vp-ops-nurture" in r.stdout
    assert "Plan: 0 to add, 1 to change, 0 to destroy." in r.stdout
    assert gtm("apply", "--auto-approve").exit_code == 0
    assert gtm("plan", "--detailed-exitcode").exit_code == 0
    seq = _flows(emulator)["gtm-seq-vp-ops-nurture"]
    assert "7012" in [a["fields"]["content_id"] for a in seq["actions"] if a["actionTypeId"] == "0-4"]


def test_an_id_the_portal_lacks_is_gtm514_at_its_mapping(
        tmp_path: Path, emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch) -> None:
    _ws(tmp_path, emulator, monkeypatch, EMULATOR_MAPPINGS.replace("sales: 101", "sales: 555")
        .replace("pilot-offer: 7003", "pilot-offer: 7999"))
    r = gtm("plan", "--detailed-exitcode")
    assert r.exit_code == 1, r.output
    text = Path("gtm.yaml").read_text().splitlines()
    line = next(i for i, t in enumerate(text, 1) if "sales: 555" in t)
    col = text[line - 1].index("555") + 1
    assert f'gtm.yaml:{line}:{col}: error[GTM514]: owner 555 (mapped from "sales") does not exist' in r.output
    line = next(i for i, t in enumerate(text, 1) if "pilot-offer: 7999" in t)
    assert f"gtm.yaml:{line}:" in r.output and "marketing email 7999 (mapped from \"pilot-offer\")" in r.output
    assert gtm("apply", "--auto-approve").exit_code != 0
    assert _flows(emulator) == {}


def test_without_the_scope_to_list_owners_the_check_is_a_warning_and_the_portal_refuses(
        tmp_path: Path, emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch) -> None:
    from providers.hubspot.emulator.scopes import required_scopes

    _ws(tmp_path, emulator, monkeypatch, EMULATOR_MAPPINGS.replace("sales: 101", "sales: 555"))
    everything = {s for m in ("GET", "POST", "PUT", "PATCH", "DELETE") for obj in ("contacts", "companies", "deals",
                  "tickets") for t in ("/crm/v3/properties/x", "/crm/v3/objects/x", "/crm/v3/pipelines/x")
                  for s in required_scopes(m, t, {"objectType": obj})}
    emulator.configure(granted_scopes=sorted(everything | {"crm.lists.read", "crm.lists.write", "automation",
                                                           "content"}))
    r = gtm("plan", "--detailed-exitcode")
    assert r.exit_code == 2, r.output
    assert "warning[GTM515]: cannot check the mapped ids of owners, users and teams" in r.output
    r = gtm("apply", "--auto-approve")
    assert r.exit_code != 0 and "owner 555 does not exist in this portal" in r.output


def test_bad_mapping_values_are_gtm220_at_their_position(tmp_path: Path, emulator: EmulatorServer,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    _ws(tmp_path, emulator, monkeypatch, EMULATOR_MAPPINGS.replace("sales: 101", "sales: abc")
        .replace("owner_manager: 9003", "owner: 9003"))
    r = gtm("validate")
    assert r.exit_code == 1
    text = (Path("gtm.yaml")).read_text().splitlines()
    line = next(i for i, t in enumerate(text, 1) if "sales: abc" in t)
    assert f"gtm.yaml:{line}:" in r.output and "error[GTM220]" in r.output
    assert "'abc' is not a HubSpot id" in r.output
    assert "'owner' means the record owner and cannot be mapped" in r.output
