"""Properties through ``client.crm.properties.core_api`` / ``batch_api``."""

from __future__ import annotations

from typing import Any

import pytest
from hubspot import HubSpot
from hubspot.crm.properties import (
    ApiException,
    BatchInputPropertyCreate,
    BatchInputPropertyName,
    BatchReadInputPropertyName,
    ModelProperty,
    PropertyCreate,
    PropertyName,
    PropertyUpdate,
)

from providers.hubspot.emulator.server import EmulatorServer

from .conftest import body_of, call

pytestmark = pytest.mark.emulator


def number_prop(name: str, **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "label": name.title(),
        "type": "number",
        "fieldType": "number",
        "groupName": "contactinformation",
        **extra,
    }


def error(client_call: Any) -> tuple[int, dict[str, Any]]:
    with pytest.raises(ApiException) as info:
        client_call()
    return info.value.status, body_of(info.value)


def test_create_returns_201_model_with_defaults(client: HubSpot) -> None:
    created = client.crm.properties.core_api.create(
        "contacts",
        PropertyCreate(
            name="gtm_score",
            label="Score",
            type="number",
            field_type="number",
            group_name="contactinformation",
        ),
    )
    assert isinstance(created, ModelProperty)  # a 200 instead of 201 would give None
    assert created.name == "gtm_score"
    assert created.description == "" and created.options == []
    assert created.hubspot_defined is False and created.archived is False
    assert created.modification_metadata.archivable is True
    assert created.created_at is not None and created.updated_at is not None
    fetched = client.crm.properties.core_api.get_by_name("contacts", "gtm_score")
    assert fetched.to_dict() == created.to_dict()
    names = [p.name for p in client.crm.properties.core_api.get_all("0-1").results]
    assert "gtm_score" in names and "email" in names


def test_duplicate_is_409_property_exists(client: HubSpot) -> None:
    client.crm.properties.core_api.create("contacts", number_prop("gtm_dup"))
    status, body = error(lambda: client.crm.properties.core_api.create("contacts", number_prop("gtm_dup")))
    assert status == 409
    assert body["category"] == "VALIDATION_ERROR"
    assert body["subCategory"] == "PropertyValidationError.PROPERTY_EXISTS"
    # the same name on another object is fine
    assert client.crm.properties.core_api.create(
        "companies", {**number_prop("gtm_dup"), "groupName": "companyinformation"}
    )


@pytest.mark.parametrize(
    ("type_", "field_type", "ok"),
    [
        ("number", "text", False),
        ("string", "number", False),
        ("bool", "select", False),
        ("date", "date", True),
        ("datetime", "date", True),
        ("enumeration", "checkbox", True),
        ("phone_number", "phonenumber", True),
        ("string", "textarea", True),
        ("number", "booleancheckbox", False),
    ],
)
def test_type_field_type_compatibility(client: HubSpot, type_: str, field_type: str, ok: bool) -> None:
    body = {
        "name": "gtm_t",
        "label": "T",
        "type": type_,
        "fieldType": field_type,
        "groupName": "contactinformation",
    }
    if ok:
        assert client.crm.properties.core_api.create("contacts", body).field_type == field_type
    else:
        status, payload = error(lambda: client.crm.properties.core_api.create("contacts", body))
        assert status == 400 and payload["category"] == "VALIDATION_ERROR"


def test_missing_required_field_and_unknown_group_are_400(client: HubSpot) -> None:
    status, body = error(
        lambda: client.crm.properties.core_api.create("contacts", {"name": "gtm_a", "label": "A"})
    )
    assert status == 400 and "type" in body["message"]
    status, body = error(
        lambda: client.crm.properties.core_api.create(
            "contacts", {**number_prop("gtm_a"), "groupName": "nope"}
        )
    )
    assert status == 400 and "nope" in body["message"]


def test_patch_replaces_options_wholesale(client: HubSpot) -> None:
    client.crm.properties.core_api.create(
        "contacts",
        {
            "name": "gtm_band",
            "label": "Band",
            "type": "enumeration",
            "fieldType": "select",
            "groupName": "contactinformation",
            "options": [
                {"label": "Hot", "value": "hot", "hidden": False},
                {"label": "Cold", "value": "cold", "hidden": False},
            ],
        },
    )
    updated = client.crm.properties.core_api.update(
        "contacts",
        "gtm_band",
        PropertyUpdate(options=[{"label": "Warm", "value": "warm", "hidden": False}], label="Lead band"),
    )
    assert [o.value for o in updated.options] == ["warm"]
    assert updated.label == "Lead band"
    assert updated.options[0].description == "" and updated.options[0].display_order == 0


