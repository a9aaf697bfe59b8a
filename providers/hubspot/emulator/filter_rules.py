"""Which property operations HubSpot accepts on which property, checked the same way everywhere.

Lists (``filterBranch``), flow enrolment (``enrollmentCriteria.listFilterBranch``), flow goals
(``goalFilterBranch``) and re-enrolment triggers (``reEnrollmentTriggersFilterBranches``) all
carry the same ``PROPERTY`` filters, so the emulator validates them with one function,
:func:`check_property_filter`, and answers a wrong shape with HubSpot's error envelope (400
``VALIDATION_ERROR``).  Each rule cites its source; ``docs/emulator.md`` ("Filters") lists them
with what stays unverified.  Where HubSpot's behaviour is unknown the stricter reading is taken.

Sources:

* DOC-LF — HubSpot's list-filters guide (developers.hubspot.com, Lists API "List filters"):
  "Property filter operations", the operator list of each operation, and the ``TIME_POINT`` /
  ``TIME_RANGED`` examples.
* SPEC — HubSpot's SDKs generated from its OpenAPI spec (``HubSpot/hubspot-sdk-python``
  ``types/crm/public_*_operation_param.py``): required fields of each operation.
* OBS-695 — hubspot-api-nodejs#695 and airbyte#83314 (same reporter, live portal): on an
  enumeration property ``IS_NOT_EQUAL_TO`` is refused with 400; use ``IS_NONE_OF`` with
  ``values``.
"""

from __future__ import annotations

from typing import Any

from .errors import ApiError, validation

# R2 — operation types per property type.  DOC-LF names each family after the property type it is
# "for" (string → string, number → number, bool → boolean, enumeration → enumeration, datetime
# operations → datetime); MULTISTRING is shown on a string property (``firstname``).  Stricter
# where unknown: no string family on an enumeration (OBS-695 refuses IS_NOT_EQUAL_TO there), no
# enumeration family on a string, no date family on anything but date/datetime.
_DATE_OPERATIONS = frozenset({"TIME_POINT", "TIME_RANGED", "DATETIME", "DATETIME_RANGED", "DATETIME_ROLLING",
                              "ROLLING_DATE_RANGE", "DATETIME_COMPARATIVE", "COMPARATIVE_DATE"})
OPERATION_TYPES: dict[str, frozenset[str]] = {
    "enumeration": frozenset({"ENUMERATION"}),
    "string": frozenset({"STRING", "MULTISTRING"}),
    "phone_number": frozenset({"STRING", "MULTISTRING"}),
    "number": frozenset({"NUMBER", "RANGED_NUMBER"}),
    "bool": frozenset({"BOOL"}),
    "date": _DATE_OPERATIONS,
    "datetime": _DATE_OPERATIONS,
}
#: DOC-LF "All property types operations": known / unknown / blank / not blank on any property
ANY_TYPE = "ALL_PROPERTY"

_TEXT = ("IS_EQUAL_TO", "IS_NOT_EQUAL_TO", "CONTAINS", "DOES_NOT_CONTAIN", "STARTS_WITH", "ENDS_WITH")
_ORDER = ("IS_GREATER_THAN", "IS_GREATER_THAN_OR_EQUAL_TO", "IS_LESS_THAN", "IS_LESS_THAN_OR_EQUAL_TO")
_EVER = ("HAS_EVER_BEEN_EQUAL_TO", "HAS_NEVER_BEEN_EQUAL_TO")
_DAYS = ("IS_LESS_THAN_X_DAYS_AGO", "IS_MORE_THAN_X_DAYS_AGO", "IS_LESS_THAN_X_DAYS_FROM_NOW",
         "IS_MORE_THAN_X_DAYS_FROM_NOW")
