"""What a fresh HubSpot portal already has: HubSpot-defined properties with their types and
enumeration values, property groups and the default pipelines of contacts, companies, deals
and tickets.

The facts live in ``data/<object>.json`` (built by ``tools/build_catalog.py`` from the notes in
``tools/catalog_src``).  They are read lazily, once per process, the first time a question is
asked, so commands that never look at the catalog (``gtm validate`` on specs without property
conditions, ``--help``) pay nothing for it.  The local provider, the offline checks and the
emulator's seed all read this one source.

A workspace can declare what its own portal has beyond a fresh one (``portal:`` in
``gtm.yaml``); :class:`PortalExtras` carries that and the lookups below accept it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

OBJECTS: tuple[str, ...] = ("contacts", "companies", "deals", "tickets")
DATA_DIR = Path(__file__).with_name("data")

# Employee-count bands of the contacts ``numemployees`` enumeration, as numeric ranges
# (lower bound, upper bound or None): used to turn firmographic ranges into option lists.
EMPLOYEE_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("1-5", 1, 5), ("5-25", 5, 25), ("25-50", 25, 50), ("50-100", 50, 100), ("100-500", 100, 500),
    ("500-1000", 500, 1000), ("1000+", 1000, None),
)

# stage-derived properties HubSpot keeps for every deal/ticket pipeline stage (names follow the
# stage's internal id); any stage a spec creates gets them, so they are known without listing
STAGE_PROPERTY_PATTERNS: dict[str, re.Pattern[str]] = {
    "deals": re.compile(r"^hs_(v2_)?(time_in|date_entered|date_exited|cumulative_time_in|latest_time_in)_"
                        r"[a-z0-9_]+$"),
    "tickets": re.compile(r"^hs_(v2_)?(time_in|date_entered|date_exited|cumulative_time_in|latest_time_in)_"
                          r"[a-z0-9_]+$"),
}
_STAGE_TYPES = {"time_in": "number", "cumulative_time_in": "number", "latest_time_in": "number",
                "date_entered": "datetime", "date_exited": "datetime"}

# where the options of an enumeration come from (``optionSource`` in the data files)
CATALOG, UNLISTED, EXTERNAL, PIPELINES, STAGES = "catalog", "unlisted", "external", "pipelines", "stages"


@dataclass(frozen=True)
class ExtraProperty:
    """A property a team's portal has that a fresh portal lacks (declared under ``portal:``)."""

    name: str
    type: str = "string"
    field_type: str = "text"
    label: str = ""
    options: tuple[str, ...] = ()


@dataclass(frozen=True)
class PortalExtras:
    """What one portal has beyond a fresh one: extra properties and extra enumeration options."""

    properties: dict[str, dict[str, ExtraProperty]] = field(default_factory=dict)
    options: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)

    def merged(self, other: PortalExtras | None) -> PortalExtras:
        """These extras plus ``other``'s (an environment's own declarations)."""
        if other is None or other.empty:
            return self
        props = {o: dict(p) for o, p in self.properties.items()}
        for o, ps in other.properties.items():
            props.setdefault(o, {}).update(ps)
        opts = {o: dict(vs) for o, vs in self.options.items()}
        for o, more in other.options.items():
            for name, vals in more.items():
                have = opts.setdefault(o, {}).get(name, ())
                opts[o][name] = have + tuple(v for v in vals if v not in have)
        return PortalExtras(props, opts)

    @property
    def empty(self) -> bool:
        return not self.properties and not self.options


NO_EXTRAS = PortalExtras()


@cache
def _load(obj: str) -> dict[str, Any]:
    path = DATA_DIR / f"{obj}.json"
    if obj not in OBJECTS or not path.is_file():
        return {"object": obj, "groups": [], "pipelines": [], "properties": []}
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    data["by_name"] = {p["name"]: p for p in data["properties"]}
    return data


def properties(obj: str) -> list[dict[str, Any]]:
    """Every HubSpot-defined property of ``obj`` in a fresh portal, as HubSpot describes it."""
    return list(_load(obj)["properties"])


def property_def(obj: str, name: str) -> dict[str, Any] | None:
    """The catalog entry of one property, or None."""
    p: dict[str, Any] | None = _load(obj)["by_name"].get(name)
    return p


def property_names(obj: str, extras: PortalExtras = NO_EXTRAS) -> list[str]:
    """Names of the properties a (fresh or declared) portal has on ``obj``."""
    return [*_load(obj)["by_name"], *extras.properties.get(obj, {})]


