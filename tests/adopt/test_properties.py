"""The ``Properties`` kind: validation with positions, create/update/delete on the local provider,
adoption, type-change and delete protection."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from providers.local import LocalProvider
from tests.conftest import gtm

GTM_YAML = """\
version: 1
name: adopt
environments:
  local: {provider: local, path: .gtm/local.db}
default_environment: local
"""

FIELDS = """\
kind: Properties
object: contacts
groups:
  - {name: gtm_sales_ops, label: Sales ops}
properties:
  - name: gtm_region
    label: Region
    type: enumeration
    field_type: select
    group: gtm_sales_ops
    options:
      - {value: emea, label: EMEA}
      - {value: amer, label: Americas}
  - {name: gtm_seats, label: Seats, type: number, field_type: number}
---
kind: Tiers
object: contacts
tiers:
  - {id: emea, label: EMEA, personalization: account, when: {property: gtm_region, eq: emea}}
  - {id: rest, label: Rest, personalization: account}
"""


@pytest.fixture
def ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "ws"
    (root / "specs").mkdir(parents=True)
    (root / "gtm.yaml").write_text(GTM_YAML)
    (root / "specs" / "fields.yaml").write_text(FIELDS)
    monkeypatch.chdir(root)
    return root


def _db(ws: Path) -> LocalProvider:
    return LocalProvider(ws / ".gtm" / "local.db")


def _plan(*args: str) -> dict:  # type: ignore[type-arg]
    r = gtm("plan", "--format", "json", *args)
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def _diag(text: str, ws: Path) -> str:
    (ws / "specs" / "bad.yaml").write_text(text)
    r = gtm("validate")
    assert r.exit_code == 1
    return r.stderr


def test_properties_create_update_and_are_read_by_conditions(ws: Path) -> None:
    plan = _plan()
    addrs = {c["address"]: c for c in plan["changes"]}
    assert addrs["property.contacts.gtm_region"]["action"] == "create"
    assert addrs["property.contacts.gtm_region"]["after"]["options"] == [
        {"value": "emea", "label": "EMEA", "display_order": 0, "hidden": False},
        {"value": "amer", "label": "Americas", "display_order": 1, "hidden": False}]
    assert addrs["property.contacts.gtm_region"]["after"]["group"] == "gtm_sales_ops"
    assert addrs["property.contacts.gtm_seats"]["after"]["group"] == "gtm"
    assert "property_group.contacts.gtm_sales_ops" in addrs
    assert gtm("apply", "--auto-approve").exit_code == 0
    assert gtm("plan", "--detailed-exitcode").exit_code == 0
    live = {r.address: r for r in _db(ws).read().resources}
    assert live["property.contacts.gtm_region"].attributes["type"] == "enumeration"
    # one label edit → exactly one update
    f = ws / "specs" / "fields.yaml"
    f.write_text(f.read_text().replace("label: Region", "label: Sales region"))
    plan = _plan()
    assert [(c["address"], c["action"]) for c in plan["changes"]] == [("property.contacts.gtm_region", "update")]
    assert [a["path"] for a in plan["changes"][0]["attributes"]] == ["label"]


def test_type_change_on_a_field_with_values_needs_allow_destroy(ws: Path) -> None:
    assert gtm("apply", "--auto-approve").exit_code == 0
    _db(ws).add_records("contacts", [{"email": "a@x.example", "gtm_seats": "12"}])
    f = ws / "specs" / "fields.yaml"
    f.write_text(f.read_text().replace("{name: gtm_seats, label: Seats, type: number, field_type: number}",
                                       "{name: gtm_seats, label: Seats, type: string, field_type: text}"))
    plan = _plan()
    ch = next(c for c in plan["changes"] if c["address"] == "property.contacts.gtm_seats")
    assert ch["action"] == "replace" and ch["needs_allow_destroy"] and ch["impact"]["records"] == 1
    r = gtm("apply", "--auto-approve")
    assert r.exit_code == 1 and "GTM603" in r.stderr
    assert _db(ws).read().by_address()["property.contacts.gtm_seats"].attributes["type"] == "number"
    assert gtm("apply", "--auto-approve", "--allow-destroy").exit_code == 0
    assert _db(ws).read().by_address()["property.contacts.gtm_seats"].attributes["type"] == "string"


def test_adopted_field_is_left_alone_until_the_spec_differs_and_deleted_only_when_listed(ws: Path) -> None:
    from providers.local import store

    db = _db(ws)
    attrs = {"label": "Region (hand-made)", "description": "", "group": "contactinformation", "type": "string",
             "field_type": "text", "options": [], "calculation": None}
    store.put_resource(db.conn, "property", "contacts", "region", attrs)
    db.add_records("contacts", [{"email": "b@x.example", "region": "north"}])
    spec = ("kind: Properties\nobject: contacts\nproperties:\n"
            "  - {name: region, label: Region (hand-made), type: string, field_type: text, group: contactinformation,"
            " adopt: true}\n")
    (ws / "specs" / "adopted.yaml").write_text(spec)
    assert not [c for c in _plan()["changes"] if "region" in c["address"] and "gtm_" not in c["address"]]
    (ws / "specs" / "adopted.yaml").write_text(spec.replace("label: Region (hand-made)", "label: Region"))
    ch = [c for c in _plan()["changes"] if c["address"] == "property.contacts.region"]
    assert len(ch) == 1 and ch[0]["action"] == "update"
    # dropping an adopted field from the specs releases it: never a delete
    (ws / "specs" / "adopted.yaml").unlink()
    assert not [c for c in _plan()["changes"] if c["address"] == "property.contacts.region"]
    # an explicit removal deletes it, and only with --allow-destroy because a record holds a value
    (ws / "specs" / "adopted.yaml").write_text("kind: Properties\nobject: contacts\nremoved_properties: [region]\n")
    ch = [c for c in _plan()["changes"] if c["address"] == "property.contacts.region"]
    assert ch[0]["action"] == "delete" and ch[0]["needs_allow_destroy"] and ch[0]["impact"]["records"] == 1
    assert gtm("apply", "--auto-approve").exit_code == 1
    assert "property.contacts.region" in _db(ws).read().by_address()
    assert gtm("apply", "--auto-approve", "--allow-destroy").exit_code == 0
    assert "property.contacts.region" not in _db(ws).read().by_address()


def test_removing_a_gtm_field_deletes_it(ws: Path) -> None:
    assert gtm("apply", "--auto-approve").exit_code == 0
    f = ws / "specs" / "fields.yaml"
    f.write_text(f.read_text().replace("  - {name: gtm_seats, label: Seats, type: number, field_type: number}\n", ""))
    ch = [c for c in _plan()["changes"] if c["address"] == "property.contacts.gtm_seats"]
    assert ch and ch[0]["action"] == "delete" and not ch[0]["needs_allow_destroy"]
    assert gtm("apply", "--auto-approve").exit_code == 0
    assert "property.contacts.gtm_seats" not in _db(ws).read().by_address()


@pytest.mark.parametrize(("text", "code", "where"), [
    ("kind: Properties\nobject: contacts\nproperties:\n  - {name: gtm_x, label: X, type: number, "
     "field_type: select}\n", "GTM430", "bad.yaml:4:"),
    ("kind: Properties\nobject: contacts\nproperties:\n  - name: gtm_x\n    label: X\n    type: string\n"
     "    field_type: text\n    options: [{value: a, label: A}]\n", "GTM431", "bad.yaml:8:14"),
    ("kind: Properties\nobject: contacts\nproperties:\n  - name: gtm_x\n    label: X\n    type: enumeration\n"
     "    field_type: select\n    options:\n      - {value: a, label: A}\n      - {value: a, label: B}\n",
     "GTM432", "bad.yaml:10:17"),
    ("kind: Properties\nobject: contacts\nproperties:\n  - {name: email, label: E, type: string, "
     "field_type: text, adopt: true}\n", "GTM433", "bad.yaml:4:12"),
    ("kind: Properties\nobject: contacts\nproperties:\n  - {name: region, label: R, type: string, "
     "field_type: text}\n", "GTM434", "bad.yaml:4:5"),
    ("kind: Properties\nobject: contacts\nproperties:\n  - {name: gtm_x, label: X, type: string, "
     "field_type: text, group: salse}\n", "GTM341", "bad.yaml:4:"),
    ("kind: Properties\nobject: contacts\nproperties:\n  - {name: gtm_region, label: X, type: string, "
     "field_type: text}\n", "GTM340", "fields.yaml:6:11"),  # (files in name order: bad.yaml is first)
    ("kind: Properties\nobject: contacts\ngroups: [{name: gtm_sales_ops, label: Again}]\n",
     "GTM342", "fields.yaml:4:12"),
    ("kind: Properties\nobject: contacts\nremoved_properties: [gtm_region]\n", "GTM343", "bad.yaml:3:"),
    ("kind: Properties\nobject: contacts\nproperties:\n  - {name: Bad-Name, label: X, type: string, "
     "field_type: text}\n", "GTM104", "bad.yaml:4:12"),
    ("kind: Properties\nobject: contacts\nproperties:\n  - {name: gtm_tier, label: X, type: string, "
     "field_type: text}\n", "GTM340", "bad.yaml:4:12"),
])
def test_validation_diagnostics_point_at_the_line(ws: Path, text: str, code: str, where: str) -> None:
    err = _diag(text, ws)
    assert f"error[{code}]" in err, err
    line = next(ln for ln in err.splitlines() if f"error[{code}]" in ln)
    assert where in line, line
