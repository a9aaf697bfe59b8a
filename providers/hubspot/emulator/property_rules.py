"""Validation and construction of property definitions (create and PATCH).

Rules (DOC = HubSpot properties guide / API reference; OBS = third-party observation):

* DOC: valid ``type``/``fieldType`` pairs (see :data:`COMPATIBLE`); ``name``,
  ``hasUniqueValue``, ``dataSensitivity``, ``externalOptions`` cannot change after
  creation; ``options`` in a PATCH replace the whole set; at most 10 unique-value
  properties per object; at most 5000 options; a calculation property's field type
  cannot be changed afterwards.
* Calculation properties need a ``calculationFormula`` that parses and type-checks
  (:mod:`formula`: documented functions only), whose result type fits the property type
  (DOC: ``calculation_equation`` is a valid fieldType of ``bool``, ``enumeration``,
  ``string`` and ``number`` only), that names only live properties of the same object,
  and that creates no reference cycle.  KB (unverified): a calculated ``enumeration``
  cannot read another calculated property.  STRICT (unverified): every string a calculated
  ``enumeration`` can yield is one of its option values.
* OBS: ``displayOrder`` -1 (or absent) is placed after the group's last property;
  likewise for options.
* Emulator choices: names must match ``[a-z][a-z0-9_]*``; the ``groupName`` must exist.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from . import formula
from . import formula_ast as fa
from .errors import ApiError, missing_field, unknown_field, validation
from .requestio import check_fields, require
from .state import PortalState, now_iso

COMPATIBLE: dict[str, frozenset[str]] = {
    "bool": frozenset({"booleancheckbox", "calculation_equation"}),
    "enumeration": frozenset({"booleancheckbox", "checkbox", "radio", "select", "calculation_equation"}),
    "date": frozenset({"date"}),
    "datetime": frozenset({"date"}),
    "string": frozenset({"text", "textarea", "file", "html", "phonenumber", "calculation_equation"}),
    "number": frozenset({"number", "calculation_equation"}),
    "phone_number": frozenset({"phonenumber"}),
}
FIELD_TYPES = frozenset().union(*COMPATIBLE.values())
CALC = "calculation_equation"
MAX_UNIQUE = 10
MAX_OPTIONS = 5000
_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_HINTS = (
    "numberDisplayHint",
    "textDisplayHint",
    "dateDisplayHint",
    "showCurrencySymbol",
    "currencyPropertyName",
)
CREATE_FIELDS = frozenset(
    {
        "name",
        "label",
        "type",
        "fieldType",
        "groupName",
        "description",
        "displayOrder",
        "options",
        "hidden",
        "formField",
        "hasUniqueValue",
        "calculationFormula",
        "externalOptions",
        "referencedObjectType",
        "dataSensitivity",
        *_HINTS,
    }
)
UPDATE_FIELDS = frozenset(
    {
        "label",
        "description",
        "groupName",
        "displayOrder",
        "hidden",
        "formField",
        "options",
        "calculationFormula",
        "fieldType",
        "type",
        *_HINTS,
    }
)
IMMUTABLE = ("name", "hasUniqueValue", "dataSensitivity", "externalOptions", "referencedObjectType")
_FORMULA_RESULT = {"number": "number", "bool": "bool", "string": "string", "enumeration": "string"}


@lru_cache(maxsize=1024)
def parsed(text: str) -> formula.Expr:
    """Parse a formula once (formulas are immutable strings)."""
    return formula.parse(text)


@lru_cache(maxsize=1024)
def referenced(text: str) -> tuple[str, ...]:
    """The property names a formula reads, found once per formula (a walk of its whole tree)."""
    return tuple(sorted(formula.referenced_properties(parsed(text))))


def next_display_order(state: PortalState, object_name: str, group: str, skip: str | None = None) -> int:
    """One past the highest ``displayOrder`` among the group's live properties."""
    orders = [
        p["displayOrder"]
        for p in state.active_properties(object_name)
        if p["groupName"] == group and p["name"] != skip
    ]
    return max([o for o in orders if isinstance(o, int)] + [-1]) + 1


