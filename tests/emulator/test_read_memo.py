"""Reads are memoised between writes (``state.PortalState.memo``): every write must show in the next read.

Each test reads first (so a memo exists), writes through the official client (a record update, a
formula PATCH, a stage's metadata PATCH) or through the state under its lock, and reads again.
"""

from __future__ import annotations

from typing import Any

import pytest
from hubspot import HubSpot
from hubspot.crm.pipelines import PipelineStagePatchInput

from providers.hubspot.emulator.server import EmulatorServer

pytestmark = pytest.mark.emulator

WANTED = ["gtm_views_score", "gtm_views_band"]


def _calculated(client: HubSpot, threshold: int) -> None:
    core = client.crm.properties.core_api
    core.create("contacts", {
        "name": "gtm_views_score", "label": "Views score", "type": "number",
        "fieldType": "calculation_equation", "groupName": "contactinformation",
        "calculationFormula": f"if hs_analytics_num_page_views >= {threshold} then 10 else 0"})
    core.create("contacts", {
        "name": "gtm_views_band", "label": "Views band", "type": "string",
        "fieldType": "calculation_equation", "groupName": "contactinformation",
        "calculationFormula": "if gtm_views_score >= 10 then 'engaged' else 'quiet'"})


def _scored_list(client: HubSpot) -> str:
    filters = [{"filterType": "PROPERTY", "property": "gtm_views_score",
                "operation": {"operationType": "NUMBER", "operator": "IS_GREATER_THAN_OR_EQUAL_TO", "value": 10}}]
    branch = {"filterBranchType": "OR", "filterBranches": [{"filterBranchType": "AND", "filters": filters}]}
    created = client.crm.lists.lists_api.create({
        "name": "Engaged by score", "objectTypeId": "0-1", "processingType": "DYNAMIC", "filterBranch": branch})
    return str(created.list.list_id)


def _read(client: HubSpot, record_id: str, list_id: str) -> tuple[dict[str, Any], int, int]:
    """The record's calculated values, the list's size, and how many contacts a search on the score finds."""
    values = client.crm.objects.basic_api.get_by_id("contacts", record_id, properties=WANTED).properties
    size = client.crm.lists.lists_api.get_by_id(list_id).list.size
    found = client.crm.objects.search_api.do_search("contacts", {
        "filterGroups": [{"filters": [{"propertyName": "gtm_views_score", "operator": "GTE", "value": "10"}]}],
        "properties": WANTED, "limit": 100}).total
    return {k: values.get(k) for k in WANTED}, size, found


@pytest.fixture
def scored(client: HubSpot) -> tuple[list[str], str]:
    _calculated(client, 3)
    ids = [client.crm.objects.basic_api.create("contacts", {"properties": {"hs_analytics_num_page_views": str(n)}}).id
           for n in (1, 3, 7)]
    return ids, _scored_list(client)


def test_a_record_update_after_a_read_changes_calculated_values_list_sizes_and_search(
        client: HubSpot, scored: tuple[list[str], str]) -> None:
    ids, list_id = scored
    before = _read(client, ids[0], list_id)
    assert before == ({"gtm_views_score": "0", "gtm_views_band": "quiet"}, 2, 2)
    assert _read(client, ids[0], list_id) == before  # read again: the same answer
    client.crm.objects.basic_api.update("contacts", ids[0], {"properties": {"hs_analytics_num_page_views": "5"}})
    assert _read(client, ids[0], list_id) == ({"gtm_views_score": "10", "gtm_views_band": "engaged"}, 3, 3)


def test_a_formula_patch_after_a_read_changes_calculated_values_and_list_sizes(
        client: HubSpot, scored: tuple[list[str], str]) -> None:
    ids, list_id = scored
    assert _read(client, ids[1], list_id) == ({"gtm_views_score": "10", "gtm_views_band": "engaged"}, 2, 2)
    client.crm.properties.core_api.update("contacts", "gtm_views_score", {
        "calculationFormula": "if hs_analytics_num_page_views >= 5 then 10 else 0"})
    assert _read(client, ids[1], list_id) == ({"gtm_views_score": "0", "gtm_views_band": "quiet"}, 1, 1)
    client.crm.properties.core_api.update("contacts", "gtm_views_band", {
        "calculationFormula": "if gtm_views_score >= 10 then 'engaged' else 'idle'"})
    assert _read(client, ids[1], list_id)[0] == {"gtm_views_score": "0", "gtm_views_band": "idle"}


def test_a_stage_patch_after_a_read_changes_the_values_derived_from_it(client: HubSpot) -> None:
    api = client.crm.objects.basic_api
    flags = ["hs_is_closed", "hs_deal_stage_probability"]
    deal = api.create("deals", {"properties": {"dealname": "D", "dealstage": "appointmentscheduled"}})
    before = api.get_by_id("deals", deal.id, properties=flags).properties
    assert (before["hs_is_closed"], before["hs_deal_stage_probability"]) == ("false", "0.2")
    client.crm.pipelines.pipeline_stages_api.update(
        "deals", "default", "appointmentscheduled", PipelineStagePatchInput(metadata={"probability": "0.3"}))
    after = api.get_by_id("deals", deal.id, properties=flags).properties
    assert after["hs_deal_stage_probability"] == "0.3"


def test_a_change_made_under_the_state_lock_shows_in_the_next_read(
        client: HubSpot, emulator: EmulatorServer, scored: tuple[list[str], str]) -> None:
    ids, list_id = scored
    assert _read(client, ids[2], list_id)[1:] == (2, 2)
    with emulator.state.lock:
        emulator.state.records["contacts"][ids[2]]["properties"]["hs_analytics_num_page_views"] = "0"
    assert _read(client, ids[2], list_id) == ({"gtm_views_score": "0", "gtm_views_band": "quiet"}, 1, 1)


def test_reads_leave_the_generation_alone_and_writes_move_it(
        client: HubSpot, emulator: EmulatorServer, scored: tuple[list[str], str]) -> None:
    ids, list_id = scored
    start = emulator.state.generation
    _read(client, ids[0], list_id)
    client.crm.objects.batch_api.read("contacts", {"inputs": [{"id": i} for i in ids], "properties": WANTED})
    assert emulator.state.generation == start
    client.crm.objects.basic_api.update("contacts", ids[0], {"properties": {"firstname": "Ada"}})
    assert emulator.state.generation > start
