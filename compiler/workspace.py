"""The workspace file ``gtm.yaml``: name, spec directory, environments, custom checks."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BeforeValidator, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from compiler.models.common import ConditionData, Slug, SpecModel

ENV_VAR_PATTERN = r"^[A-Z_][A-Z0-9_]*$"
CHECK_CODE_PATTERN = r"^[A-Z][A-Z0-9]{2,11}$"


_PORTAL_ID_RE = re.compile(r"^[1-9][0-9]{0,17}$")
_NAME_RE = re.compile(r"^[a-z][a-z0-9_-]{0,59}$")
#: names that mean "the record's owner" and are never mapped
RESERVED_NAMES = frozenset({"owner"})


def _portal_id(v: object) -> str:
    s = str(v)
    if not isinstance(v, int | str) or isinstance(v, bool) or not _PORTAL_ID_RE.fullmatch(s):
        raise PydanticCustomError("gtm_portal_id", "'{value}' is not a HubSpot id (a positive whole number)",
                                  {"value": s})
    return s


def _names(v: dict[str, str]) -> dict[str, str]:
    for k in v:
        if not _NAME_RE.fullmatch(k):
            raise PydanticCustomError("gtm_mapping_name", "invalid name '{value}': use lower-case letters, digits, "
                                      "'_' and '-', starting with a letter", {"value": k})
        if k in RESERVED_NAMES:
            raise PydanticCustomError("gtm_mapping_name", "'{value}' means the record owner and cannot be mapped",
                                      {"value": k})
    return v


PortalId = Annotated[str, BeforeValidator(_portal_id), WithJsonSchema(
    {"oneOf": [{"type": "integer", "minimum": 1}, {"type": "string", "pattern": _PORTAL_ID_RE.pattern}],
     "description": "a HubSpot id (owner, user, team or marketing email id)"})]
NameMap = Annotated[dict[str, PortalId], AfterValidator(_names)]


def _time_zone(v: object) -> str:
    from compiler.conditions.evaluate import zone_info

    s = str(v).strip() if isinstance(v, str) else ""
    try:
        zone_info(s or "?")
    except ValueError:
        raise PydanticCustomError("gtm_time_zone", "'{value}' is not an IANA time zone name (e.g. UTC, "
                                  "Europe/Berlin, America/New_York)", {"value": str(v)}) from None
    return s


TimeZoneName = Annotated[str, AfterValidator(_time_zone), WithJsonSchema(
    {"type": "string", "minLength": 1, "description": "an IANA time zone name, e.g. UTC or America/New_York"})]


class Mappings(SpecModel):
    """What the specs' names mean in one portal: email slugs and people/team names → HubSpot ids.

    ``emails`` maps a sequence step's ``email:`` slug to a marketing email id; ``owners`` maps a task
    assignee (an SLA ``owner``) to a HubSpot owner id; ``users`` and ``teams`` map a notification recipient
    (``notify:``) to a user or team id.  ``owner`` always means the record's owner and is never mapped.
    """

    emails: NameMap = Field(default_factory=dict)
    owners: NameMap = Field(default_factory=dict)
    users: NameMap = Field(default_factory=dict)
    teams: NameMap = Field(default_factory=dict)


class ImpactLimits(SpecModel):
    """Bounds on a plan's business impact; a plan over any of them needs ``gtm apply --allow-impact``."""

    max_records: int | None = Field(default=None, ge=0, description="records one outcome (band, tier, MQL, "
                                                                      "SLA, list…) may move")
    max_percent: float | None = Field(default=None, ge=0, le=100, description="share of an object's records "
                                                                                "one outcome may move, in %")
    max_enrolled: int | None = Field(default=None, ge=0, description="records newly enrolled in one SLA, "
                                                                       "sequence, alert or the MQL workflow")


_PROPERTY_NAME_RE = r"^[a-z][a-z0-9_]{0,99}$"
PropertyName = Annotated[str, Field(pattern=_PROPERTY_NAME_RE)]


def _option_value(v: object) -> object:
    """Option values are strings in HubSpot; YAML numbers (``100``, ``1.5``) are taken as written."""
    return str(v) if isinstance(v, int | float) and not isinstance(v, bool) else v


OptionValue = Annotated[str, BeforeValidator(_option_value), Field(min_length=1, max_length=400)]


class PortalProperty(SpecModel):
    """A property the team's portal has that a fresh portal lacks (created outside gtm)."""

    name: PropertyName
    type: Literal["string", "number", "date", "datetime", "enumeration", "bool", "phone_number"] = "string"
    label: str | None = None
    options: list[OptionValue] = Field(default_factory=list)