def normalize_options(raw: Any, prop_type: str) -> list[dict[str, Any]]:
    """Validated options with defaults filled (``hidden`` false, ``description`` "", order)."""
    if raw is None:
        raw = []
        if prop_type == "bool":
            raw = [{"label": "Yes", "value": "true"}, {"label": "No", "value": "false"}]
    if not isinstance(raw, list):
        raise validation("options must be an array of option objects")
    if len(raw) > MAX_OPTIONS:
        raise validation(f"A property can have at most {MAX_OPTIONS} options, got {len(raw)}")
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, option in enumerate(raw):
        if not isinstance(option, dict):
            raise validation(f"options[{index}] must be an object")
        check_fields(option, ("label", "value", "hidden", "description", "displayOrder"), "OptionInput")
        for key in ("label", "value"):
            if not isinstance(option.get(key), str) or option[key] == "":
                raise validation(f"options[{index}].{key} is required and must be a non-empty string")
        if option["value"] in seen:
            raise validation(
                f"Duplicate option value '{option['value']}'", context={"value": [option["value"]]}
            )
        seen.add(option["value"])
        order = option.get("displayOrder")
        out.append(
            {
                "label": option["label"],
                "value": option["value"],
                "description": option.get("description") or "",
                "displayOrder": order if isinstance(order, int) and order >= 0 else -1,
                "hidden": bool(option.get("hidden", False)),
            }
        )
    top = max([o["displayOrder"] for o in out] + [-1])
    for option in out:
        if option["displayOrder"] == -1:
            top += 1
            option["displayOrder"] = top
    return out


def _formula_error(exc: formula.FormulaError, text: str) -> ApiError:
    return validation(
        f"Invalid calculationFormula: {exc.message} at position {exc.position}",
        context={"calculationFormula": [text], "position": [str(exc.position)]},
    )


def check_formula(state: PortalState, object_name: str, name: str, prop_type: str, text: Any) -> None:
    """400 unless ``text`` is a valid formula for property ``name`` of ``prop_type``."""
    if not isinstance(text, str) or not text.strip():
        raise validation("calculationFormula is required for calculation_equation properties")
    try:
        expr = parsed(text)
        result = formula.check_types(expr)
    except formula.FormulaError as exc:
        raise _formula_error(exc, text) from exc
    wanted = _FORMULA_RESULT.get(prop_type)
    if wanted and result not in (wanted, "any"):
        raise validation(
            f"Invalid calculationFormula: the formula yields a {result} "
            f"but property '{name}' is of type {prop_type}"
        )
    for ref in sorted(formula.referenced_properties(expr)):
        if ref == name:
            raise validation(f"Invalid calculationFormula: property '{name}' cannot refer to itself")
        target = state.active_property(object_name, ref)
        if target is None:
            raise validation(
                f"Invalid calculationFormula: property '{ref}' does not exist on {object_name}",
                context={"propertyName": [ref]},
            )
        # KB ("Create calculation properties", custom equations with a dropdown-select output):
        # such a property cannot read another calculated property.  UNVERIFIED through the API;
        # the stricter reading is enforced (docs/emulator.md § Formulas).
        if prop_type == "enumeration" and target.get("fieldType") == CALC:
            raise validation(
                f"Invalid calculationFormula: a calculated enumeration ('{name}') cannot read the "
                f"calculated property '{ref}'",
                context={"propertyName": [ref]},
            )
    _check_cycle(state, object_name, name, expr)


def _results(expr: formula.Expr) -> list[formula.Expr]:
    """The expressions a formula can yield (the branches of its ``if`` chains)."""
    if isinstance(expr, fa.If):
        out = [r for _, branch in expr.branches for r in _results(branch)]
        return out + (_results(expr.otherwise) if expr.otherwise is not None else [])
    return [expr]


