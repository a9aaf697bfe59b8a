"""The workspace file ``gtm.yaml``: name, spec directory, environments, custom checks."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from compiler.models.common import ConditionData, Slug, SpecModel

ENV_VAR_PATTERN = r"^[A-Z_][A-Z0-9_]*$"
CHECK_CODE_PATTERN = r"^[A-Z][A-Z0-9]{2,11}$"


class LocalEnvironment(SpecModel):
    """The embedded SQLite provider (the default; no account needed)."""

    provider: Literal["local"]
    path: str = ".gtm/local.db"
    protected: bool = False


class HubSpotEnvironment(SpecModel):
    """A HubSpot portal reached through a private-app token read from ``token_env``."""

    provider: Literal["hubspot"]
    token_env: str = Field(pattern=ENV_VAR_PATTERN)
    base_url: str | None = Field(default=None, pattern=r"^https?://[^\s/]+(:\d+)?(/[^\s]*)?$")
    protected: bool = False
    max_concurrency: int = Field(default=4, ge=1, le=16)


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
    checks: list[CustomCheck] = Field(default_factory=list)