# R3 — operators per operation type (DOC-LF operator lists; TIME_POINT / TIME_RANGED from SPEC).
OPERATORS: dict[str, frozenset[str]] = {
    "ALL_PROPERTY": frozenset({"IS_KNOWN", "IS_UNKNOWN", "IS_BLANK", "IS_NOT_BLANK"}),
    "STRING": frozenset({*_TEXT, *_EVER, "HAS_EVER_CONTAINED", "HAS_NEVER_CONTAINED"}),
    "MULTISTRING": frozenset({*_TEXT, "CONTAINS_EXACTLY", "DOES_NOT_CONTAIN_EXACTLY"}),
    "NUMBER": frozenset({"IS_EQUAL_TO", "IS_NOT_EQUAL_TO", *_ORDER, *_EVER}),
    "RANGED_NUMBER": frozenset({"IS_BETWEEN", "IS_NOT_BETWEEN"}),
    "BOOL": frozenset({"IS_EQUAL_TO", "IS_NOT_EQUAL_TO", *_EVER}),
    "ENUMERATION": frozenset({"IS_ANY_OF", "IS_NONE_OF", "IS_EXACTLY", "IS_NOT_EXACTLY", "CONTAINS_ALL",
                              "DOES_NOT_CONTAIN_ALL", "HAS_EVER_BEEN_ANY_OF", "HAS_NEVER_BEEN_ANY_OF",
                              "HAS_EVER_BEEN_EXACTLY", "HAS_NEVER_BEEN_EXACTLY", "HAS_EVER_CONTAINED_ALL",
                              "HAS_NEVER_CONTAINED_ALL"}),
    "DATETIME": frozenset({"IS_EQUAL_TO", "IS_BEFORE_DATE", "IS_AFTER_DATE"}),
    "DATETIME_COMPARATIVE": frozenset({"IS_BEFORE", "IS_AFTER"}),
    "COMPARATIVE_DATE": frozenset({"IS_BEFORE", "IS_AFTER"}),
    "DATETIME_RANGED": frozenset({"IS_BETWEEN", "IS_NOT_BETWEEN"}),
    "DATETIME_ROLLING": frozenset(_DAYS),
    "ROLLING_DATE_RANGE": frozenset(_DAYS),
    "TIME_POINT": frozenset({"IS_BEFORE", "IS_AFTER"}),
    "TIME_RANGED": frozenset({"IS_BETWEEN", "IS_NOT_BETWEEN"}),
}
TIME_TYPES = frozenset({"DATE", "INDEXED", "PROPERTY_REFERENCED"})
#: SPEC ``PublicIndexedTimePoint.indexReference`` kinds
INDEX_REFERENCES = frozenset({"NOW", "TODAY", "WEEK", "MONTH", "QUARTER", "YEAR", "FISCAL_QUARTER",
                              "FISCAL_YEAR"})
#: SPEC ``PublicIndexOffset`` fields (all integers)
OFFSET_FIELDS = frozenset({"days", "hours", "milliseconds", "minutes", "months", "quarters", "seconds",
                           "weeks", "years"})

PropertyOf = Any  # callable: name -> property definition dict or None


def _bad(where: str, message: str, name: Any = None) -> ApiError:
    ctx = {"property": [str(name)]} if name is not None else None
    return validation(f"{where}: {message}", context=ctx)


def _legacy_shapes() -> bool:
    """The test-only ``legacy_filter_shapes`` switch (config.py): R2 is not enforced while it is on."""
    from flask import has_app_context

    from .runtime import runtime

    return has_app_context() and runtime().config.legacy_filter_shapes


#: SPEC ``PublicIndexedTimePoint.timezoneSource``: where the zone comes from
TIMEZONE_SOURCES = frozenset({"CUSTOM", "USER", "PORTAL"})