def check_enumeration_results(name: str, text: str, options: list[dict[str, Any]]) -> None:
    """400 when a calculated enumeration can yield a literal that is not one of its options.

    STRICT (unverified): HubSpot stores an enumeration value as an option's internal value;
    what it does with a calculated value outside the options is undocumented, so the stricter
    reading refuses the formula (docs/emulator.md § Formulas)."""
    values = {o["value"] for o in options}
    for result in _results(parsed(text)):
        if isinstance(result, fa.String) and result.value not in values:
            raise validation(
                f"Invalid calculationFormula: '{result.value}' is not an option of enumeration '{name}'",
                context={"value": [result.value]},
            )


def _check_cycle(state: PortalState, object_name: str, name: str, expr: formula.Expr) -> None:
    pending = list(formula.referenced_properties(expr))
    seen: set[str] = set()
    while pending:
        current = pending.pop()
        if current == name:
            raise validation(f"Invalid calculationFormula: it makes '{name}' depend on itself")
        if current in seen:
            continue
        seen.add(current)
        prop = state.active_property(object_name, current)
        if prop and prop["fieldType"] == CALC and prop.get("calculationFormula"):
            pending.extend(formula.referenced_properties(parsed(prop["calculationFormula"])))


def _check_type_pair(prop_type: Any, field_type: Any) -> None:
    if prop_type not in COMPATIBLE:
        raise validation(f"Invalid type '{prop_type}'; expected one of {sorted(COMPATIBLE)}")
    if field_type not in FIELD_TYPES:
        raise validation(f"Invalid fieldType '{field_type}'; expected one of {sorted(FIELD_TYPES)}")
    if field_type not in COMPATIBLE[prop_type]:
        raise validation(
            f"fieldType '{field_type}' is not valid for type '{prop_type}'; "
            f"valid: {sorted(COMPATIBLE[prop_type])}",
            context={"type": [prop_type], "fieldType": [field_type]},
        )


def _check_group(state: PortalState, object_name: str, group: Any) -> None:
    groups = state.groups[object_name]
    if not isinstance(group, str) or group not in groups or groups[group]["archived"]:
        raise validation(
            f"Property group '{group}' does not exist on {object_name}", context={"groupName": [group]}
        )


def build_property(state: PortalState, object_name: str, body: dict[str, Any]) -> dict[str, Any]:
    """A new custom property from a ``PropertyCreate`` body (no duplicate check here)."""
    check_fields(body, CREATE_FIELDS, "PropertyCreate")
    require(body, ("name", "label", "type", "fieldType", "groupName"), "PropertyCreate")
    name = body["name"]
    if not isinstance(name, str) or not _NAME_RE.match(name):
        raise validation(
            f"Invalid property name '{name}': "
            "use lower-case letters, digits and underscores, starting with a letter"
        )
    _check_type_pair(body["type"], body["fieldType"])
    _check_group(state, object_name, body["groupName"])
    unique = bool(body.get("hasUniqueValue", False))
    if unique and sum(1 for p in state.active_properties(object_name) if p["hasUniqueValue"]) >= MAX_UNIQUE:
        raise validation(f"{object_name} already has {MAX_UNIQUE} unique-value properties, the maximum")
    calc = body["fieldType"] == CALC
    if calc:
        check_formula(state, object_name, name, body["type"], body.get("calculationFormula"))
    order = body.get("displayOrder")
    if not isinstance(order, int) or order < 0:
        order = next_display_order(state, object_name, body["groupName"])
    stamp = now_iso()
    prop: dict[str, Any] = {
        "updatedAt": stamp,
        "createdAt": stamp,
        "name": name,
        "label": body["label"],
        "type": body["type"],
        "fieldType": body["fieldType"],
        "description": body.get("description") or "",
        "groupName": body["groupName"],
        "options": normalize_options(body.get("options"), body["type"]),
        "displayOrder": order,
        "calculated": calc,
        "externalOptions": bool(body.get("externalOptions", False)),
        "hasUniqueValue": unique,
        "hidden": bool(body.get("hidden", False)),
        "hubspotDefined": False,
        "modificationMetadata": {
            "archivable": True,
            "readOnlyDefinition": False,
            "readOnlyValue": calc,
        },
        "formField": bool(body.get("formField", False)),
        "dataSensitivity": body.get("dataSensitivity") or "non_sensitive",
        "archived": False,
    }
    if calc:
        prop["calculationFormula"] = body["calculationFormula"]
        if prop["type"] == "enumeration":
            check_enumeration_results(name, prop["calculationFormula"], prop["options"])
    if body.get("referencedObjectType"):
        prop["referencedObjectType"] = body["referencedObjectType"]
    for hint in _HINTS:
        if hint in body:
            prop[hint] = body[hint]
    return prop


