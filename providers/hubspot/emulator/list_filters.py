"""List ``filterBranch`` trees: validation, HubSpot's normalisation, and evaluation.

Normalisation (DOC example request/response pairs): every branch comes back with
``filterBranchType``, ``filterBranchOperator`` (the branch type; ``AND`` for
``ASSOCIATION`` branches), ``filters`` and ``filterBranches`` (``[]`` when absent); every
property operation gets ``includeObjectsWithNoValueSet: false``; ``EMAIL_SUBSCRIPTION``
filters get ``subscriptionType: "SUBSCRIPTION"``.  Structure (DOC examples; enforced
here): the root is an ``OR`` branch whose direct sub-branches are ``AND`` branches.

Evaluation (for list ``size``): PROPERTY filters with operation types BOOL, NUMBER,
RANGED_NUMBER, STRING, MULTISTRING, ENUMERATION and ALL_PROPERTY are evaluated against
records' current values (calculated ones included), strings case-insensitively, and
TIME_POINT / TIME_RANGED ones with ``DATE`` points (UTC) and ``INDEXED`` ``NOW`` / ``TODAY`` points
counted in the point's zone (its ``zoneId``, or the portal's ``time_zone`` for ``timezoneSource``
``PORTAL`` / ``USER``).  A
record with no value matches only when ``includeObjectsWithNoValueSet`` is true (except
IS_KNOWN/IS_UNKNOWN).  Other filter types (page views, events, associations...) match
nothing, since the emulator keeps no such data.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta, tzinfo
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import validation
from .filter_rules import check_property_filter
from .objecttypes import OBJECT_IDS
from .state import PortalState

BRANCH_TYPES = frozenset({"OR", "AND", "NOT_ALL", "NOT_ANY", "RESTRICTED", "UNIFIED_EVENTS", "ASSOCIATION"})
FILTER_TYPES = frozenset(
    {
        "PROPERTY",
        "ASSOCIATION",
        "PAGE_VIEW",
        "CTA",
        "EVENT",
        "FORM_SUBMISSION",
        "FORM_SUBMISSION_ON_PAGE",
        "INTEGRATION_EVENT",
        "EMAIL_SUBSCRIPTION",
        "COMMUNICATION_SUBSCRIPTION",
        "SURVEY_MONKEY",
        "SURVEY_MONKEY_VALUE",
        "WEBINAR",
        "EMAIL_EVENT",
        "PRIVACY",
        "ADS_SEARCH",
        "ADS_TIME",
        "IN_LIST",
        "UNIFIED_EVENTS",
        "CONSTANT",
        "NUM_ASSOCIATIONS",
        "CAMPAIGN_INFLUENCED",
    }
)
_COMPARE = ("IS_GREATER_THAN", "IS_GREATER_THAN_OR_EQUAL_TO", "IS_LESS_THAN", "IS_LESS_THAN_OR_EQUAL_TO")
_TEXT = ("IS_EQUAL_TO", "IS_NOT_EQUAL_TO", "CONTAINS", "DOES_NOT_CONTAIN", "STARTS_WITH", "ENDS_WITH")
#: operationType -> operators the emulator evaluates.
OPERATORS: dict[str, frozenset[str]] = {
    "BOOL": frozenset({"IS_EQUAL_TO", "IS_NOT_EQUAL_TO"}),
    "NUMBER": frozenset({"IS_EQUAL_TO", "IS_NOT_EQUAL_TO", *_COMPARE}),
    "RANGED_NUMBER": frozenset({"IS_BETWEEN", "IS_NOT_BETWEEN"}),
    "STRING": frozenset(_TEXT),
    "MULTISTRING": frozenset(_TEXT),
    "ENUMERATION": frozenset(
        {"IS_ANY_OF", "IS_NONE_OF", "IS_EXACTLY", "IS_NOT_EXACTLY", "CONTAINS_ALL", "DOES_NOT_CONTAIN_ALL"}
    ),
    "ALL_PROPERTY": frozenset({"IS_KNOWN", "IS_UNKNOWN"}),
}
_OBJECT_BY_ID = {type_id: name for name, type_id in OBJECT_IDS.items()}


def object_name_of(object_type_id: Any) -> str:
    """The object name of a list's ``objectTypeId`` (400 if unknown)."""
    name = _OBJECT_BY_ID.get(str(object_type_id))
    if name is None:
        raise validation(
            f"Unknown objectTypeId '{object_type_id}'", context={"objectTypeId": [str(object_type_id)]}
        )
    return name


def _filter(state: PortalState, object_name: str, raw: Any, where: str) -> dict[str, Any]:
    if not isinstance(raw, dict) or raw.get("filterType") not in FILTER_TYPES:
        raise validation(f"{where}: each filter needs a filterType among {sorted(FILTER_TYPES)}")
    out = copy.deepcopy(raw)
    if out["filterType"] == "EMAIL_SUBSCRIPTION":
        out.setdefault("subscriptionType", "SUBSCRIPTION")
    if out["filterType"] != "PROPERTY":
        return out
    # the property exists and the operation fits its type: the same rules as flows (filter_rules.py)
    check_property_filter(out, where, lambda n: state.active_property(object_name, str(n)), object_name)
    out["operation"].setdefault("includeObjectsWithNoValueSet", False)
    return out


