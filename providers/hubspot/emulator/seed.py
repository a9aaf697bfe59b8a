"""What a fresh portal holds: default groups, HubSpot-defined properties, pipelines.

Pipelines (OBSERVED ids and probabilities; SPEC: defaults report ``createdAt`` = epoch 0):
deals ``default`` "Sales Pipeline" with appointmentscheduled 0.2, qualifiedtobuy 0.4,
presentationscheduled 0.6, decisionmakerboughtin 0.8, contractsent 0.9, closedwon 1.0
(closed), closedlost 0.0 (closed); tickets ``0`` "Support Pipeline" with stages 1, 2, 3
(OPEN) and 4 (CLOSED).  Properties are a representative subset of HubSpot's defaults
(``hubspotDefined: true``, ``readOnlyDefinition: true``): ``lifecyclestage`` has
read-only options, ``hs_lead_status`` and ``industry`` editable ones.
"""

from __future__ import annotations

from typing import Any

from compiler.catalog import INDUSTRIES, LIFECYCLE_STAGES
from compiler.catalog import LEAD_STATUS as LEAD_STATUS_VALUES

from .directory import seed_directory
from .state import EPOCH_ISO, PortalState

LIFECYCLE = LIFECYCLE_STAGES
LEAD_STATUS = tuple((v, v.replace("_", " ").title()) for v in LEAD_STATUS_VALUES)
SOURCES = (
    "ORGANIC_SEARCH",
    "PAID_SEARCH",
    "EMAIL_MARKETING",
    "SOCIAL_MEDIA",
    "REFERRALS",
    "OTHER_CAMPAIGNS",
    "DIRECT_TRAFFIC",
    "OFFLINE",
    "PAID_SOCIAL",
)
GROUPS: dict[str, tuple[tuple[str, str], ...]] = {
    "contacts": (
        ("contactinformation", "Contact information"),
        ("emailinformation", "Email information"),
        ("analyticsinformation", "Web analytics history"),
        ("sales_properties", "Sales properties"),
    ),
    "companies": (
        ("companyinformation", "Company information"),
        ("analyticsinformation", "Web analytics history"),
    ),
    "deals": (("dealinformation", "Deal information"),),
    "tickets": (("ticketinformation", "Ticket information"),),
}
# (name, label, type, fieldType, group or "" for the first group, options, readOnlyOptions)
Spec = tuple[str, str, str, str, str, tuple[tuple[str, str], ...], bool]
_OWNER: Spec = ("hubspot_owner_id", "Owner", "enumeration", "select", "", (), True)
_COMMON_DATES: tuple[Spec, ...] = (
    ("createdate", "Create Date", "datetime", "date", "", (), True),
    ("hs_object_id", "Record ID", "number", "number", "", (), True),
)
PROPERTIES: dict[str, tuple[Spec, ...]] = {
    "contacts": (
        ("email", "Email", "string", "text", "contactinformation", (), True),
        ("firstname", "First Name", "string", "text", "contactinformation", (), True),
        ("lastname", "Last Name", "string", "text", "contactinformation", (), True),
        ("jobtitle", "Job Title", "string", "text", "contactinformation", (), True),
        ("company", "Company Name", "string", "text", "contactinformation", (), True),
        ("phone", "Phone Number", "string", "phonenumber", "contactinformation", (), True),
        ("country", "Country/Region", "string", "text", "contactinformation", (), True),
        ("lifecyclestage", "Lifecycle Stage", "enumeration", "radio", "contactinformation", LIFECYCLE, True),
        ("hs_lead_status", "Lead Status", "enumeration", "radio", "sales_properties", LEAD_STATUS, False),
        (
            "hs_email_optout",
            "Unsubscribed from all email",
            "bool",
            "booleancheckbox",
            "emailinformation",
            (),
            True,
        ),
        (
            "hs_analytics_num_page_views",
            "Number of Pageviews",
            "number",
            "number",
            "analyticsinformation",
            (),
            True,
        ),
        (
            "hs_analytics_source",
            "Original Traffic Source",
            "enumeration",
            "select",
            "analyticsinformation",
            tuple((s, s.replace("_", " ").title()) for s in SOURCES),
            True,
        ),
        (
            "hs_sales_email_last_replied",
            "Recent Sales Email Replied Date",
            "datetime",
            "date",
            "sales_properties",
            (),
            True,
        ),
        ("lastmodifieddate", "Last Modified Date", "datetime", "date", "contactinformation", (), True),
        ("city", "City", "string", "text", "contactinformation", (), True),
        ("industry", "Industry", "string", "text", "contactinformation", (), True),
        ("numemployees", "Number of Employees", "enumeration", "select", "contactinformation",
         tuple((b, b) for b in ("1-5", "5-25", "25-50", "50-100", "100-500", "500-1000", "1000+")), False),
        ("hs_analytics_num_visits", "Number of Sessions", "number", "number", "analyticsinformation", (), True),
        ("recent_conversion_event_name", "Recent Conversion", "string", "text", "contactinformation", (), True),
        ("num_conversion_events", "Number of Form Submissions", "number", "number", "contactinformation", (),
         True),
        ("notes_last_contacted", "Last Contacted", "datetime", "date", "sales_properties", (), True),
        _OWNER,
        *_COMMON_DATES,
    ),
    "companies": (
        ("name", "Company name", "string", "text", "companyinformation", (), True),
        ("domain", "Company Domain Name", "string", "text", "companyinformation", (), True),
        (
            "industry",
            "Industry",
            "enumeration",
            "select",
            "companyinformation",
            tuple((i, i.replace("_", " ").title()) for i in INDUSTRIES),
            False,
        ),
        ("numberofemployees", "Number of Employees", "number", "number", "companyinformation", (), True),
        ("annualrevenue", "Annual Revenue", "number", "number", "companyinformation", (), True),
        ("country", "Country/Region", "string", "text", "companyinformation", (), True),
        ("city", "City", "string", "text", "companyinformation", (), True),
        ("lifecyclestage", "Lifecycle Stage", "enumeration", "radio", "companyinformation", LIFECYCLE, True),
        ("hs_lastmodifieddate", "Last Modified Date", "datetime", "date", "companyinformation", (), True),
        ("web_technologies", "Web Technologies", "enumeration", "checkbox", "companyinformation",
         tuple((t, t) for t in ("sap", "oracle-tms", "salesforce", "hubspot", "shopify", "netsuite",
                                "microsoft-dynamics")), False),
        ("num_associated_contacts", "Number of Associated Contacts", "number", "number", "companyinformation",
         (), True),
        ("notes_last_contacted", "Last Contacted", "datetime", "date", "companyinformation", (), True),
        _OWNER,
        *_COMMON_DATES,
    ),
    "deals": (
        ("dealname", "Deal Name", "string", "text", "dealinformation", (), True),
        ("amount", "Amount", "number", "number", "dealinformation", (), True),
        ("closedate", "Close Date", "datetime", "date", "dealinformation", (), True),
        ("pipeline", "Pipeline", "enumeration", "select", "dealinformation", (), True),
        ("dealstage", "Deal Stage", "enumeration", "radio", "dealinformation", (), True),
        (
            "dealtype",
            "Deal Type",
            "enumeration",
            "radio",
            "dealinformation",
            (("newbusiness", "New Business"), ("existingbusiness", "Existing Business")),
            False,
        ),
        ("hs_is_closed", "Is Deal Closed?", "bool", "booleancheckbox", "dealinformation", (), True),
        ("hs_is_closed_won", "Is Closed Won", "bool", "booleancheckbox", "dealinformation", (), True),
        ("hs_deal_stage_probability", "Deal probability", "number", "number", "dealinformation", (), True),
        ("hs_lastmodifieddate", "Last Modified Date", "datetime", "date", "dealinformation", (), True),
        ("num_associated_contacts", "Number of Contacts", "number", "number", "dealinformation", (), True),
        ("hs_v2_date_entered_current_stage", "Date entered current stage", "datetime", "date", "dealinformation",
         (), True),
        ("notes_last_contacted", "Last Contacted", "datetime", "date", "dealinformation", (), True),
        _OWNER,
        *_COMMON_DATES,
    ),
    "tickets": (
        ("subject", "Ticket name", "string", "text", "ticketinformation", (), True),
        ("content", "Ticket description", "string", "textarea", "ticketinformation", (), True),
        ("hs_pipeline", "Pipeline", "enumeration", "select", "ticketinformation", (), True),
        ("hs_pipeline_stage", "Ticket status", "enumeration", "radio", "ticketinformation", (), True),
        (
            "hs_ticket_priority",
            "Priority",
            "enumeration",
            "select",
            "ticketinformation",
            (("LOW", "Low"), ("MEDIUM", "Medium"), ("HIGH", "High"), ("URGENT", "Urgent")),
            False,
        ),
        ("hs_lastmodifieddate", "Last Modified Date", "datetime", "date", "ticketinformation", (), True),
        _OWNER,
        *_COMMON_DATES,
    ),
}
DEAL_STAGES = (
    ("appointmentscheduled", "Appointment Scheduled", "0.2", "false"),
    ("qualifiedtobuy", "Qualified To Buy", "0.4", "false"),
    ("presentationscheduled", "Presentation Scheduled", "0.6", "false"),
    ("decisionmakerboughtin", "Decision Maker Bought-In", "0.8", "false"),
    ("contractsent", "Contract Sent", "0.9", "false"),
    ("closedwon", "Closed Won", "1.0", "true"),
    ("closedlost", "Closed Lost", "0.0", "true"),
)
TICKET_STAGES = (
    ("1", "New", "OPEN"),
    ("2", "Waiting on contact", "OPEN"),
    ("3", "Waiting on us", "OPEN"),
    ("4", "Closed", "CLOSED"),
)