def groups(obj: str) -> list[tuple[str, str]]:
    """Default property groups of ``obj``: (name, label)."""
    return [(g["name"], g["label"]) for g in _load(obj)["groups"]]


def pipelines(obj: str) -> list[dict[str, Any]]:
    """Default pipelines of ``obj`` (deals: ``default``; tickets: ``0``) with their stages."""
    return list(_load(obj)["pipelines"])


def _stage_property_type(obj: str, name: str) -> str | None:
    pat = STAGE_PROPERTY_PATTERNS.get(obj)
    if pat is None:
        return None
    m = pat.match(name)
    return _STAGE_TYPES[m.group(2)] if m else None


def property_type(obj: str, name: str, extras: PortalExtras = NO_EXTRAS) -> str | None:
    """HubSpot type of ``name`` on ``obj`` (``string``, ``number``, ``enumeration``…) or None if unknown."""
    p = property_def(obj, name)
    if p is not None:
        return str(p["type"])
    extra = extras.properties.get(obj, {}).get(name)
    if extra is not None:
        return extra.type
    return _stage_property_type(obj, name)


def known_property(obj: str, name: str, extras: PortalExtras = NO_EXTRAS) -> bool:
    """True when a fresh portal (plus ``extras``) has ``name`` on ``obj``."""
    return property_type(obj, name, extras) is not None


def property_options(obj: str, name: str, extras: PortalExtras = NO_EXTRAS) -> tuple[str, ...]:
    """Internal values of the enumeration ``name`` (catalog values first, then declared ones)."""
    p = property_def(obj, name)
    base: tuple[str, ...] = tuple(o["value"] for o in p.get("options", ())) if p else ()
    extra = extras.properties.get(obj, {}).get(name)
    if extra is not None:
        base += tuple(v for v in extra.options if v not in base)
    more = extras.options.get(obj, {}).get(name, ())
    return base + tuple(v for v in more if v not in base)


def checked_options(obj: str, name: str, extras: PortalExtras = NO_EXTRAS) -> frozenset[str] | None:
    """The values an offline check may demand of ``name``, or None when they cannot be known offline
    (owners, teams, pipelines and stages, enumerations whose values the catalog does not list)."""
    p = property_def(obj, name)
    if p is not None:
        if p["type"] != "enumeration" and p["type"] != "bool":
            return None
        if p.get("optionSource") != CATALOG:
            more = extras.options.get(obj, {}).get(name)
            # a declared list for an unlisted enumeration is the team's statement of its values
            return frozenset(more) if more and p.get("optionSource") == UNLISTED else None
        return frozenset(property_options(obj, name, extras))
    extra = extras.properties.get(obj, {}).get(name)
    if extra is not None and extra.type == "enumeration" and extra.options:
        return frozenset(property_options(obj, name, extras))
    return None


def default_property_dicts(obj: str) -> list[dict[str, Any]]:
    """Default properties as IR attribute dicts (read-only, HubSpot-defined)."""
    out = []
    for i, p in enumerate(_load(obj)["properties"]):
        out.append({
            "name": p["name"], "label": p["label"], "type": p["type"], "field_type": p["fieldType"],
            "group": p["groupName"], "description": "", "display_order": i,
            "options": [{"value": o["value"], "label": o["label"], "display_order": j, "hidden": False}
                        for j, o in enumerate(p.get("options", ()))],
            "hubspot_defined": True,
        })
    return out


def __getattr__(name: str) -> Any:
    """Older constant names, computed from the data files on first use."""
    if name == "LIFECYCLE_STAGES":
        p = property_def("contacts", "lifecyclestage") or {}
        return tuple((o["value"], o["label"]) for o in p.get("options", ()))
    if name == "LEAD_STATUS":
        return property_options("contacts", "hs_lead_status")
    if name == "INDUSTRIES":
        return property_options("companies", "industry")
    if name == "DEFAULT_DEAL_STAGES":
        stages = pipelines("deals")[0]["stages"]
        return tuple((s["id"], s["label"], float(s["metadata"]["probability"]),
                      s["metadata"]["isClosed"] == "true") for s in stages)
    if name == "DEFAULT_GROUPS":
        return {o: tuple(groups(o)) for o in OBJECTS}
    if name == "DEFAULT_GROUP_FOR":
        return {o: groups(o)[0][0] for o in OBJECTS}
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