def test_name_and_unique_flag_are_immutable(client: HubSpot) -> None:
    client.crm.properties.core_api.create("contacts", number_prop("gtm_imm"))
    for change in ({"name": "gtm_other"}, {"hasUniqueValue": True}):
        status, body = error(
            lambda change=change: client.crm.properties.core_api.update("contacts", "gtm_imm", change)
        )
        assert status == 400 and "cannot be changed" in body["message"]
    status, body = error(
        lambda: client.crm.properties.core_api.update("contacts", "gtm_imm", {"colour": "red"})
    )
    assert status == 400 and "Unrecognized field" in body["message"]


def test_hubspot_defined_properties_are_read_only(client: HubSpot) -> None:
    email = client.crm.properties.core_api.get_by_name("contacts", "email")
    assert email.hubspot_defined is True and email.modification_metadata.read_only_definition is True
    status, _ = error(lambda: client.crm.properties.core_api.update("contacts", "email", {"label": "E-mail"}))
    assert status == 400
    lifecycle_options = [{"label": "Lead", "value": "lead", "hidden": False}]
    status, body = error(
        lambda: client.crm.properties.core_api.update(
            "contacts", "lifecyclestage", {"options": lifecycle_options}
        )
    )
    assert status == 400 and "read-only" in body["message"]
    # hs_lead_status has editable options
    new = [
        {"label": "New", "value": "NEW", "hidden": False},
        {"label": "Recycled", "value": "RECYCLED", "hidden": False},
    ]
    updated = client.crm.properties.core_api.update("contacts", "hs_lead_status", {"options": new})
    assert [o.value for o in updated.options] == ["NEW", "RECYCLED"]
    status, _ = error(lambda: client.crm.properties.core_api.archive("contacts", "email"))
    assert status == 400


def test_display_order_minus_one_goes_last(client: HubSpot) -> None:
    client.crm.properties.groups_api.create("deals", {"name": "gtm", "label": "GTM"})
    first = client.crm.properties.core_api.create(
        "deals", {**number_prop("gtm_a"), "groupName": "gtm", "displayOrder": 4}
    )
    second = client.crm.properties.core_api.create(
        "deals", {**number_prop("gtm_b"), "groupName": "gtm", "displayOrder": -1}
    )
    assert first.display_order == 4 and second.display_order == 5


def test_archive_is_soft_and_visible_with_archived_true(client: HubSpot) -> None:
    client.crm.properties.core_api.create("contacts", number_prop("gtm_old"))
    assert client.crm.properties.core_api.archive("contacts", "gtm_old") is None  # 204
    status, body = error(lambda: client.crm.properties.core_api.get_by_name("contacts", "gtm_old"))
    assert status == 404 and body["category"] == "OBJECT_NOT_FOUND"
    archived = client.crm.properties.core_api.get_by_name("contacts", "gtm_old", archived=True)
    assert archived.archived is True and archived.archived_at is not None
    live_names = {p.name for p in client.crm.properties.core_api.get_all("contacts").results}
    archived_names = {
        p.name for p in client.crm.properties.core_api.get_all("contacts", archived=True).results
    }
    assert "gtm_old" not in live_names and archived_names == {"gtm_old"}


def test_archived_name_reuse_is_configurable(emulator: EmulatorServer, client: HubSpot) -> None:
    client.crm.properties.core_api.create("contacts", number_prop("gtm_reuse"))
    client.crm.properties.core_api.archive("contacts", "gtm_reuse")
    emulator.configure(archived_name_reuse=False)
    status, body = error(lambda: client.crm.properties.core_api.create("contacts", number_prop("gtm_reuse")))
    assert status == 409 and "archived" in body["message"]
    emulator.configure(archived_name_reuse=True)
    again = client.crm.properties.core_api.create("contacts", number_prop("gtm_reuse", label="Again"))
    assert again.label == "Again" and again.archived is False
    # the tombstone stays beside the new definition
    assert [p.name for p in client.crm.properties.core_api.get_all("contacts", archived=True).results] == [
        "gtm_reuse"
    ]


def test_at_most_ten_unique_properties(client: HubSpot) -> None:
    for i in range(10):
        client.crm.properties.core_api.create(
            "companies",
            {**number_prop(f"gtm_u{i}"), "groupName": "companyinformation", "hasUniqueValue": True},
        )
    status, body = error(
        lambda: client.crm.properties.core_api.create(
            "companies", {**number_prop("gtm_u10"), "groupName": "companyinformation", "hasUniqueValue": True}
        )
    )
    assert status == 400 and "10" in body["message"]