def _known_zone(name: str) -> bool:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _check_time_point(point: Any, where: str, property_of: PropertyOf) -> None:
    """R5 — a time point (SPEC ``PublicDatePoint`` / ``PublicIndexedTimePoint`` /
    ``PublicPropertyReferencedTime``; DOC-LF examples)."""
    if not isinstance(point, dict) or point.get("timeType") not in TIME_TYPES:
        raise _bad(where, f"a time point needs timeType among {sorted(TIME_TYPES)}")
    kind = point["timeType"]
    if kind == "INDEXED":
        ref = (point.get("indexReference") or {}).get("referenceType")
        if ref not in INDEX_REFERENCES:
            raise _bad(where, f"indexReference.referenceType must be one of {sorted(INDEX_REFERENCES)}")
        if not isinstance(point.get("zoneId"), str) or not point["zoneId"]:
            raise _bad(where, "an INDEXED time point needs a zoneId")  # SPEC: zoneId required
        if not _known_zone(point["zoneId"]):  # STRICT: a zone HubSpot cannot resolve is refused
            raise _bad(where, f"zoneId '{point['zoneId']}' is not a known time zone")
        source = point.get("timezoneSource", "CUSTOM")
        if source not in TIMEZONE_SOURCES:  # SPEC: CUSTOM, USER or PORTAL (a free string there; STRICT)
            raise _bad(where, f"timezoneSource must be one of {sorted(TIMEZONE_SOURCES)}")
        offset = point.get("offset", {})
        if not isinstance(offset, dict) or not set(offset) <= OFFSET_FIELDS or not all(
                isinstance(v, int) and not isinstance(v, bool) for v in offset.values()):
            raise _bad(where, f"offset takes whole numbers of {sorted(OFFSET_FIELDS)}")
    elif kind == "DATE":
        if not all(isinstance(point.get(k), int) for k in ("year", "month", "day")):
            raise _bad(where, "a DATE time point needs whole-number year, month and day")
    elif not isinstance(point.get("property"), str) or property_of(point["property"]) is None:
        raise _bad(where, f"time point property '{point.get('property')}' does not exist", point.get("property"))


def check_operation(ptype: str, name: str, op: Any, where: str, property_of: PropertyOf) -> None:
    """Rules R2–R5 for one ``operation`` on a property of type ``ptype``."""
    if not isinstance(op, dict) or not op.get("operationType") or not op.get("operator"):
        raise _bad(where, "a PROPERTY filter needs operation.operationType and operation.operator", name)
    kind, operator = op["operationType"], op["operator"]
    allowed = OPERATORS.get(kind)
    if allowed is None:  # stricter where unknown: operation types HubSpot documents, spelled as in SPEC
        raise _bad(where, f"unknown operationType {kind!r}", name)
    if kind != ANY_TYPE and kind not in OPERATION_TYPES.get(ptype, frozenset()) and not _legacy_shapes():
        valid = sorted({ANY_TYPE, *OPERATION_TYPES.get(ptype, frozenset())})
        raise _bad(where, f"operationType {kind} cannot be used on {ptype} property '{name}'; valid: {valid}",
                   name)
    if operator not in allowed:
        raise _bad(where, f"operator {operator} is not valid for operationType {kind}; valid: {sorted(allowed)}",
                   name)
    # R4 — the operand each operation carries (SPEC required fields; DOC-LF examples)
    if kind in ("STRING",) and not isinstance(op.get("value"), str):
        raise _bad(where, f"{kind} {operator} needs a string value", name)
    if kind == "NUMBER" and not _is_number(op.get("value")):
        raise _bad(where, f"{kind} {operator} needs a number value", name)
    if kind == "BOOL" and not isinstance(op.get("value"), bool):
        raise _bad(where, "BOOL can only filter for a value of true or false", name)  # DOC-LF
    if kind in ("MULTISTRING", "ENUMERATION"):
        values = op.get("values")
        if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
            raise _bad(where, f"{kind} {operator} needs a non-empty values array of strings", name)
    if kind == "RANGED_NUMBER" and not (_is_number(op.get("lowerBound")) and _is_number(op.get("upperBound"))):
        raise _bad(where, "RANGED_NUMBER needs number lowerBound and upperBound", name)
    if kind in ("TIME_POINT", "TIME_RANGED"):
        if op.get("type") != kind:  # SPEC: ``type`` is required and names the operation
            raise _bad(where, f"a {kind} operation needs type: {kind}", name)
        if kind == "TIME_POINT":
            _check_time_point(op.get("timePoint"), where, property_of)
        else:
            _check_time_point(op.get("lowerBoundTimePoint"), where, property_of)
            _check_time_point(op.get("upperBoundTimePoint"), where, property_of)
    if "includeObjectsWithNoValueSet" in op and not isinstance(op["includeObjectsWithNoValueSet"], bool):
        raise _bad(where, "includeObjectsWithNoValueSet must be true or false", name)