def _property(object_name: str, spec: Spec, order: int) -> dict[str, Any]:
    name, label, kind, field_type, group, options, read_only_options = spec
    if not group:
        group = GROUPS[object_name][0][0]
    if kind == "bool" and not options:
        options = (("true", "Yes"), ("false", "No"))
    prop: dict[str, Any] = {
        "updatedAt": EPOCH_ISO,
        "createdAt": EPOCH_ISO,
        "name": name,
        "label": label,
        "type": kind,
        "fieldType": field_type,
        "description": "",
        "groupName": group,
        "options": [
            {"label": lab, "value": val, "description": "", "displayOrder": i, "hidden": False}
            for i, (val, lab) in enumerate(options)
        ],
        "displayOrder": order,
        "calculated": False,
        "externalOptions": name == "hubspot_owner_id",
        "hasUniqueValue": False,
        "hidden": False,
        "hubspotDefined": True,
        "modificationMetadata": {
            "archivable": False,
            "readOnlyDefinition": True,
            "readOnlyOptions": read_only_options,
            "readOnlyValue": name in ("hs_object_id", "hs_is_closed", "hs_is_closed_won"),
        },
        "formField": kind != "datetime",
        "dataSensitivity": "non_sensitive",
        "archived": False,
    }
    if name == "hubspot_owner_id":
        prop["referencedObjectType"] = "OWNER"
    return prop