def _branch(state: PortalState, object_name: str, raw: Any, where: str) -> dict[str, Any]:
    if not isinstance(raw, dict) or raw.get("filterBranchType") not in BRANCH_TYPES:
        raise validation(f"{where}: each branch needs a filterBranchType among {sorted(BRANCH_TYPES)}")
    kind = raw["filterBranchType"]
    out: dict[str, Any] = {
        "filterBranchType": kind,
        "filterBranchOperator": raw.get("filterBranchOperator") or ("AND" if kind == "ASSOCIATION" else kind),
    }
    for key, value in raw.items():
        if key not in ("filterBranchType", "filterBranchOperator", "filters", "filterBranches"):
            out[key] = copy.deepcopy(value)
    filters, branches = raw.get("filters") or [], raw.get("filterBranches") or []
    if not isinstance(filters, list) or not isinstance(branches, list):
        raise validation(f"{where}: filters and filterBranches must be arrays")
    out["filters"] = [_filter(state, object_name, f, f"{where}.filters[{i}]") for i, f in enumerate(filters)]
    out["filterBranches"] = [
        _branch(state, object_name, b, f"{where}.filterBranches[{i}]") for i, b in enumerate(branches)
    ]
    return out


def normalize(state: PortalState, object_name: str, raw: Any) -> dict[str, Any]:
    """The filter tree as HubSpot stores and returns it, or 400."""
    tree = _branch(state, object_name, raw, "filterBranch")
    if tree["filterBranchType"] != "OR":
        raise validation("filterBranch: the root branch must be an OR branch")
    for index, child in enumerate(tree["filterBranches"]):
        if child["filterBranchType"] != "AND":
            raise validation(
                f"filterBranch.filterBranches[{index}]: the root's sub-branches must be AND branches"
            )
    return tree


def _number(text: Any) -> Decimal | None:
    try:
        number = Decimal(str(text))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _property_match(op: dict[str, Any], value: str | None) -> bool:
    kind, operator = op.get("operationType"), op.get("operator")
    if kind == "ALL_PROPERTY":
        return (value is not None) == (operator == "IS_KNOWN")
    if value is None:
        return bool(op.get("includeObjectsWithNoValueSet", False))
    if kind == "BOOL":
        equal = value.lower() == str(op.get("value")).lower()
        return equal == (operator == "IS_EQUAL_TO")
    if kind in ("NUMBER", "RANGED_NUMBER"):
        return _number_match(operator, _number(value), op)
    if kind in ("STRING", "MULTISTRING"):
        targets = (
            [str(v).lower() for v in (op.get("values") or [])]
            if kind == "MULTISTRING"
            else [str(op.get("value", "")).lower()]
        )
        return _text_match(str(operator), value.lower(), targets)
    if kind in ("TIME_POINT", "TIME_RANGED"):
        return _time_match(op, value)
    if kind == "ENUMERATION":
        have = {v.lower() for v in value.split(";") if v}
        want = {str(v).lower() for v in op.get("values") or []}
        results = {
            "IS_ANY_OF": bool(have & want),
            "IS_NONE_OF": not have & want,
            "IS_EXACTLY": have == want,
            "IS_NOT_EXACTLY": have != want,
            "CONTAINS_ALL": want <= have,
            "DOES_NOT_CONTAIN_ALL": not want <= have,
        }
        return results.get(str(operator), False)
    return False


_OFFSET_UNITS = {"weeks": 7 * 86_400_000, "days": 86_400_000, "hours": 3_600_000, "minutes": 60_000,
                 "seconds": 1000, "milliseconds": 1}