class PortalObject(SpecModel):
    """What one CRM object of the portal has beyond a fresh portal."""

    properties: list[PortalProperty] = Field(default_factory=list)
    options: dict[PropertyName, list[OptionValue]] = Field(default_factory=dict)


class Portal(SpecModel):
    """What the team's HubSpot portal has that a fresh portal lacks, per object: extra properties
    (``properties``) and extra values of existing enumerations (``options``).  Offline checks and the
    local provider accept these as if the portal had them."""

    contacts: PortalObject = Field(default_factory=PortalObject)
    companies: PortalObject = Field(default_factory=PortalObject)
    deals: PortalObject = Field(default_factory=PortalObject)
    tickets: PortalObject = Field(default_factory=PortalObject)


class LocalEnvironment(SpecModel):
    """The embedded SQLite provider (the default; no account needed)."""

    provider: Literal["local"]
    path: str = ".gtm/local.db"
    protected: bool = False
    impact_limits: ImpactLimits | None = None
    mappings: Mappings = Field(default_factory=Mappings)
    deadline_s: float = Field(default=1800.0, gt=0, le=86400, description=(
        "seconds a whole plan or apply may take before it stops with an error (the lock is released)"))
    lock_wait_s: float = Field(default=30.0, ge=0, le=600, description=(
        "seconds to wait for the database while another program holds it locked, before GTM624"))
    time_zone: TimeZoneName = Field(default="UTC", description=(
        "IANA time zone whose midnight starts \"today\" for older_than_days / within_days (a HubSpot "
        "environment uses its portal's time zone)"))
    portal: Portal = Field(default_factory=Portal)


class HubSpotEnvironment(SpecModel):
    """A HubSpot portal reached through a private-app token read from ``token_env``."""

    provider: Literal["hubspot"]
    token_env: str = Field(pattern=ENV_VAR_PATTERN)
    base_url: str | None = Field(default=None, pattern=r"^https?://[^\s/]+(:\d+)?(/[^\s]*)?$")
    protected: bool = False
    impact_limits: ImpactLimits | None = None
    max_concurrency: int = Field(default=4, ge=1, le=16)
    mappings: Mappings = Field(default_factory=Mappings)
    timeout_s: float = Field(default=30.0, gt=0, le=600, description=(
        "seconds to wait for HubSpot to answer one request (connecting: at most 10)"))
    deadline_s: float = Field(default=1800.0, gt=0, le=86400, description=(
        "seconds a whole plan or apply may take before it stops with an error (the lock is released)"))
    portal: Portal = Field(default_factory=Portal)


Environment = Annotated[LocalEnvironment | HubSpotEnvironment, Field(discriminator="provider")]

ForEach = Literal["icp", "persona", "tier", "pipeline", "stage", "rule", "band", "sla", "sequence", "step", "alert"]


class CustomCheck(SpecModel):
    """A team's own gate check: for each item of a kind, ``require`` must hold."""

    code: str = Field(pattern=CHECK_CODE_PATTERN)
    phase: int = Field(ge=1, le=4)
    message: str = Field(min_length=1)
    for_each: ForEach
    where: ConditionData = None
    require: ConditionData
    hint: str | None = None


class Ownership(SpecModel):
    """Which live objects gtm manages: names with ``prefix`` (``gtm_``/``gtm-``) and labels with ``label_prefix``."""

    prefix: str = Field(default="gtm", pattern=r"^[a-z][a-z0-9]{1,15}$")
    label_prefix: str = "GTM · "
    adopt: list[str] = Field(default_factory=list, description=(
        "addresses of live objects named like gtm's but made elsewhere, that gtm may take over "
        "(e.g. workflow.gtm-mql)"))


def _default_environments() -> dict[str, Environment]:
    return {"local": LocalEnvironment(provider="local")}


class Workspace(SpecModel):
    """``gtm.yaml`` at the root of a spec repository."""

    version: Literal[1]
    name: Slug
    specs: str = "specs"
    environments: dict[str, Environment] = Field(default_factory=lambda: _default_environments())
    default_environment: str = "local"
    ownership: Ownership = Field(default_factory=Ownership)
    impact_limits: ImpactLimits | None = Field(default=None, description="for environments without their own")
    checks: list[CustomCheck] = Field(default_factory=list)
    portal: Portal = Field(default_factory=Portal)