def test_batch_create_201_and_207(client: HubSpot) -> None:
    ok = client.crm.properties.batch_api.create(
        "contacts", BatchInputPropertyCreate(inputs=[number_prop("gtm_b1"), number_prop("gtm_b2")])
    )
    assert ok.status == "COMPLETE" and {p.name for p in ok.results} == {"gtm_b1", "gtm_b2"}
    partial = client.crm.properties.batch_api.create(
        "contacts", BatchInputPropertyCreate(inputs=[number_prop("gtm_b3"), number_prop("gtm_b1")])
    )
    assert partial.num_errors == 1 and [p.name for p in partial.results] == ["gtm_b3"]
    assert partial.errors[0].category == "VALIDATION_ERROR"


def test_batch_read_and_archive(client: HubSpot) -> None:
    client.crm.properties.batch_api.create(
        "contacts", {"inputs": [number_prop("gtm_r1"), number_prop("gtm_r2")]}
    )
    read = client.crm.properties.batch_api.read(
        "contacts",
        BatchReadInputPropertyName(archived=False, inputs=[PropertyName("gtm_r1"), PropertyName("nope")]),
    )
    assert [p.name for p in read.results] == ["gtm_r1"] and read.num_errors == 1
    assert read.errors[0].category == "OBJECT_NOT_FOUND"
    archived = client.crm.properties.batch_api.archive(
        "contacts",
        BatchInputPropertyName(
            inputs=[PropertyName("gtm_r1"), PropertyName("gtm_r2"), PropertyName("missing")]
        ),
    )
    assert archived is None  # 204 even for the missing one
    assert client.crm.properties.core_api.get_all("contacts", archived=True).results
    raw = call(
        client, "POST", "/crm/v3/properties/contacts/batch/archive", body={"inputs": [{"name": "missing"}]}
    )
    assert raw.status_code == 204


# -- calculation properties -------------------------------------------------------------
def calc(name: str, formula_text: str, type_: str = "number") -> dict[str, Any]:
    return {
        "name": name,
        "label": name,
        "type": type_,
        "fieldType": "calculation_equation",
        "groupName": "contactinformation",
        "calculationFormula": formula_text,
    }


def test_calculation_property_create_and_formula_errors(client: HubSpot) -> None:
    client.crm.properties.core_api.create("contacts", number_prop("gtm_points"))
    created = client.crm.properties.core_api.create(
        "contacts", calc("gtm_score", "if is_present(gtm_points) then gtm_points * 2 else 0")
    )
    assert created.calculated is True and created.calculation_formula.startswith("if is_present")
    assert created.modification_metadata.read_only_value is True

    status, body = error(
        lambda: client.crm.properties.core_api.create("contacts", calc("gtm_bad", "gtm_points +"))
    )
    assert status == 400 and body["category"] == "VALIDATION_ERROR"
    assert "position 12" in body["message"] and body["context"]["position"] == ["12"]
    status, body = error(
        lambda: client.crm.properties.core_api.create("contacts", calc("gtm_bad", "if(a, 1, 2)"))
    )
    assert status == 400 and "if COND then A else B" in body["message"]
    status, body = error(
        lambda: client.crm.properties.core_api.create("contacts", calc("gtm_bad", "nope + 1"))
    )
    assert status == 400 and "'nope' does not exist" in body["message"]
    status, body = error(
        lambda: client.crm.properties.core_api.create("contacts", calc("gtm_bad", "'x' + 1", "string"))
    )
    assert status == 400 and "number_to_string" in body["message"]
    status, body = error(
        lambda: client.crm.properties.core_api.create("contacts", calc("gtm_bad", "'x'", "number"))
    )
    assert status == 400 and "yields a string" in body["message"]
    status, _ = error(
        lambda: client.crm.properties.core_api.create(
            "contacts", {**calc("gtm_bad", "1"), "calculationFormula": None}
        )
    )
    assert status == 400


def test_calculation_property_rules_on_update_and_archive(client: HubSpot) -> None:
    client.crm.properties.core_api.create("contacts", number_prop("gtm_points"))
    client.crm.properties.core_api.create("contacts", calc("gtm_a", "gtm_points + 1"))
    client.crm.properties.core_api.create("contacts", calc("gtm_b", "gtm_a * 2"))
    status, body = error(
        lambda: client.crm.properties.core_api.update(
            "contacts", "gtm_a", {"calculationFormula": "gtm_b + 1"}
        )
    )
    assert status == 400 and "depend on itself" in body["message"]
    status, _ = error(
        lambda: client.crm.properties.core_api.update("contacts", "gtm_a", {"fieldType": "number"})
    )
    assert status == 400
    status, body = error(lambda: client.crm.properties.core_api.archive("contacts", "gtm_points"))
    assert status == 400 and "gtm_a" in body["message"]
    assert (
        client.crm.properties.core_api.update(
            "contacts", "gtm_a", {"calculationFormula": "gtm_points + 2"}
        ).calculation_formula
        == "gtm_points + 2"
    )
