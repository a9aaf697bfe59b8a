"""Neutral workflow attributes ⇄ HubSpot automation v4 flow bodies.

Public API
----------
* :func:`workflow_to_flow` ``(name, attrs, types, resolve=None) -> (flow create body, diagnostics)``
* :func:`flow_to_workflow_attrs` ``(flow) -> attrs`` (inverse: reads a live flow back into the IR's
  neutral attributes ``object, description, enrollment, reenroll, goal, actions``)
* :func:`normalize_flow` ``(flow) -> dict`` (server fields dropped, HubSpot defaults filled,
  filter branches normalised, actions ordered)

**gtm never switches a flow on**: every body it builds has ``isEnabled: false``, and
``flow_to_workflow_attrs`` does not report ``isEnabled``, so a flow a person enabled in HubSpot
is not drift.  A provider updating a flow (PUT) must carry the live ``isEnabled`` and
``revisionId`` over instead of sending ``false``.

The body.  ``type`` is ``CONTACT_FLOW`` for contacts and ``PLATFORM_FLOW`` otherwise,
``objectTypeId`` ``0-1`` / ``0-2`` / ``0-3`` / ``0-5``, ``flowType: WORKFLOW``; the actions are
``SINGLE_CONNECTION`` actions with ids ``"1"…"n"`` chained through
``connection.nextActionId`` (the last one has no ``connection``) and ``startActionId`` ``"1"``;
enrollment is ``LIST_BASED`` (``listFilterBranch`` from :mod:`compiler.backends.hubspot_filters`),
or ``MANUAL`` without an enrollment condition; a contact flow's goal is ``goalFilterBranch``.  A goal
on any other object is a GTM503 error: v4 platform flows have no goal.  The body carries only fields
of HubSpot's create schemas (:data:`CREATE_FIELDS`; SPEC: HubSpot's generated SDK
``HubSpot/hubspot-sdk-python`` ``src/hubspot_sdk/types/automation/
api_{contact,platform}_flow_{create,put}_request_param.py``): no ``nextAvailableActionId`` (the
server fills it); the required collections are sent empty (``timeWindows``, ``blockedDates``,
``dataSources``; contact flows also ``suppressionListIds`` and ``canEnrollFromSalesforce: false``).
:func:`put_body` cuts a create body down to the PUT schema (no ``objectTypeId``, ``flowType``,
``dataSources``; the live ``revisionId``, which PUT requires).

Re-enrolment.  ``shouldReEnroll`` is true only together with re-enrolment triggers
(:func:`reenrollment_triggers`: one per property filter of the enrolment, except date filters
relative to today, which could never fire); a workflow that asks for re-enrolment but has no such
filter enrols once (GTM513 warning).

Reading back exactly.  Some neutral attributes have no HubSpot field (a sequence step's
``ask``; the exact spelling of a duration, ``24h`` vs ``1d``; the shape of a condition, which
becomes a DNF), and some name things HubSpot knows only by portal ids (an email slug, a team).
``workflow_to_flow`` therefore stores the neutral ``enrollment``, ``goal`` and ``actions`` in the
flow's ``customProperties`` (SPEC: a required ``Dict[str, str]``) under ``gtm_spec``, with
``gtm_digest``, a digest of the HubSpot-side content (normalised enrollment, goal, actions).
``flow_to_workflow_attrs`` uses the stored attributes only while the digest still matches the
live flow; once someone edits the flow in HubSpot it derives everything from the live HubSpot
fields instead (filters → conditions, actions → neutral actions), so the edit shows up as drift.

Action types (``actionTypeId``; ``actionTypeVersion`` 0).  DOC: HubSpot's v4 "workflow actions
and enrollment types" reference says ``"0-1"`` designates a DELAY action and built-in actions have
version 0, and its action-type table lists ``0-3`` create task, ``0-4`` send marketing email,
``0-5`` set property, ``0-8`` internal email notification (the rows are transcribed in
``AndrewGarwood/HubSpot`` ``src/api/automation/types/Action.ts``).  Their ``fields`` are OBSERVED in
third-party code that creates flows against live portals (read back with
``GET /automation/v4/flows/{id}``); see :data:`ACTION_TYPES`.

Portal references.  HubSpot needs a marketing-email ``content_id`` for ``send_email`` and owner,
user or team ids for assignees and recipients other than the record owner.  An action may carry
the id already (``content_id``, ``owner_id``, ``recipient_id``: the HubSpot provider adds them from
the environment's ``mappings``), else ``resolve(kind, key) -> id | None`` is asked, with kinds
``"email"``, ``"assignee"`` (→ owner id) and ``"recipient"`` (→ ``user:<id>`` or ``team:<id>``).
An unresolved name is an error (GTM510 email, GTM511 assignee, GTM512 recipient; see
:mod:`compiler.mappings`): no placeholder ever goes into a body.

UNVERIFIED against a live portal: that HubSpot keeps arbitrary ``customProperties`` keys and
returns them unchanged (if it drops them, reads fall back to the HubSpot fields: conditions keep
their meaning, metadata-only details such as ``ask`` read back as ``None``); a task ``due_time``
in ``MINUTES`` (only ``DAYS`` is observed); the task→ticket association id; that the server keeps
gtm's action ids ``"1"…"n"``.  Delays use only the observed units ``MINUTES`` and ``DAYS``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from compiler.backends import TypeLookup
from compiler.backends.hubspot_filters import (
    DATE_OPERATIONS,
    TIME_ZONE,
    condition_to_filter_branch,
    normalize_filter_branch,
    readable_condition,
)
from compiler.conditions.ast import from_data, to_data
from compiler.diagnostics import Diagnostic, error, warning
from compiler.ir import OBJECT_TYPE_IDS, make_address

Resolver = Callable[[str, str], str | None]

#: neutral action type -> (HubSpot actionTypeId, provenance).  DOC: HubSpot's v4 "workflow actions
#: and enrollment types" reference (``0-1`` is DELAY; built-in types have ``actionTypeVersion`` 0; its
#: action-type table names ``0-3`` create task, ``0-4`` send marketing email, ``0-5`` set property,
#: ``0-8`` internal email notification) and the v4 guide's example flow (``0-9`` in-app notification
#: with ``user_ids``).  OBSERVED: the fields, in flows built against live portals by third-party
#: tools on GitHub: ``content_id``; ``property_name`` + ``value``; ``subject``, ``body``, ``user_ids``
#: / ``owner_properties``.  The emulator enforces the same table
#: (providers/hubspot/emulator/flow_rules.py).
ACTION_TYPES: dict[str, tuple[str, str]] = {
    "delay": ("0-1", "DOC: v4 action reference, '\"0-1\" designates a DELAY action'"),
    "create_task": ("0-3", "OBSERVED: create task, fields task_type/subject/body/associations/"
                           "owner_assignment/due_time"),
    "send_email": ("0-4", "OBSERVED: send marketing email, fields content_id"),
    "set_property": ("0-5", "OBSERVED: set property value, fields property_name + value STATIC_VALUE"),
    "copy_property": ("0-5", "OBSERVED: set property on associated records from an OBJECT_PROPERTY value; "
                             "UNVERIFIED that HubSpot has no dedicated copy-property action type to prefer"),
    "notify": ("0-8", "OBSERVED: send internal email notification, fields subject/body/"
                      "owner_properties|user_ids"),
}
_BY_TYPE_ID: dict[str, str] = {"0-1": "delay", "0-3": "create_task", "0-4": "send_email", "0-8": "notify"}

#: task -> enrolled object association type ids (HUBSPOT_DEFINED), OBSERVED in flows created
#: against live portals and consistent with HubSpot's association-type table (task→contact 204,
#: task→company 192, task→deal 216); tickets (230) UNVERIFIED.
TASK_ASSOCIATIONS: dict[str, int] = {"contacts": 204, "companies": 192, "deals": 216, "tickets": 230}

#: (enrolled object, target object) -> association type id for copy_property.  DOC: 279
#: contact→company (HubSpot associations guide example); the others OBSERVED in third-party tables
#: of HubSpot's association type ids (company→contact 280, company→deal 342, deal→company 341,
#: deal→contact 3, contact→deal 4).
COPY_ASSOCIATIONS: dict[tuple[str, str], int] = {
    ("contacts", "companies"): 279, ("companies", "contacts"): 280, ("companies", "deals"): 342,
    ("deals", "companies"): 341, ("deals", "contacts"): 3, ("contacts", "deals"): 4,
}

OWNER_PROPERTY = "hubspot_owner_id"
EMAIL_PLACEHOLDER = "gtm-email:"
SPEC_KEY = "gtm_spec"
DIGEST_KEY = "gtm_digest"
SERVER_FIELDS = frozenset({"id", "revisionId", "createdAt", "updatedAt", "crmObjectCreationStatus", "uuid",
                           "createdBy", "updatedBy", "migrationStatus", "nextAvailableActionId"})

# The request schemas (SPEC: HubSpot/hubspot-sdk-python, generated from HubSpot's OpenAPI spec,
# src/hubspot_sdk/types/automation/api_{contact,platform}_flow_{create,put}_request_param.py).
# Every key gtm sends is in these sets; ``nextAvailableActionId`` is in none of them (the server fills it).
_COMMON_OPTIONAL = frozenset({"description", "enrollmentCriteria", "enrollmentSchedule", "name", "startActionId",
                              "uuid"})
CREATE_FIELDS: dict[str, tuple[frozenset[str], frozenset[str]]] = {  # type -> (required, optional)
    "CONTACT_FLOW": (frozenset({"actions", "blockedDates", "canEnrollFromSalesforce", "customProperties",
                                "dataSources", "flowType", "isEnabled", "objectTypeId", "suppressionListIds",
                                "timeWindows", "type"}),
                     _COMMON_OPTIONAL | {"eventAnchor", "goalFilterBranch", "unEnrollmentSetting"}),
    "PLATFORM_FLOW": (frozenset({"actions", "blockedDates", "customProperties", "dataSources", "flowType",
                                 "isEnabled", "objectTypeId", "timeWindows", "type"}),
                      _COMMON_OPTIONAL | {"suppressionFilterBranch"}),
}
#: PUT has no ``objectTypeId``, ``flowType`` or ``dataSources`` and needs ``revisionId``.
PUT_FIELDS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "CONTACT_FLOW": (frozenset({"actions", "blockedDates", "canEnrollFromSalesforce", "customProperties",
                                "isEnabled", "revisionId", "suppressionListIds", "timeWindows", "type"}),
                     _COMMON_OPTIONAL | {"eventAnchor", "goalFilterBranch", "unEnrollmentSetting"}),
    "PLATFORM_FLOW": (frozenset({"actions", "blockedDates", "customProperties", "isEnabled", "revisionId",
                                 "timeWindows", "type"}),
                      _COMMON_OPTIONAL | {"suppressionFilterBranch"}),
}


def put_body(create: dict[str, Any], revision_id: str, is_enabled: bool) -> dict[str, Any]:
    """The PUT body for a flow whose create body is ``create``: only the PUT schema's fields, with the
    live ``revisionId`` (required, optimistic concurrency) and the live ``isEnabled``."""
    required, optional = PUT_FIELDS[str(create.get("type"))]
    body = {k: v for k, v in create.items() if k in required | optional}
    body.update(revisionId=str(revision_id), isEnabled=bool(is_enabled))
    return body
_OBJECT_NAMES: dict[str, str] = {v: k for k, v in OBJECT_TYPE_IDS.items()}
_DURATION_UNITS = {"m": 1, "h": 60, "d": 1440}


# -- helpers ---------------------------------------------------------------------------------------
def _json(v: Any) -> str:
    return json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def _minutes(duration: str) -> tuple[int, str]:
    """``"2h"`` → ``(120, "m")``; raises ``ValueError`` for anything but ``<int><m|h|d>``."""
    s = str(duration).strip()
    if len(s) < 2 or s[-1] not in _DURATION_UNITS or not s[:-1].isdigit():
        raise ValueError(f"invalid duration {duration!r}")
    return int(s[:-1]) * _DURATION_UNITS[s[-1]], s[-1]


def _delay_fields(duration: str) -> dict[str, Any]:
    minutes, unit = _minutes(duration)
    if unit == "d":
        return {"delta": str(minutes // 1440), "time_unit": "DAYS"}
    return {"delta": str(minutes), "time_unit": "MINUTES"}


def _duration_from(delta: Any, unit: Any) -> str:
    n = int(str(delta))
    u = str(unit).upper()
    if u == "DAYS":
        return f"{n}d"
    if u == "HOURS":
        return f"{n}h"
    if u == "WEEKS":
        return f"{n * 7}d"
    return f"{n // 60}h" if n % 60 == 0 and n else f"{n}m"


def _static(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def _owner_assignment() -> dict[str, Any]:
    return {"type": "CUSTOM", "value": {"type": "OBJECT_PROPERTY", "propertyName": OWNER_PROPERTY}}


# -- actions ---------------------------------------------------------------------------------------
class _Actions:
    def __init__(self, name: str, obj: str, resolve: Resolver | None, env_name: str) -> None:
        self.name, self.obj, self.resolve, self.env_name = name, obj, resolve, env_name
        self.diagnostics: list[Diagnostic] = []

    def _error(self, summary: str) -> None:
        self.diagnostics.append(error("GTM503", summary, address=make_address("workflow", None, self.name)))

    def _lookup(self, kind: str, key: str) -> str | None:
        return self.resolve(kind, key) if self.resolve is not None else None

    def fields(self, a: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
        kind = a.get("type")
        if kind == "hubspot":  # an action gtm does not model, kept verbatim
            return str(a.get("action_type_id")), dict(a.get("fields") or {})
        if kind not in ACTION_TYPES:
            self._error(f"action type {kind!r} has no HubSpot workflow action")
            return None
        type_id = ACTION_TYPES[str(kind)][0]
        try:
            if kind == "delay":
                return type_id, _delay_fields(str(a["duration"]))
            if kind == "send_email":
                return type_id, {"content_id": self._email(str(a["email"]), a)}
            if kind == "create_task":
                return type_id, self._task(a)
            if kind == "notify":
                return type_id, self._notify(a)
            if kind == "set_property":
                return type_id, {"property_name": a["property"],
                                 "value": {"type": "STATIC_VALUE", "staticValue": _static(a["value"])}}
            return type_id, self._copy(a)
        except (KeyError, ValueError) as e:
            self._error(f"action {kind}: {e}")
            return None

    def _unmapped(self, kind: str, key: str) -> None:
        from compiler.mappings import KINDS, unmapped_summary

        self.diagnostics.append(error(KINDS[kind][0], unmapped_summary(kind, key, self.env_name),
                                      address=make_address("workflow", None, self.name),
                                      hint=f"map it under environments.{self.env_name}.mappings in gtm.yaml"))

    def _email(self, slug: str, a: dict[str, Any]) -> str:
        found = a.get("content_id") or self._lookup("email", slug)
        if found:
            return str(found)
        self._unmapped("email", slug)  # never send a placeholder: HubSpot needs a real email id
        return ""

    def _task(self, a: dict[str, Any]) -> dict[str, Any]:
        minutes, unit = _minutes(str(a.get("due_in") or "1d"))
        due: dict[str, Any]
        if unit == "d":
            due = {"delta": minutes // 1440, "timeUnit": "DAYS", "timeOfDay": {"hour": 8, "minute": 0},
                   "daysOfWeek": []}
        else:
            due = {"delta": minutes, "timeUnit": "MINUTES", "daysOfWeek": []}
        who = str(a.get("assign_to") or "owner")
        owner = _owner_assignment()
        if who != "owner":
            found = a.get("owner_id") or self._lookup("assignee", who)
            if found:
                owner = {"type": "CUSTOM", "value": {"type": "STATIC_VALUE", "staticValue": str(found)}}
            else:
                self._unmapped("assignee", who)
        assoc = TASK_ASSOCIATIONS.get(self.obj)
        fields: dict[str, Any] = {
            "task_type": "TODO", "subject": str(a["title"]), "body": "", "priority": "NONE",
            "owner_assignment": owner, "due_time": due,
        }
        if assoc is not None:
            fields["associations"] = [{"target": {"associationCategory": "HUBSPOT_DEFINED",
                                                  "associationTypeId": assoc},
                                       "value": {"type": "ENROLLED_OBJECT"}}]
            fields["use_explicit_associations"] = "true"
        return fields

    def _notify(self, a: dict[str, Any]) -> dict[str, Any]:
        who = str(a.get("recipient") or "owner")
        message = str(a.get("message") or "")
        fields: dict[str, Any] = {"subject": message, "body": message}
        if who != "owner":
            found = a.get("recipient_id") or self._lookup("recipient", who)
            kind, _, rid = str(found or "").partition(":")
            if kind in ("user", "team") and rid:
                fields["user_ids" if kind == "user" else "team_ids"] = [rid]
            else:
                self._unmapped("recipient", who)
            return fields
        fields["owner_properties"] = [OWNER_PROPERTY]
        return fields

    def _copy(self, a: dict[str, Any]) -> dict[str, Any]:
        target = str(a["to_object"])
        assoc = COPY_ASSOCIATIONS.get((self.obj, target))
        if assoc is None:
            raise ValueError(f"no association from {self.obj} to {target}")
        prop = str(a["property"])
        return {"property_name": prop,
                "association": {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": assoc},
                "value": {"type": "OBJECT_PROPERTY", "propertyName": prop}}


def _chain(items: list[tuple[str, dict[str, Any]]]) -> list[dict[str, Any]]:
    out = []
    for i, (type_id, fields) in enumerate(items, start=1):
        action: dict[str, Any] = {"type": "SINGLE_CONNECTION", "actionId": str(i), "actionTypeId": type_id,
                                  "actionTypeVersion": 0, "fields": fields}
        if i < len(items):
            action["connection"] = {"edgeType": "STANDARD", "nextActionId": str(i + 1)}
        out.append(action)
    return out


# -- digest ----------------------------------------------------------------------------------------
def _digest(flow: dict[str, Any]) -> str:
    n = normalize_flow(flow)
    core = {k: n.get(k) for k in ("type", "objectTypeId", "enrollmentCriteria", "goalFilterBranch", "actions",
                                  "startActionId")}
    return hashlib.sha256(_json(core).encode()).hexdigest()[:20]


# -- forward ---------------------------------------------------------------------------------------
def workflow_to_flow(name: str, attrs: dict[str, Any], types: TypeLookup,
                     resolve: Resolver | None = None, env_name: str = "?", zone: str = TIME_ZONE
                     ) -> tuple[dict[str, Any], list[Diagnostic]]:
    """The v4 create body for the neutral workflow ``attrs`` (see the module docstring); ``zone``
    is the time zone of date filters relative to today (the portal's)."""
    obj = str(attrs.get("object") or "contacts")
    address = make_address("workflow", None, name)
    diags: list[Diagnostic] = []
    contact = obj == "contacts"
    flow: dict[str, Any] = {
        "type": "CONTACT_FLOW" if contact else "PLATFORM_FLOW",
        "objectTypeId": OBJECT_TYPE_IDS.get(obj, obj),
        "flowType": "WORKFLOW",
        "isEnabled": False,
        "name": name,
        "description": str(attrs.get("description") or ""),
    }
    if obj not in OBJECT_TYPE_IDS:
        diags.append(error("GTM503", f"workflows on {obj!r} have no known HubSpot object type id",
                           address=address))

    acts = _Actions(name, obj, resolve, env_name)
    built = [f for f in (acts.fields(a) for a in attrs.get("actions") or []) if f is not None]
    diags.extend(acts.diagnostics)
    actions = _chain(built)
    flow["actions"] = actions
    if actions:
        flow["startActionId"] = "1"

    reenroll = bool(attrs.get("reenroll"))
    enrollment = attrs.get("enrollment")
    if enrollment is None:
        flow["enrollmentCriteria"] = {"type": "MANUAL", "shouldReEnroll": reenroll}
    else:
        fb, d = condition_to_filter_branch(from_data(enrollment), types, zone)
        diags.extend(_addressed(d, address))
        if fb is not None:
            triggers = reenrollment_triggers(fb) if reenroll else []
            if reenroll and not triggers:
                diags.append(warning("GTM513", f"{name} asks for re-enrolment but its enrolment has no property "
                                               "filter to re-enrol on (date filters relative to today cannot "
                                               "trigger one); it enrols each record once",
                                     address=address))
            flow["enrollmentCriteria"] = {
                "type": "LIST_BASED", "shouldReEnroll": bool(triggers), "listFilterBranch": fb,
                "unEnrollObjectsNotMeetingCriteria": False, "reEnrollmentTriggersFilterBranches": triggers,
            }
    goal = attrs.get("goal")
    if goal is not None:
        if not contact:
            diags.append(error("GTM503", f"HubSpot supports workflow goals only on contact workflows; "
                                         f"{name} enrolls {obj}", address=address,
                               hint="drop the goal, or express the exit as a condition in the enrollment"))
        else:
            fb, d = condition_to_filter_branch(from_data(goal), types, zone)
            diags.extend(_addressed(d, address))
            if fb is not None:
                flow["goalFilterBranch"] = fb
    flow.update({"timeWindows": [], "blockedDates": [], "dataSources": []})
    if contact:
        flow.update({"suppressionListIds": [], "canEnrollFromSalesforce": False})
    spec = {"enrollment": enrollment, "goal": goal, "actions": list(attrs.get("actions") or [])}
    flow["customProperties"] = {SPEC_KEY: _json(spec), DIGEST_KEY: _digest(flow)}
    return flow, diags


def _property_filters(fb: dict[str, Any]) -> list[dict[str, Any]]:
    out = [f for f in fb.get("filters") or [] if f.get("filterType") == "PROPERTY"]
    for b in fb.get("filterBranches") or []:
        out.extend(_property_filters(b))
    return out


def reenrollment_triggers(fb: dict[str, Any]) -> list[dict[str, Any]]:
    """One re-enrolment trigger per distinct property filter of the enrolment branch: "the property
    changed (``hs_name``) to a value that meets the same operation (``hs_value``)".

    Date filters (``older_than_days`` / ``within_days``, a ``TIME_POINT`` relative to today) make
    no trigger: a trigger tests the value a property changes *to*, and a date set now is never
    older than N days (and always within N days), so such a trigger never fires (or fires on every
    change).  A record that ages into a date filter is enrolled by the enrolment criteria, not
    re-enrolled by a trigger.

    SPEC: ``reEnrollmentTriggersFilterBranches`` is a required list of filter branches on LIST_BASED
    criteria, and ``shouldReEnroll`` says whether a record may enrol again (HubSpot/hubspot-sdk-python
    ``api_list_based_enrollment_criteria_param.py``).  The AND branch of an ``hs_name`` STRING
    ``IS_EQUAL_TO <property>`` filter and an ``hs_value`` filter carrying the enrolment operation is
    OBSERVED in flows read back from live portals (third-party flow builders on GitHub); UNVERIFIED
    in HubSpot's own docs.  A flow never says ``shouldReEnroll: true`` without such triggers.
    """
    seen: set[str] = set()
    out: list[dict[str, Any]] = []
    for f in _property_filters(fb):
        key = _json([f.get("property"), f.get("operation")])
        if key in seen or (f.get("operation") or {}).get("operationType") in DATE_OPERATIONS:
            continue
        seen.add(key)
        out.append({"filterBranchType": "AND", "filterBranchOperator": "AND", "filterBranches": [], "filters": [
            {"filterType": "PROPERTY", "property": "hs_name",
             "operation": {"operationType": "STRING", "operator": "IS_EQUAL_TO", "value": f.get("property"),
                           "includeObjectsWithNoValueSet": False}},
            {"filterType": "PROPERTY", "property": "hs_value", "operation": dict(f.get("operation") or {})},
        ]})
    return out


def trigger_filters(triggers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The ``hs_value`` filters of re-enrolment triggers, each as a filter on the property its
    ``hs_name`` filter names (the value it tests is that property's)."""
    out: list[dict[str, Any]] = []
    for t in triggers:
        own = [f for f in (t.get("filters") or []) if isinstance(f, dict)] if isinstance(t, dict) else []
        names = [(f.get("operation") or {}).get("value") for f in own if f.get("property") == "hs_name"]
        if len(names) == 1 and isinstance(names[0], str):
            out += [{**f, "property": names[0]} for f in own if f.get("property") == "hs_value"]
    return out


def _trigger_text(t: Any) -> str:
    filters = trigger_filters([t]) if isinstance(t, dict) else []
    if not filters:
        return _json(t)
    return "; ".join(f"{f.get('property')} {(f.get('operation') or {}).get('operationType')} "
                     f"{(f.get('operation') or {}).get('operator')}" for f in filters)


def stale_reenrollment_triggers(enrollment: dict[str, Any] | None, triggers: list[dict[str, Any]]
                                ) -> list[str] | None:
    """``None`` when a live flow's re-enrolment triggers are what gtm sends for its live enrolment
    branch (:func:`reenrollment_triggers`); otherwise the live triggers, one line each
    (``property OPERATIONTYPE OPERATOR``), for a plan to show and an apply to rewrite — e.g. the
    date triggers an older gtm sent, which can never fire."""
    want = sorted(_json(normalize_filter_branch(b)) for b in reenrollment_triggers(enrollment or {}))
    have = sorted(_json(normalize_filter_branch(b)) for b in triggers if isinstance(b, dict))
    if want == have:
        return None
    return sorted(_trigger_text(t) for t in triggers)


def _addressed(ds: list[Diagnostic], address: str) -> list[Diagnostic]:
    return [d if d.address else Diagnostic(d.code, d.severity, d.summary, d.range, address, d.notes, d.hint)
            for d in ds]


# -- inverse ---------------------------------------------------------------------------------------
def _ordered_actions(flow: dict[str, Any]) -> list[dict[str, Any]]:
    by_id = {str(a.get("actionId")): a for a in flow.get("actions") or []}
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    cur = flow.get("startActionId")
    while cur is not None and str(cur) in by_id and str(cur) not in seen:
        seen.add(str(cur))
        a = by_id[str(cur)]
        out.append(a)
        cur = (a.get("connection") or {}).get("nextActionId")
    rest = [a for k, a in by_id.items() if k not in seen]
    return out + sorted(rest, key=lambda a: _id_key(str(a.get("actionId"))))


def _id_key(action_id: str) -> tuple[int, str]:
    return (int(action_id), "") if action_id.isdigit() else (1 << 30, action_id)


def _neutral_action(a: dict[str, Any], obj: str) -> dict[str, Any]:
    type_id = str(a.get("actionTypeId"))
    f = a.get("fields") or {}
    kind = _BY_TYPE_ID.get(type_id)
    try:
        if kind == "delay":
            return {"type": "delay", "duration": _duration_from(f["delta"], f.get("time_unit", "MINUTES"))}
        if kind == "send_email":
            cid = str(f["content_id"])
            placeholder = cid.startswith(EMAIL_PLACEHOLDER)
            email = cid[len(EMAIL_PLACEHOLDER):] if placeholder else f"hubspot-email-{cid}"
            return {"type": "send_email", "email": email, "ask": None}
        if kind == "create_task":
            return {"type": "create_task", "title": str(f.get("subject", "")),
                    "assign_to": _assignee(f.get("owner_assignment")), "due_in": _due(f.get("due_time"))}
        if kind == "notify":
            return {"type": "notify", "recipient": _recipient(f), "message": str(f.get("subject", ""))}
        if type_id == "0-5":
            value = f.get("value") or {}
            if value.get("type") == "OBJECT_PROPERTY" and f.get("association"):
                assoc = (f.get("association") or {}).get("associationTypeId")
                target = next((t for (src, t), i in COPY_ASSOCIATIONS.items() if src == obj and i == assoc),
                              f"association-{assoc}")
                return {"type": "copy_property", "property": str(value.get("propertyName")),
                        "to_object": target}
            if value.get("type", "STATIC_VALUE") == "STATIC_VALUE" and not f.get("association"):
                return {"type": "set_property", "property": str(f.get("property_name")),
                        "value": value.get("staticValue")}
    except (KeyError, ValueError, TypeError):
        pass
    return {"type": "hubspot", "action_type_id": type_id, "fields": f}


def _assignee(owner: Any) -> str:
    value = (owner or {}).get("value") or {}
    if value.get("type") == "OBJECT_PROPERTY" and value.get("propertyName") == OWNER_PROPERTY:
        return "owner"
    if value.get("type") == "STATIC_VALUE":
        return f"hubspot-owner-{value.get('staticValue')}"
    return "owner" if not owner else f"hubspot-{_json(owner)}"


def _due(due: Any) -> str:
    if not due:
        return "1d"
    return _duration_from(due.get("delta", 1), due.get("timeUnit", "DAYS"))


def _recipient(f: dict[str, Any]) -> str:
    if f.get("owner_properties") == [OWNER_PROPERTY] and not f.get("user_ids") and not f.get("team_ids"):
        return "owner"
    if f.get("user_ids"):
        return "hubspot-user-" + ",".join(str(x) for x in f["user_ids"])
    if f.get("team_ids"):
        return "hubspot-team-" + ",".join(str(x) for x in f["team_ids"])
    return "hubspot-" + ",".join(str(x) for x in f.get("owner_properties") or [])


def _condition(fb: Any) -> Any:
    if not fb:
        return None
    return to_data(readable_condition(fb))


def flow_to_workflow_attrs(flow: dict[str, Any]) -> dict[str, Any]:
    """Read a (live) v4 flow back into neutral workflow attributes (see the module docstring)."""
    obj = _OBJECT_NAMES.get(str(flow.get("objectTypeId")), str(flow.get("objectTypeId")))
    crit = flow.get("enrollmentCriteria") or {}
    attrs: dict[str, Any] = {
        "object": obj,
        "description": str(flow.get("description") or ""),
        "enrollment": _condition(crit.get("listFilterBranch")) if crit.get("type") == "LIST_BASED" else None,
        "reenroll": bool(crit.get("shouldReEnroll", False)),
        "goal": _condition(flow.get("goalFilterBranch")),
        "actions": [_neutral_action(a, obj) for a in _ordered_actions(flow)],
    }
    spec = stored_spec(flow)
    if spec is not None:
        for k in ("enrollment", "goal", "actions"):
            if k in spec:
                attrs[k] = spec[k]
    return attrs


def stored_spec(flow: dict[str, Any]) -> dict[str, Any] | None:
    """The neutral attributes gtm stored with ``flow``, while its digest still matches the live flow."""
    custom = flow.get("customProperties") or {}
    stored, digest = custom.get(SPEC_KEY), custom.get(DIGEST_KEY)
    if not isinstance(stored, str) or digest != _digest(flow):
        return None
    try:
        spec = json.loads(stored)
    except ValueError:
        return None
    return spec if isinstance(spec, dict) else None


# -- normalisation -----------------------------------------------------------------------------------
def _normalize_action(a: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in a.items() if k != "connection"}
    out.setdefault("actionTypeVersion", 0)
    out.setdefault("type", "SINGLE_CONNECTION")
    conn = a.get("connection")
    if conn:
        out["connection"] = {"edgeType": conn.get("edgeType") or "STANDARD",
                             "nextActionId": str(conn.get("nextActionId"))}
    if "actionId" in out:
        out["actionId"] = str(out["actionId"])
    return json.loads(_json(out))


def normalize_flow(flow: dict[str, Any]) -> dict[str, Any]:
    """A flow without server fields, with HubSpot's defaults and canonical order (idempotent)."""
    out = {k: v for k, v in flow.items() if k not in SERVER_FIELDS}
    out.setdefault("flowType", "WORKFLOW")
    out.setdefault("description", "")
    for k in ("timeWindows", "blockedDates", "dataSources"):
        out[k] = list(out.get(k) or [])
    out["customProperties"] = dict(out.get("customProperties") or {})
    if out.get("type") == "CONTACT_FLOW":
        out["suppressionListIds"] = list(out.get("suppressionListIds") or [])
        out.setdefault("canEnrollFromSalesforce", False)
    actions = [_normalize_action(a) for a in out.get("actions") or []]
    out["actions"] = sorted(actions, key=lambda a: _id_key(str(a.get("actionId"))))
    crit = out.get("enrollmentCriteria")
    if isinstance(crit, dict):
        crit = dict(crit)
        crit.setdefault("shouldReEnroll", False)
        if crit.get("type") == "LIST_BASED":
            crit.setdefault("unEnrollObjectsNotMeetingCriteria", False)
            triggers = crit.get("reEnrollmentTriggersFilterBranches") or []
            crit["reEnrollmentTriggersFilterBranches"] = sorted(
                (normalize_filter_branch(b) for b in triggers), key=_json)
            if crit.get("listFilterBranch"):
                crit["listFilterBranch"] = normalize_filter_branch(crit["listFilterBranch"])
        out["enrollmentCriteria"] = dict(sorted(crit.items()))
    if out.get("goalFilterBranch"):
        out["goalFilterBranch"] = normalize_filter_branch(out["goalFilterBranch"])
    return dict(sorted(out.items()))