def check_property_filter(filt: dict[str, Any], where: str, property_of: PropertyOf, object_name: str) -> None:
    """R1–R5 for one ``PROPERTY`` filter: the property exists on the object (R1) and the
    operation fits its type."""
    name = filt.get("property")
    prop = property_of(name) if isinstance(name, str) else None
    if prop is None:  # R1 — same answer in lists and flows
        raise _bad(where, f"property '{name}' does not exist on {object_name}", name)
    check_operation(str(prop.get("type")), str(name), filt.get("operation"), where, property_of)


#: R6 — a re-enrolment trigger names the changed property with ``hs_name`` (STRING IS_EQUAL_TO)
#: and tests its new value with ``hs_value`` (OBSERVED in flows read back from live portals).
TRIGGER_NAME, TRIGGER_VALUE = "hs_name", "hs_value"


def check_trigger_branch(branch: dict[str, Any], where: str, property_of: PropertyOf, object_name: str) -> None:
    """R6 — the ``hs_value`` test of a re-enrolment trigger follows the rules of the property
    that ``hs_name`` names (stricter where unknown: a trigger must name one existing property)."""
    filters = [f for f in branch.get("filters") or [] if isinstance(f, dict) and f.get("filterType") == "PROPERTY"]
    names = [f for f in filters if f.get("property") == TRIGGER_NAME]
    if not filters:  # a trigger of other filter types (events): nothing property-typed to check here
        return
    for i, f in enumerate(filters):
        if f.get("property") not in (TRIGGER_NAME, TRIGGER_VALUE):
            raise _bad(f"{where}.filters[{i}]", "a re-enrollment trigger filters on hs_name and hs_value only",
                       f.get("property"))
    if len(names) != 1:
        raise _bad(where, "a re-enrollment trigger needs exactly one hs_name filter")
    op = names[0].get("operation") or {}
    if (op.get("operationType"), op.get("operator")) != ("STRING", "IS_EQUAL_TO") or not isinstance(
            op.get("value"), str):
        raise _bad(where, "hs_name must be a STRING IS_EQUAL_TO filter naming the changed property")
    named = op["value"]
    prop = property_of(named)
    if prop is None:
        raise _bad(where, f"property '{named}' does not exist on {object_name}", named)
    for i, f in enumerate(filters):
        if f.get("property") == TRIGGER_VALUE:
            check_operation(str(prop.get("type")), named, f.get("operation"), f"{where}.filters[{i}]", property_of)


def check_branch(branch: Any, where: str, property_of: PropertyOf, object_name: str) -> None:
    """Every ``PROPERTY`` filter of a branch tree (other filter types are checked elsewhere)."""
    if not isinstance(branch, dict):
        raise _bad(where, "a filter branch must be an object")
    for i, f in enumerate(branch.get("filters") or []):
        if isinstance(f, dict) and f.get("filterType") == "PROPERTY":
            check_property_filter(f, f"{where}.filters[{i}]", property_of, object_name)
    for i, b in enumerate(branch.get("filterBranches") or []):
        check_branch(b, f"{where}.filterBranches[{i}]", property_of, object_name)


def check_flow_filters(body: dict[str, Any], property_of: PropertyOf, object_name: str) -> None:
    """R1–R6 on a flow's enrolment branch, goal, suppression branch and re-enrolment triggers —
    the same rules as a list's ``filterBranch``."""
    crit = body.get("enrollmentCriteria")
    if isinstance(crit, dict) and crit.get("type") == "LIST_BASED":
        if crit.get("listFilterBranch") is not None:
            check_branch(crit["listFilterBranch"], "enrollmentCriteria.listFilterBranch", property_of, object_name)
        for i, t in enumerate(crit.get("reEnrollmentTriggersFilterBranches") or []):
            where = f"enrollmentCriteria.reEnrollmentTriggersFilterBranches[{i}]"
            if not isinstance(t, dict):
                raise _bad(where, "a re-enrollment trigger must be a filter branch")
            check_trigger_branch(t, where, property_of, object_name)
            for j, b in enumerate(t.get("filterBranches") or []):
                check_branch(b, f"{where}.filterBranches[{j}]", property_of, object_name)
    for key in ("goalFilterBranch", "suppressionFilterBranch"):
        if body.get(key) is not None:
            check_branch(body[key], key, property_of, object_name)
