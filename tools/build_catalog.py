"""Build ``compiler/catalog/data/*.json`` (one file per CRM object) from ``tools/catalog_src``.

The sources are short notes written for this project: one line per HubSpot-defined
property (``name type fieldType label``, with the one-letter codes below) and
``options.yaml`` for the enumeration values.  This script adds what follows from the facts
(calculated and read-only flags, groups, pipelines and their stages) and writes the JSON the
catalog loader reads.  Run it after editing a source, then commit both:

    .venv/bin/python tools/build_catalog.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "tools" / "catalog_src"
OUT = ROOT / "compiler" / "catalog" / "data"
OBJECTS = ("contacts", "companies", "deals", "tickets")

TYPES = {"s": "string", "n": "number", "d": "datetime", "D": "date", "e": "enumeration", "b": "bool",
         "p": "phone_number", "o": "object_coordinates"}
FIELD_TYPES = {"t": "text", "ta": "textarea", "n": "number", "d": "date", "s": "select", "r": "radio",
               "c": "checkbox", "b": "booleancheckbox", "p": "phonenumber", "h": "html", "f": "file",
               "ce": "calculation_equation", "cr": "calculation_rollup", "cs": "calculation_score",
               "crt": "calculation_read_time"}

GROUPS: dict[str, list[tuple[str, str]]] = {
    "contacts": [("contactinformation", "Contact information"), ("emailinformation", "Email information"),
                 ("analyticsinformation", "Web analytics history"), ("sales_properties", "Sales properties"),
                 ("conversioninformation", "Conversion information"),
                 ("socialmediainformation", "Social media information")],
    "companies": [("companyinformation", "Company information"), ("analyticsinformation", "Web analytics history"),
                  ("socialmediainformation", "Social media information")],
    "deals": [("dealinformation", "Deal information"), ("deal_activity", "Deal activity")],
    "tickets": [("ticketinformation", "Ticket information")],
}

# Default pipelines of a fresh portal: deals "default" (probability, closed) and tickets "0" (state).
PIPELINES: dict[str, list[dict[str, Any]]] = {
    "deals": [{"id": "default", "label": "Sales Pipeline", "stages": [
        {"id": sid, "label": lab, "metadata": {"probability": prob, "isClosed": closed}}
        for sid, lab, prob, closed in (
            ("appointmentscheduled", "Appointment Scheduled", "0.2", "false"),
            ("qualifiedtobuy", "Qualified To Buy", "0.4", "false"),
            ("presentationscheduled", "Presentation Scheduled", "0.6", "false"),
            ("decisionmakerboughtin", "Decision Maker Bought-In", "0.8", "false"),
            ("contractsent", "Contract Sent", "0.9", "false"),
            ("closedwon", "Closed Won", "1.0", "true"),
            ("closedlost", "Closed Lost", "0.0", "true"))]}],
    "tickets": [{"id": "0", "label": "Support Pipeline", "stages": [
        {"id": sid, "label": lab, "metadata": {"ticketState": st}}
        for sid, lab, st in (("1", "New", "OPEN"), ("2", "Waiting on contact", "OPEN"),
                             ("3", "Waiting on us", "OPEN"), ("4", "Closed", "CLOSED"))]}],
}
# enumerations whose options are the live pipelines / stages (kept in step by the providers)
PIPELINE_OPTIONS = {("deals", "pipeline"): "pipelines", ("deals", "dealstage"): "stages",
                    ("tickets", "hs_pipeline"): "pipelines", ("tickets", "hs_pipeline_stage"): "stages"}
# enumerations whose options are portal records (owners, teams, users, ids): never checked offline
EXTERNAL = ("hubspot_owner_id", "hubspot_team_id", "hs_all_owner_ids", "hs_all_team_ids",
            "hs_all_accessible_team_ids", "hs_shared_team_ids", "hs_shared_user_ids", "hs_owning_teams",
            "hs_user_ids_of_all_owners", "hs_user_ids_of_all_notification_followers",
            "hs_user_ids_of_all_notification_unfollowers", "hs_all_assigned_business_unit_ids",
            "hs_attributed_team_ids", "hs_assigned_team_ids", "hs_all_collaborator_owner_ids",
            "hs_all_deal_split_owner_ids", "hs_first_agent_message_sent_by", "hs_copied_by_user")
# values HubSpot maintains itself (the API refuses writes); calculated properties are added below
READ_ONLY_PREFIXES = ("hs_analytics_", "hs_latest_source", "notes_", "num_", "hs_num_", "hs_v2_",
                      "hs_date_entered_", "hs_date_exited_", "hs_lifecyclestage_",
                      "hs_email_", "hs_sales_email_", "first_conversion", "recent_conversion",
                      "hs_object_", "hs_all_", "hs_user_ids_", "hs_social_", "hs_sequences_",
                      "hs_latest_sequence_", "engagements_last_meeting", "hs_last_sales_activity",
                      "hs_feedback_last_", "hs_is_closed", "hs_deal_stage_probability")
READ_ONLY = {"hs_object_id", "createdate", "lastmodifieddate", "hs_lastmodifieddate", "hs_createdate",
             "hubspot_owner_assigneddate", "hs_merged_object_ids", "hs_created_by_user_id",
             "hs_updated_by_user_id", "hs_unique_creation_key", "days_to_close", "first_deal_created_date",
             "recent_deal_amount", "recent_deal_close_date", "total_revenue", "hs_was_imported",
             "hs_read_only", "associatedcompanylastupdated", "first_contact_createdate", "hubspotscore"}
WRITABLE = {"hs_email_optout"}


def _group(obj: str, name: str) -> str:
    if obj == "contacts":
        if name.startswith(("hs_analytics_", "hs_latest_source")):
            return "analyticsinformation"
        if name.startswith("hs_email_") or name == "hs_emailconfirmationstatus":
            return "emailinformation"
        if name.startswith(("first_conversion", "recent_conversion")) or "conversion_events" in name:
            return "conversioninformation"
        if name.startswith(("hs_social_", "twitter", "linkedin", "hs_linkedin", "hs_facebook", "hs_googleplus",
                            "followercount", "kloutscore")):
            return "socialmediainformation"
        if name.startswith(("notes_", "num_notes", "num_contacted", "hs_sales_email_", "hs_last_sales_",
                            "hs_sequences_", "hs_latest_sequence_", "engagements_", "hs_lead_status",
                            "hubspot_owner", "hs_buying_role")):
            return "sales_properties"
        return "contactinformation"
    if obj == "companies":
        if name.startswith("hs_analytics_"):
            return "analyticsinformation"
        if name.startswith(("twitter", "facebook", "linkedin", "googleplus", "hs_linkedin")):
            return "socialmediainformation"
        return "companyinformation"
    if obj == "deals":
        if name.startswith(("notes_", "num_notes", "num_contacted", "engagements_", "hs_latest_",
                            "hs_number_of_", "hs_next_meeting", "hs_last_")):
            return "deal_activity"
        return "dealinformation"
    return "ticketinformation"


def _label(value: str) -> str:
    return value.replace("_", " ").title() if value.upper() == value else value.replace("_", " ").capitalize()


def _options(obj: str, name: str, kind: str, field: str, extra: dict[str, Any]) -> dict[str, Any]:
    entry = extra.get(name)
    if entry is not None and obj in entry.get("objects", OBJECTS):
        labels = entry.get("labels", {})
        return {"options": [{"value": str(v), "label": labels.get(v, _label(str(v)))} for v in entry["values"]],
                "optionSource": "catalog", "readOnlyOptions": bool(entry.get("readOnlyOptions", False))}
    if (obj, name) in PIPELINE_OPTIONS:
        source = PIPELINE_OPTIONS[(obj, name)]
        pipes = PIPELINES[obj]
        opts = ([{"value": p["id"], "label": p["label"]} for p in pipes] if source == "pipelines" else
                [{"value": s["id"], "label": s["label"]} for p in pipes for s in p["stages"]])
        return {"options": opts, "optionSource": source, "readOnlyOptions": True}
    if kind == "bool" or (kind == "enumeration" and field == "booleancheckbox"):
        return {"options": [{"value": "true", "label": "Yes"}, {"value": "false", "label": "No"}],
                "optionSource": "catalog", "readOnlyOptions": True}
    if kind == "enumeration":
        return {"options": [], "optionSource": "external" if name in EXTERNAL else "unlisted",
                "readOnlyOptions": name in EXTERNAL}
    return {"options": []}


def build_object(obj: str, extra: dict[str, Any]) -> dict[str, Any]:
    props: list[dict[str, Any]] = []
    seen: set[str] = set()
    for raw in (SRC / f"{obj}.txt").read_text().splitlines():
        if not raw.strip() or raw.startswith("#"):
            continue
        name, kind_code, field_code, label = raw.split(" ", 3)
        if name in seen:
            sys.exit(f"{obj}.txt: {name} listed twice")
        seen.add(name)
        kind, field = TYPES[kind_code], FIELD_TYPES[field_code]
        calculated = field.startswith("calculation_")
        read_only = name not in WRITABLE and (calculated or name in READ_ONLY or name.startswith(READ_ONLY_PREFIXES))
        prop: dict[str, Any] = {"name": name, "label": label, "type": kind, "fieldType": field,
                                "groupName": _group(obj, name), "hubspotDefined": True,
                                "calculated": calculated, "readOnlyValue": read_only}
        prop.update(_options(obj, name, kind, field, extra))
        if name == "hubspot_owner_id":
            prop["referencedObjectType"] = "OWNER"
        props.append(prop)
    return {"object": obj, "groups": [{"name": n, "label": lab} for n, lab in GROUPS[obj]],
            "pipelines": PIPELINES.get(obj, []), "properties": props}


def dump(data: dict[str, Any]) -> str:
    """Stable, reviewable JSON: one property per line."""
    head = {k: v for k, v in data.items() if k != "properties"}
    lines = [json.dumps(head, ensure_ascii=False)[:-1] + ', "properties": [']
    props = data["properties"]
    lines += [json.dumps(p, ensure_ascii=False) + ("," if i < len(props) - 1 else "") for i, p in enumerate(props)]
    lines.append("]}")
    return "\n".join(lines) + "\n"


def main() -> None:
    extra = yaml.safe_load((SRC / "options.yaml").read_text())
    OUT.mkdir(parents=True, exist_ok=True)
    for obj in OBJECTS:
        data = build_object(obj, extra)
        (OUT / f"{obj}.json").write_text(dump(data))
        print(f"{obj}: {len(data['properties'])} properties")


if __name__ == "__main__":
    main()
