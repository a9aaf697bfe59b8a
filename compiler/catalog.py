"""What a fresh HubSpot portal already has: default properties, lifecycle stages, the default
deal pipeline.  Seeds the local provider and answers "is this a known property?" offline.
"""

from __future__ import annotations

import re
from typing import Any

LIFECYCLE_STAGES: tuple[tuple[str, str], ...] = (
    ("subscriber", "Subscriber"),
    ("lead", "Lead"),
    ("marketingqualifiedlead", "Marketing Qualified Lead"),
    ("salesqualifiedlead", "Sales Qualified Lead"),
    ("opportunity", "Opportunity"),
    ("customer", "Customer"),
    ("evangelist", "Evangelist"),
    ("other", "Other"),
)

LEAD_STATUS: tuple[str, ...] = (
    "NEW", "OPEN", "IN_PROGRESS", "OPEN_DEAL", "UNQUALIFIED", "ATTEMPTED_TO_CONTACT", "CONNECTED", "BAD_TIMING",
)
# HubSpot's company industry enumeration (a representative subset of its values)
INDUSTRIES: tuple[str, ...] = (
    "ACCOUNTING", "AIRLINES_AVIATION", "APPAREL_FASHION", "AUTOMOTIVE", "BANKING", "COMPUTER_SOFTWARE",
    "CONSTRUCTION", "CONSUMER_GOODS", "E_LEARNING", "FINANCIAL_SERVICES", "FOOD_BEVERAGES", "HOSPITAL_HEALTH_CARE",
    "INFORMATION_TECHNOLOGY_AND_SERVICES", "INSURANCE", "LOGISTICS_AND_SUPPLY_CHAIN", "MACHINERY",
    "MARKETING_AND_ADVERTISING", "OIL_ENERGY", "PACKAGE_FREIGHT_DELIVERY", "REAL_ESTATE", "RETAIL",
    "TELECOMMUNICATIONS", "TRANSPORTATION_TRUCKING_RAILROAD", "WAREHOUSING", "WHOLESALE",
)
EMPLOYEE_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("1-5", 1, 5), ("5-25", 5, 25), ("25-50", 25, 50), ("50-100", 50, 100), ("100-500", 100, 500),
    ("500-1000", 500, 1000), ("1000+", 1000, None),
)

# default deal pipeline (id "default"): (stage id, label, probability, closed)
DEFAULT_DEAL_STAGES: tuple[tuple[str, str, float, bool], ...] = (
    ("appointmentscheduled", "Appointment Scheduled", 0.2, False),
    ("qualifiedtobuy", "Qualified To Buy", 0.4, False),
    ("presentationscheduled", "Presentation Scheduled", 0.6, False),
    ("decisionmakerboughtin", "Decision Maker Bought-In", 0.8, False),
    ("contractsent", "Contract Sent", 0.9, False),
    ("closedwon", "Closed Won", 1.0, True),
    ("closedlost", "Closed Lost", 0.0, True),
)

