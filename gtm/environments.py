"""Resolve an environment from gtm.yaml into a provider instance."""

from __future__ import annotations

from pathlib import Path

from compiler.catalog import NO_EXTRAS, PortalExtras
from compiler.diagnostics import Diagnostic, error
from compiler.parse import suggest
from compiler.project import Project
from compiler.workspace import Environment, HubSpotEnvironment, LocalEnvironment
from providers.base import Provider, ProviderError


def resolve(project: Project, name: str | None) -> tuple[str, Environment | None, list[Diagnostic]]:
    ws = project.workspace
    if ws is None:
        return name or "local", None, []
    env_name = name or ws.default_environment
    env = ws.environments.get(env_name)
    if env is None:
        s = suggest(env_name, list(ws.environments))
        rng = project.workspace_doc.at(("environments",), key=True) if project.workspace_doc else None
        return env_name, None, [error("GTM202", f'unknown environment "{env_name}"', rng,
                                      hint=f'did you mean "{s}"?' if s else
                                      "defined: " + ", ".join(sorted(ws.environments)))]
    return env_name, env, []


def make_provider(env: Environment, root: Path, env_name: str, portal: PortalExtras = NO_EXTRAS) -> Provider:
    """Instantiate the provider for ``env``; raises ProviderError with a safe message.

    ``portal`` is what gtm.yaml declares the portal has beyond a fresh one: the local provider serves
    it as if its portal had it; a HubSpot portal is read as it is."""
    if isinstance(env, LocalEnvironment):
        from providers.local import LocalProvider

        path = Path(env.path)
        if not path.is_absolute():
            path = root / path
        return LocalProvider(path, portal, lock_wait_s=env.lock_wait_s, time_zone=env.time_zone)
    if isinstance(env, HubSpotEnvironment):
        from gtm.ci.trusted_host import check_pr_base_url

        # a pull request's check sends the token only where the base branch's gtm.yaml says (GTM626)
        check_pr_base_url(env_name, env.base_url, env.token_env, root)
        try:
            from providers.hubspot.provider import HubSpotProvider
        except ImportError as e:  # pragma: no cover - only when the provider is missing
            raise ProviderError(f"the HubSpot provider is not available: {e}") from e
        return HubSpotProvider.from_environment(env, env_name)
    raise ProviderError(f"unknown provider for environment {env_name}")
