"""Pipelines and stages through ``client.crm.pipelines``."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from hubspot import HubSpot
from hubspot.crm.pipelines import (
    ApiException,
    Pipeline,
    PipelineInput,
    PipelinePatchInput,
    PipelineStage,
    PipelineStageInput,
    PipelineStagePatchInput,
)

from .conftest import body_of, call

pytestmark = pytest.mark.emulator


def stage(label: str, probability: str, order: int, **extra: Any) -> dict[str, Any]:
    return {"label": label, "displayOrder": order, "metadata": {"probability": probability, **extra}}


def new_business(**extra: Any) -> dict[str, Any]:
    return {
        "label": "New Business",
        "displayOrder": 1,
        "pipelineId": "new-business",
        "stages": [
            {**stage("Discovery", "0.1", 0), "stageId": "discovery"},
            {**stage("Evaluation", "0.4", 1), "stageId": "evaluation"},
            {**stage("Closed won", "1.0", 2, isClosed="true"), "stageId": "closed-won"},
        ],
        **extra,
    }


def error(fn: Any) -> tuple[int, dict[str, Any]]:
    with pytest.raises(ApiException) as info:
        fn()
    return info.value.status, body_of(info.value)


def test_seeded_default_pipelines(client: HubSpot) -> None:
    deals = client.crm.pipelines.pipelines_api.get_by_id("deals", "default")
    assert [s.id for s in deals.stages] == [
        "appointmentscheduled", "qualifiedtobuy", "presentationscheduled", "decisionmakerboughtin",
        "contractsent", "closedwon", "closedlost",
    ]  # fmt: skip
    probabilities = {s.id: s.metadata["probability"] for s in deals.stages}
    assert probabilities["appointmentscheduled"] == "0.2" and probabilities["closedwon"] == "1.0"
    assert probabilities["closedlost"] == "0.0" and deals.stages[-1].metadata["isClosed"] == "true"
    assert deals.created_at == datetime(1970, 1, 1, tzinfo=UTC)
    tickets = client.crm.pipelines.pipelines_api.get_all("tickets").results
    assert [p.id for p in tickets] == ["0"]
    assert [s.metadata["ticketState"] for s in tickets[0].stages] == ["OPEN", "OPEN", "OPEN", "CLOSED"]


def test_create_with_chosen_ids_and_generated_ids(client: HubSpot) -> None:
    created = client.crm.pipelines.pipelines_api.create("deals", new_business())
    assert isinstance(created, Pipeline)  # 201
    assert created.id == "new-business"
    assert [s.id for s in created.stages] == ["discovery", "evaluation", "closed-won"]
    assert created.stages[0].metadata == {"probability": "0.1", "isClosed": "false"}
    generated = client.crm.pipelines.pipelines_api.create(
        "deals",
        PipelineInput(label="Renewals", display_order=2, stages=[PipelineStageInput(**_stage_kwargs())]),
    )
    assert generated.id.isdigit() and generated.stages[0].id.isdigit()
    status, body = error(
        lambda: client.crm.pipelines.pipelines_api.create("deals", new_business(label="Other"))
    )
    assert status == 409 and body["category"] == "CONFLICT"


def _stage_kwargs() -> dict[str, Any]:
    return {"label": "Start", "display_order": 0, "metadata": {"probability": "0.2"}}


@pytest.mark.parametrize(
    ("metadata", "fragment"),
    [
        ({"probability": 0.2}, "must be a string"),
        ({"probability": "0.25"}, "steps of 0.1"),
        ({"probability": "1.1"}, "between 0.0 and 1.0"),
        ({}, "probability"),
        ({"probability": "0.5", "isClosed": "yes"}, "isClosed"),
        ({"probability": "0.5", "isClosed": True}, "must be a string"),
    ],
)
def test_deal_stage_metadata_validation(client: HubSpot, metadata: dict[str, Any], fragment: str) -> None:
    body = {
        "label": "P",
        "displayOrder": 0,
        "stages": [{"label": "S", "displayOrder": 0, "metadata": metadata}],
    }
    status, payload = error(lambda: client.crm.pipelines.pipelines_api.create("deals", body))
    assert status == 400 and payload["category"] == "VALIDATION_ERROR"
    assert fragment in payload["message"]


def test_stage_labels_unique_and_ticket_state_checked(client: HubSpot) -> None:
    twins = {"label": "P", "displayOrder": 0, "stages": [stage("Same", "0.1", 0), stage("same", "0.2", 1)]}
    status, payload = error(lambda: client.crm.pipelines.pipelines_api.create("deals", twins))
    assert status == 400 and "unique" in payload["message"]
    bad_ticket = {
        "label": "T",
        "displayOrder": 0,
        "stages": [{"label": "S", "displayOrder": 0, "metadata": {"ticketState": "DONE"}}],
    }
    status, _ = error(lambda: client.crm.pipelines.pipelines_api.create("tickets", bad_ticket))
    assert status == 400


def test_replace_archives_left_out_stages_and_validates_usage(client: HubSpot) -> None:
    api = client.crm.pipelines.pipelines_api
    api.create("deals", new_business())
    client.crm.objects.basic_api.create(
        "deals", {"properties": {"dealname": "D1", "dealstage": "evaluation"}}
    )
    replacement = {"label": "New Business", "displayOrder": 1, "stages": [
        {**stage("Discovery", "0.1", 0), "stageId": "discovery"},
        {**stage("Closed won", "1.0", 1, isClosed="true"), "stageId": "closed-won"},
    ]}  # fmt: skip
    status, body = error(
        lambda: api.replace(
            "deals", "new-business", replacement, validate_deal_stage_usages_before_delete=True
        )
    )
    assert status == 400 and "evaluation" in body["message"] and body["category"] == "VALIDATION_ERROR"
    assert [s.id for s in api.get_by_id("deals", "new-business").stages] == [
        "discovery",
        "evaluation",
        "closed-won",
    ]
    replaced = api.replace("deals", "new-business", replacement)  # flags default to false
    assert [s.id for s in replaced.stages] == ["discovery", "closed-won"]
    status, _ = error(
        lambda: client.crm.pipelines.pipeline_stages_api.get_by_id("deals", "new-business", "evaluation")
    )
    assert status == 404


def test_patch_restore_and_archived_pipelines_are_404(client: HubSpot) -> None:
    api = client.crm.pipelines.pipelines_api
    api.create("deals", new_business())
    assert api.archive("deals", "new-business") is None
    status, _ = error(lambda: api.get_by_id("deals", "new-business"))
    assert status == 404
    assert "new-business" not in [p.id for p in api.get_all("deals").results]
    status, _ = error(lambda: api.update("deals", "new-business", PipelinePatchInput(label="X")))
    assert status == 404
    restored = api.update("deals", "new-business", PipelinePatchInput(archived=False, label="Restored"))
    assert restored.archived is False and restored.label == "Restored"
    status, body = error(lambda: api.update("deals", "new-business", PipelinePatchInput(archived=True)))
    assert status == 400 and "restore" in body["message"]


def test_delete_pipeline_with_deals_needs_flag_to_refuse(client: HubSpot) -> None:
    api = client.crm.pipelines.pipelines_api
    api.create("deals", new_business())
    client.crm.objects.basic_api.create("deals", {"properties": {"dealname": "D", "dealstage": "discovery"}})
    status, _ = error(
        lambda: api.archive("deals", "new-business", validate_deal_stage_usages_before_delete=True)
    )
    assert status == 400
    assert api.archive("deals", "new-business") is None


def test_the_last_pipeline_cannot_be_deleted(client: HubSpot) -> None:
    status, _ = error(lambda: client.crm.pipelines.pipelines_api.archive("tickets", "0"))
    assert status == 400


def test_stage_crud(client: HubSpot) -> None:
    client.crm.pipelines.pipelines_api.create("deals", new_business())
    stages = client.crm.pipelines.pipeline_stages_api
    created = stages.create(
        "deals",
        "new-business",
        PipelineStageInput(label="Pilot", display_order=5, metadata={"probability": "0.6"}),
    )
    assert isinstance(created, PipelineStage)  # 201
    assert created.metadata == {"probability": "0.6", "isClosed": "false"}
    assert created.write_permissions == "CRM_PERMISSIONS_ENFORCEMENT"
    patched = stages.update(
        "deals",
        "new-business",
        created.id,
        PipelineStagePatchInput(label="Pilot running", metadata={"probability": "0.7"}),
    )
    assert (patched.label, patched.metadata["probability"], patched.display_order) == (
        "Pilot running",
        "0.7",
        5,
    )
    replaced = stages.replace(
        "deals",
        "new-business",
        created.id,
        PipelineStageInput(label="Pilot", display_order=3, metadata={"probability": "0.5"}),
    )
    assert replaced.display_order == 3
    ordered = [s.id for s in stages.get_all("deals", "new-business").results]
    assert ordered == ["discovery", "evaluation", "closed-won", created.id]
    status, body = error(
        lambda: stages.update(
            "deals", "new-business", created.id, {"label": "Evaluation", "metadata": {"probability": "0.5"}}
        )
    )
    assert status == 400 and "unique" in body["message"]
    status, _ = error(lambda: stages.update("deals", "new-business", created.id, {"label": "No metadata"}))
    assert status == 400
    assert stages.archive("deals", "new-business", created.id) is None
    status, _ = error(lambda: stages.get_by_id("deals", "new-business", created.id))
    assert status == 404
    restore = PipelineStagePatchInput(archived=False, metadata={"probability": "0.5"})
    assert stages.update("deals", "new-business", created.id, restore).archived is False
    assert stages.get_by_id("deals", "new-business", created.id).archived_at is None
    status, _ = error(
        lambda: stages.update("deals", "new-business", created.id, {"archived": True, "metadata": {}})
    )
    assert status == 400


def test_stage_delete_honours_validate_flag_over_http(client: HubSpot) -> None:
    client.crm.pipelines.pipelines_api.create("deals", new_business())
    client.crm.objects.basic_api.create("deals", {"properties": {"dealname": "D", "dealstage": "evaluation"}})
    path = "/crm/v3/pipelines/deals/new-business/stages/evaluation"
    refused = call(client, "DELETE", path, qs={"validateReferencesBeforeDelete": "true"})
    assert refused.status_code == 400 and refused.json()["category"] == "VALIDATION_ERROR"
    assert call(client, "DELETE", path).status_code == 204