def _check_hubspot_defined(prop: dict[str, Any], body: dict[str, Any]) -> None:
    meta = prop["modificationMetadata"]
    if set(body) <= {"options"} and not meta.get("readOnlyOptions", True):
        return
    if "options" in body and set(body) <= {"options"}:
        raise validation(
            f"The options of HubSpot-defined property '{prop['name']}' are read-only",
            context={"propertyName": [prop["name"]]},
        )
    raise validation(
        f"HubSpot-defined property '{prop['name']}' is read-only"
        + (" except for its options" if not meta.get("readOnlyOptions", True) else ""),
        context={"propertyName": [prop["name"]]},
    )


def apply_update(
    state: PortalState, object_name: str, prop: dict[str, Any], body: dict[str, Any]
) -> dict[str, Any]:
    """The property after a ``PropertyUpdate`` PATCH (validated; ``prop`` itself unchanged)."""
    for key in body:
        if key in IMMUTABLE:
            raise validation(
                f"'{key}' cannot be changed after a property is created", context={"field": [key]}
            )
        if key not in UPDATE_FIELDS:
            raise unknown_field(key, "PropertyUpdate")
    if prop["hubspotDefined"]:
        _check_hubspot_defined(prop, body)
    updated = {**prop, **{k: v for k, v in body.items() if k != "options"}}
    for key in ("label", "type", "fieldType", "groupName"):
        if updated.get(key) is None:
            raise missing_field(key, "PropertyUpdate")
    _check_type_pair(updated["type"], updated["fieldType"])
    if (prop["fieldType"] == CALC) != (updated["fieldType"] == CALC):
        raise validation(
            "The field type of a calculation property cannot be changed, nor can a property become one"
        )
    _check_group(state, object_name, updated["groupName"])
    if "options" in body:
        updated["options"] = normalize_options(body["options"], updated["type"])
    if updated["fieldType"] == CALC and ("calculationFormula" in body or "type" in body):
        check_formula(state, object_name, prop["name"], updated["type"], updated.get("calculationFormula"))
    if updated["fieldType"] != CALC:
        updated.pop("calculationFormula", None)
    elif updated["type"] == "enumeration":
        check_enumeration_results(prop["name"], updated["calculationFormula"], updated["options"])
    if "description" in body:
        updated["description"] = body["description"] or ""
    order = body.get("displayOrder", prop["displayOrder"])
    if not isinstance(order, int) or order < 0:
        order = next_display_order(state, object_name, updated["groupName"], skip=prop["name"])
    updated["displayOrder"] = order
    updated["updatedAt"] = now_iso()
    return updated


def dependents(state: PortalState, object_name: str, name: str) -> list[str]:
    """Live calculation properties whose formula reads ``name``."""
    return [
        p["name"]
        for p in state.active_properties(object_name)
        if p["fieldType"] == CALC
        and p.get("calculationFormula")
        and name in formula.referenced_properties(parsed(p["calculationFormula"]))
    ]