# (name, label, type, fieldType, options)
_P = tuple[str, str, str, str, tuple[str, ...]]
_COMMON: tuple[_P, ...] = (
    ("hubspot_owner_id", "Owner", "enumeration", "select", ()),
    ("createdate", "Create Date", "datetime", "date", ()),
    ("lifecyclestage", "Lifecycle Stage", "enumeration", "radio", tuple(s for s, _ in LIFECYCLE_STAGES)),
)
DEFAULT_PROPERTIES: dict[str, tuple[_P, ...]] = {
    "contacts": (
        *_COMMON,
        ("email", "Email", "string", "text", ()),
        ("firstname", "First Name", "string", "text", ()),
        ("lastname", "Last Name", "string", "text", ()),
        ("jobtitle", "Job Title", "string", "text", ()),
        ("company", "Company Name", "string", "text", ()),
        ("industry", "Industry", "string", "text", ()),
        ("country", "Country/Region", "string", "text", ()),
        ("city", "City", "string", "text", ()),
        ("numemployees", "Number of Employees", "enumeration", "select", tuple(b for b, _, _ in EMPLOYEE_BANDS)),
        ("hs_lead_status", "Lead Status", "enumeration", "radio", LEAD_STATUS),
        ("hs_email_optout", "Unsubscribed from all email", "bool", "booleancheckbox", ()),
        ("hs_analytics_num_page_views", "Number of Pageviews", "number", "number", ()),
        ("hs_analytics_num_visits", "Number of Sessions", "number", "number", ()),
        ("hs_analytics_source", "Original Source", "enumeration", "select",
         ("ORGANIC_SEARCH", "PAID_SEARCH", "EMAIL_MARKETING", "SOCIAL_MEDIA", "REFERRALS", "OTHER_CAMPAIGNS",
          "DIRECT_TRAFFIC", "OFFLINE", "PAID_SOCIAL")),
        ("recent_conversion_event_name", "Recent Conversion", "string", "text", ()),
        ("num_conversion_events", "Number of Form Submissions", "number", "number", ()),
        ("hs_sales_email_last_replied", "Recent Sales Email Replied Date", "datetime", "date", ()),
        ("notes_last_contacted", "Last Contacted", "datetime", "date", ()),
    ),
    "companies": (
        *_COMMON,
        ("name", "Company name", "string", "text", ()),
        ("domain", "Company Domain Name", "string", "text", ()),
        ("industry", "Industry", "enumeration", "select", INDUSTRIES),
        ("numberofemployees", "Number of Employees", "number", "number", ()),
        ("annualrevenue", "Annual Revenue", "number", "number", ()),
        ("country", "Country/Region", "string", "text", ()),
        ("city", "City", "string", "text", ()),
        ("web_technologies", "Web Technologies", "enumeration", "checkbox",
         ("sap", "oracle-tms", "salesforce", "hubspot", "shopify", "netsuite", "microsoft-dynamics")),
        ("num_associated_contacts", "Number of Associated Contacts", "number", "number", ()),
        ("notes_last_contacted", "Last Contacted", "datetime", "date", ()),
    ),
    "deals": (
        ("hubspot_owner_id", "Deal owner", "enumeration", "select", ()),
        ("createdate", "Create Date", "datetime", "date", ()),
        ("dealname", "Deal Name", "string", "text", ()),
        ("amount", "Amount", "number", "number", ()),
        ("dealstage", "Deal Stage", "enumeration", "radio", tuple(s for s, _, _, _ in DEFAULT_DEAL_STAGES)),
        ("pipeline", "Pipeline", "enumeration", "select", ("default",)),
        ("closedate", "Close Date", "datetime", "date", ()),
        ("hs_is_closed", "Is Deal Closed?", "bool", "booleancheckbox", ()),
        ("hs_is_closed_won", "Is Closed Won", "bool", "booleancheckbox", ()),
        ("num_associated_contacts", "Number of Contacts", "number", "number", ()),
        ("hs_v2_date_entered_current_stage", "Date entered current stage", "datetime", "date", ()),
        ("notes_last_contacted", "Last Contacted", "datetime", "date", ()),
    ),
}

# per-stage properties HubSpot maintains on deals: time in stage (milliseconds)
STAGE_PROPERTY_PATTERNS: dict[str, re.Pattern[str]] = {
    "deals": re.compile(r"^hs_(v2_)?time_in_[a-z0-9_-]+$"),
}
DEFAULT_GROUPS: dict[str, tuple[tuple[str, str], ...]] = {
    "contacts": (("contactinformation", "Contact information"), ("analyticsinformation", "Web analytics history")),
    "companies": (("companyinformation", "Company information"),),
    "deals": (("dealinformation", "Deal information"),),
}
DEFAULT_GROUP_FOR: dict[str, str] = {"contacts": "contactinformation", "companies": "companyinformation",
                                     "deals": "dealinformation"}


def property_type(obj: str, name: str) -> str | None:
    for p in DEFAULT_PROPERTIES.get(obj, ()):
        if p[0] == name:
            return p[2]
    pat = STAGE_PROPERTY_PATTERNS.get(obj)
    if pat is not None and pat.match(name):
        return "number"
    return None


def known_property(obj: str, name: str) -> bool:
    """True when a fresh portal has ``name`` on ``obj`` (default or HubSpot-maintained)."""
    return property_type(obj, name) is not None


def property_options(obj: str, name: str) -> tuple[str, ...]:
    for p in DEFAULT_PROPERTIES.get(obj, ()):
        if p[0] == name:
            return p[4]
    return ()


def default_property_dicts(obj: str) -> list[dict[str, Any]]:
    """Default properties as IR attribute dicts (read-only, HubSpot-defined)."""
    out = []
    for i, (name, label, typ, ft, opts) in enumerate(DEFAULT_PROPERTIES.get(obj, ())):
        out.append({
            "name": name, "label": label, "type": typ, "field_type": ft, "group": DEFAULT_GROUP_FOR[obj],
            "description": "", "display_order": i,
            "options": [{"value": o, "label": o, "display_order": j, "hidden": False} for j, o in enumerate(opts)],
            "hubspot_defined": True,
        })
    return out