def _stage(stage_id: str, label: str, order: int, metadata: dict[str, str]) -> dict[str, Any]:
    return {
        "label": label,
        "displayOrder": order,
        "metadata": metadata,
        "id": stage_id,
        "createdAt": EPOCH_ISO,
        "updatedAt": EPOCH_ISO,
        "archived": False,
        "writePermissions": "CRM_PERMISSIONS_ENFORCEMENT",
    }


def seed_portal(state: PortalState) -> None:
    """Fill an empty :class:`PortalState` with a fresh portal's defaults."""
    seed_directory(state.directory)
    for object_name, groups in GROUPS.items():
        for order, (name, label) in enumerate(groups):
            state.groups[object_name][name] = {
                "name": name,
                "label": label,
                "displayOrder": order,
                "archived": False,
            }
        state.properties[object_name] = [
            _property(object_name, spec, order) for order, spec in enumerate(PROPERTIES[object_name])
        ]
    deal_stages = [
        _stage(sid, label, i, {"isClosed": closed, "probability": prob})
        for i, (sid, label, prob, closed) in enumerate(DEAL_STAGES)
    ]
    ticket_stages = [
        _stage(sid, label, i, {"ticketState": st}) for i, (sid, label, st) in enumerate(TICKET_STAGES)
    ]
    for object_name, pipeline_id, label, stages in (
        ("deals", "default", "Sales Pipeline", deal_stages),
        ("tickets", "0", "Support Pipeline", ticket_stages),
    ):
        state.pipelines[object_name][pipeline_id] = {
            "label": label,
            "displayOrder": 0,
            "id": pipeline_id,
            "stages": stages,
            "createdAt": EPOCH_ISO,
            "updatedAt": EPOCH_ISO,
            "archived": False,
        }