def _instant(value: str) -> datetime | None:
    """A stored date/datetime value (epoch milliseconds or ISO) as an aware UTC instant."""
    text = value.strip()
    try:
        if text.lstrip("-").isdigit():
            return datetime.fromtimestamp(int(text) / 1000, UTC)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (ValueError, OverflowError, OSError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def relative_to_now(branch: dict[str, Any]) -> bool:
    """Does a branch tree hold an ``INDEXED`` time point (a date counted from now or today)?"""
    for f in branch.get("filters") or []:
        op = f.get("operation") if isinstance(f, dict) else None
        if isinstance(op, dict) and any(isinstance(op.get(k), dict) and op[k].get("timeType") == "INDEXED"
                                        for k in ("timePoint", "lowerBoundTimePoint", "upperBoundTimePoint")):
            return True
    return any(relative_to_now(b) for b in branch.get("filterBranches") or [] if isinstance(b, dict))


def _portal_zone() -> str:
    """The emulated portal's time zone (the ``time_zone`` switch); UTC outside a request."""
    from flask import has_app_context

    from .runtime import runtime

    return runtime().config.time_zone if has_app_context() else "UTC"


def point_zone(point: dict[str, Any]) -> str | None:
    """The zone an ``INDEXED`` point counts in: its ``zoneId`` when ``timezoneSource`` is ``CUSTOM``
    (or absent), the portal's for ``PORTAL`` and ``USER`` (the emulator has no per-user zone)."""
    if str(point.get("timezoneSource") or "CUSTOM") in ("PORTAL", "USER"):
        return _portal_zone()
    zone = point.get("zoneId")
    return zone if isinstance(zone, str) else None


def _zone(name: str | None) -> tzinfo | None:
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _point(point: dict[str, Any]) -> datetime | None:
    """A time point as an instant.  ``INDEXED`` ``TODAY`` is midnight in the point's zone
    (:func:`point_zone`) and day/week offsets are calendar days there; hour and smaller offsets are
    elapsed time.  ``DATE`` points are read in UTC.  Month/quarter/year offsets and WEEK/MONTH/...
    references are not evaluated (None)."""
    now = datetime.now(UTC)
    if point.get("timeType") == "DATE":
        try:
            return datetime(int(point["year"]), int(point["month"]), int(point["day"]), int(point.get("hour", 0)),
                            int(point.get("minute", 0)), int(point.get("second", 0)),
                            int(point.get("millisecond", 0)) * 1000, tzinfo=UTC)
        except (KeyError, ValueError, TypeError):
            return None
    if point.get("timeType") != "INDEXED":
        return None
    tz = _zone(point_zone(point))
    ref = (point.get("indexReference") or {}).get("referenceType")
    offset = point.get("offset") or {}
    if tz is None or ref not in ("NOW", "TODAY") or not set(offset) <= set(_OFFSET_UNITS):
        return None
    local = now.astimezone(tz).replace(tzinfo=None)
    if ref == "TODAY":
        local = datetime(local.year, local.month, local.day)
    calendar = timedelta(days=int(offset.get("days", 0)) + 7 * int(offset.get("weeks", 0)))
    elapsed = sum(int(v) * _OFFSET_UNITS[k] for k, v in offset.items() if k not in ("days", "weeks"))
    base = (local + calendar).replace(tzinfo=tz).astimezone(UTC)
    return base + timedelta(milliseconds=elapsed)


def _time_match(op: dict[str, Any], value: str) -> bool:
    at = _instant(value)
    if at is None:
        return False
    if op.get("operationType") == "TIME_POINT":
        point = _point(op.get("timePoint") or {})
        if point is None:
            return False
        return at < point if op.get("operator") == "IS_BEFORE" else at > point
    low, high = _point(op.get("lowerBoundTimePoint") or {}), _point(op.get("upperBoundTimePoint") or {})
    if low is None or high is None:
        return False
    return (low <= at <= high) == (op.get("operator") == "IS_BETWEEN")


def _number_match(operator: Any, number: Decimal | None, op: dict[str, Any]) -> bool:
    if number is None:
        return False
    if operator in ("IS_BETWEEN", "IS_NOT_BETWEEN"):
        low, high = _number(op.get("lowerBound")), _number(op.get("upperBound"))
        if low is None or high is None:
            return False
        return (low <= number <= high) == (operator == "IS_BETWEEN")
    target = _number(op.get("value"))
    if target is None:
        return False
    return {
        "IS_EQUAL_TO": number == target,
        "IS_NOT_EQUAL_TO": number != target,
        "IS_GREATER_THAN": number > target,
        "IS_GREATER_THAN_OR_EQUAL_TO": number >= target,
        "IS_LESS_THAN": number < target,
        "IS_LESS_THAN_OR_EQUAL_TO": number <= target,
    }.get(str(operator), False)


def _text_match(operator: str, value: str, targets: list[str]) -> bool:
    checks = {
        "IS_EQUAL_TO": lambda t: value == t,
        "IS_NOT_EQUAL_TO": lambda t: value == t,
        "CONTAINS": lambda t: t in value,
        "DOES_NOT_CONTAIN": lambda t: t in value,
        "STARTS_WITH": lambda t: value.startswith(t),
        "ENDS_WITH": lambda t: value.endswith(t),
    }
    test = checks.get(operator)
    if test is None:
        return False
    hit = any(test(t) for t in targets)
    return not hit if operator in ("IS_NOT_EQUAL_TO", "DOES_NOT_CONTAIN") else hit


def matches(branch: dict[str, Any], values: dict[str, str | None]) -> bool:
    """Does a record with these property values satisfy the (normalised) branch?"""
    results = [
        f["filterType"] == "PROPERTY" and _property_match(f["operation"], values.get(f["property"]) or None)
        for f in branch["filters"]
    ]
    results.extend(matches(b, values) for b in branch["filterBranches"])
    kind = branch["filterBranchType"]
    if kind == "OR":
        return any(results)
    if kind == "AND":
        return all(results)
    if kind == "NOT_ALL":
        return not all(results)
    if kind == "NOT_ANY":
        return not any(results)
    return False
