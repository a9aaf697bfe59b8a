"""Record property values: validation on write, derived and calculated values on read.

On write (create/update) every named property must be a live definition of the object,
values are checked against the type (numbers, ``true``/``false``, dates, enumeration
options, pipelines and stages) and normalised to the strings HubSpot returns; errors come
back as HubSpot's 400 ``Property values were not valid: [...]``.  Calculation properties
and a few system properties are read-only.  On read, deals get ``hs_is_closed``,
``hs_is_closed_won`` and ``hs_deal_stage_probability`` from their stage, and every
calculation property is evaluated from its formula (:mod:`formula`), so calculated
values are always current.  Emulator choice: other HubSpot-defined properties that are
read-only in a real portal (analytics counters and the like) stay writable here so tests
can seed records.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from . import formula
from .errors import ApiError, validation
from .pipeline_rules import RECORD_FIELDS
from .property_rules import CALC, parsed, referenced
from .state import PortalState

DEFAULT_PROPERTIES: dict[str, tuple[str, ...]] = {
    "contacts": ("createdate", "email", "firstname", "hs_object_id", "lastmodifieddate", "lastname"),
    "companies": ("createdate", "domain", "hs_lastmodifieddate", "hs_object_id", "name"),
    "deals": (
        "amount",
        "closedate",
        "createdate",
        "dealname",
        "dealstage",
        "hs_lastmodifieddate",
        "hs_object_id",
        "pipeline",
    ),
    "tickets": (
        "content",
        "createdate",
        "hs_lastmodifieddate",
        "hs_object_id",
        "hs_pipeline",
        "hs_pipeline_stage",
        "hs_ticket_priority",
        "subject",
    ),
}
MODIFIED_FIELD = {"contacts": "lastmodifieddate"}
READ_ONLY = frozenset(
    {
        "hs_object_id",
        "lastmodifieddate",
        "hs_lastmodifieddate",
        "hs_is_closed",
        "hs_is_closed_won",
        "hs_deal_stage_probability",
    }
)


def modified_field(object_name: str) -> str:
    """The last-modified property of the object."""
    return MODIFIED_FIELD.get(object_name, "hs_lastmodifieddate")


def as_string(value: Any) -> str | None:
    """A JSON input value as HubSpot stores it (``None``/"" clear the value)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def iso_millis(moment: datetime) -> str:
    """``2020-02-29T03:30:17.000Z``."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _date(text: str) -> str | None:
    try:
        if text.isdigit():
            moment = datetime.fromtimestamp(int(text) / 1000, UTC)
        elif len(text) == 10:
            return date.fromisoformat(text).isoformat()
        else:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (ValueError, OverflowError):
        return None
    return moment.date().isoformat() if moment.time() == datetime.min.time() else None


def _datetime(text: str) -> str | None:
    try:
        if text.isdigit():
            return iso_millis(datetime.fromtimestamp(int(text) / 1000, UTC))
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (ValueError, OverflowError):
        return None
    return iso_millis(moment if moment.tzinfo else moment.replace(tzinfo=UTC))


def _check_value(
    state: PortalState, object_name: str, prop: dict[str, Any], text: str
) -> tuple[str | None, str]:
    """``(normalised value, "")`` or ``(None, error code)``."""
    kind = prop["type"]
    if kind == "number":
        try:
            ok = Decimal(text).is_finite()
        except InvalidOperation:
            ok = False
        return (text.strip(), "") if ok else (None, "INVALID_DECIMAL")
    if kind == "bool":
        lowered = text.lower()
        return (lowered, "") if lowered in ("true", "false") else (None, "INVALID_BOOLEAN")
    if kind == "date":
        day = _date(text)
        return (day, "") if day else (None, "INVALID_DATE")
    if kind == "datetime":
        moment = _datetime(text)
        return (moment, "") if moment else (None, "INVALID_DATETIME")
    if (
        kind == "enumeration"
        and not prop.get("externalOptions")
        and prop["name"] not in _pipeline_fields(object_name)
    ):
        allowed = {o["value"] for o in prop["options"]}
        items = [v for v in text.split(";") if v] if prop["fieldType"] == "checkbox" else [text]
        if not items or any(v not in allowed for v in items):
            return None, "INVALID_OPTION"
        return ";".join(items), ""
    if prop["name"] == "email":
        return text.strip().lower(), ""
    return text, ""


def _pipeline_fields(object_name: str) -> tuple[str, ...]:
    return RECORD_FIELDS.get(object_name, ())


def _error(name: str, code: str, message: str) -> dict[str, Any]:
    return {
        "isValid": False,
        "message": message,
        "error": code,
        "name": name,
        "localizedErrorMessage": message,
    }


def _message(code: str, name: str, text: str, prop: dict[str, Any] | None) -> str:
    if code == "PROPERTY_DOESNT_EXIST":
        return f'Property "{name}" does not exist'
    if code == "READ_ONLY_VALUE":
        return f'Property "{name}" is read-only; its value cannot be set'
    if code == "INVALID_OPTION" and prop is not None:
        allowed = ", ".join(o["value"] for o in prop["options"])
        return f"{text} was not one of the allowed options: [{allowed}]"
    return f"{text} is not a valid value for property {name} ({code})"


def check_write(
    state: PortalState, object_name: str, values: Any, current: dict[str, str]
) -> dict[str, str | None]:
    """Validated changes ``{name: new value or None to clear}``; 400 listing every bad value."""
    if values is None:
        values = {}
    if not isinstance(values, dict):
        raise validation("properties must be an object of property names to values")
    changes: dict[str, str | None] = {}
    errors: list[dict[str, Any]] = []
    for name, raw in values.items():
        prop = state.active_property(object_name, name)
        text = as_string(raw)
        code = ""
        if prop is None:
            code = "PROPERTY_DOESNT_EXIST"
        elif prop["fieldType"] == CALC or name in READ_ONLY:
            code = "READ_ONLY_VALUE"
        elif text is not None:
            text, code = _check_value(state, object_name, prop, text)
        if code:
            errors.append(_error(name, code, _message(code, name, as_string(raw) or "", prop)))
        else:
            changes[name] = text
    errors.extend(_check_pipeline(state, object_name, changes, current))
    if errors:
        raise validation("Property values were not valid: " + json.dumps(errors), errors=errors)
    return changes


def _check_pipeline(
    state: PortalState, object_name: str, changes: dict[str, str | None], current: dict[str, str]
) -> list[dict[str, Any]]:
    if object_name not in RECORD_FIELDS:
        return []
    pipe_field, stage_field = RECORD_FIELDS[object_name]
    if pipe_field not in changes and stage_field not in changes:
        return []
    pipeline_id = changes.get(pipe_field, current.get(pipe_field))
    stage_id = changes.get(stage_field, current.get(stage_field))
    live = {p["id"] for p in state.active_pipelines(object_name)}
    if pipe_field in changes and pipeline_id is not None and pipeline_id not in live:
        return [_error(pipe_field, "INVALID_OPTION", f"{pipeline_id} is not a valid pipeline id")]
    if stage_id is None:
        return []
    located = state.stage_index(object_name).get(stage_id)
    if located is None:
        return [_error(stage_field, "INVALID_OPTION", f"{stage_id} is not a valid stage id")]
    owner = located[0]["id"]
    if pipe_field not in changes and (pipeline_id is None or pipeline_id != owner):
        changes[pipe_field] = owner
    elif pipeline_id != owner:
        return [_error(stage_field, "INVALID_OPTION", f"{stage_id} is not a stage of pipeline {pipeline_id}")]
    return []


def derived_values(state: PortalState, object_name: str, values: dict[str, str]) -> dict[str, str]:
    """System values HubSpot computes from the deal stage."""
    if object_name != "deals" or not values.get("dealstage"):
        return {}
    located = state.stage_index(object_name).get(values["dealstage"])
    if located is None:
        return {}
    meta = located[1]["metadata"]
    closed = meta.get("isClosed", "false")
    probability = meta.get("probability", "")
    return {
        "hs_is_closed": closed,
        "hs_is_closed_won": "true" if closed == "true" and probability == "1.0" else "false",
        "hs_deal_stage_probability": probability,
    }


def formula_properties(state: PortalState, object_name: str) -> dict[str, dict[str, Any]]:
    """``{name: property}`` of the live properties with a formula (computed on read; memoised while
    reading, so do not change it)."""
    return state.memo(("formulas", object_name), lambda: {
        p["name"]: p for p in state.active_properties(object_name)
        if p["fieldType"] == CALC and p.get("calculationFormula")})


def record_values(state: PortalState, object_name: str, record: dict[str, Any]) -> dict[str, str | None]:
    """:func:`effective_values` of a stored record, memoised per record while a read-only request holds
    the lock and until the next write (see :mod:`state`).  Do not change the dict returned."""
    formulas = formula_properties(state, object_name)
    if not formulas:  # stored plus derived values only: cheaper to build again than to keep for every record
        return effective_values(state, object_name, record["properties"], formulas)
    return state.memo(("values", object_name, record["id"]), lambda: effective_values(
        state, object_name, record["properties"], formulas, state.property_types(object_name)))


def effective_values(state: PortalState, object_name: str, raw: dict[str, str],
                     formulas: dict[str, dict[str, Any]] | None = None, types: dict[str, str] | None = None
                     ) -> dict[str, str | None]:
    """Stored values plus derived and calculated ones (what reads and filters see).  ``calc`` and
    ``types`` may be passed in when one request evaluates many records."""
    values: dict[str, str | None] = {**raw, **derived_values(state, object_name, raw)}
    # HubSpot's own calculated properties carry no formula here; their values stay as stored
    calc = formulas if formulas is not None else formula_properties(state, object_name)
    if not calc:
        return values
    types = types if types is not None else state.property_types(object_name)
    done: set[str] = set()

    def compute(name: str, trail: frozenset[str]) -> None:
        if name in done or name in trail:
            return
        text = calc[name]["calculationFormula"]
        expr = parsed(text)
        for ref in referenced(text):
            if ref in calc:
                compute(ref, trail | {name})
        values[name] = formula.format_value(formula.evaluate(expr, values, types))
        done.add(name)

    for name in calc:
        compute(name, frozenset())
    return values


def unique_names(state: PortalState, object_name: str) -> list[str]:
    """Properties whose values must be unique across records (a contact's email too)."""
    names = [p["name"] for p in state.active_properties(object_name) if p["hasUniqueValue"]]
    if object_name == "contacts" and state.active_property(object_name, "email") is not None:
        names.append("email")
    return names


def unique_index(state: PortalState, object_name: str) -> dict[str, dict[str, str]]:
    """``{property: {value: record id}}`` over live records, for the unique properties."""
    names = unique_names(state, object_name)
    index: dict[str, dict[str, str]] = {name: {} for name in names}
    if not names:
        return index
    for record in state.records[object_name].values():
        if record["archived"]:
            continue
        for name in names:
            value = record["properties"].get(name)
            if value is not None:
                index[name][value] = record["id"]
    return index


def claim_unique(
    index: dict[str, dict[str, str]], changes: dict[str, str | None], record_id: str
) -> ApiError | None:
    """409 when ``changes`` would duplicate a unique value; otherwise record the claims."""
    for name, values in index.items():
        value = changes.get(name)
        if value is None:
            continue
        holder = values.get(value)
        if holder is not None and holder != record_id:
            if name == "email":
                return ApiError(409, f"Contact already exists. Existing ID: {holder}", "CONFLICT")
            return ApiError(
                409, f"A record with {name}={value} already exists. Existing ID: {holder}", "CONFLICT"
            )
    for name, values in index.items():
        if changes.get(name) is not None:
            values[changes[name] or ""] = record_id
    return None
