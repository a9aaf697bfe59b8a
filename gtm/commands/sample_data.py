"""``gtm sample-data``: fill an environment with deterministic synthetic records, so impact shows something."""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import urlparse

import click

from compiler.diagnostics import error
from gtm import exitcodes
from gtm.commands.plan import env_option
from gtm.context import open_project, print_diagnostics, workspace_options
from gtm.deadline import provider_deadline
from gtm.environments import make_provider, resolve
from gtm.sample_data import Stage, companies, contacts, deals
from providers.base import ProviderError

LOOPBACK = ("127.0.0.1", "localhost", "::1")


@click.command("sample-data")
@workspace_options
@env_option
@click.option("--contacts", "n_contacts", type=click.IntRange(0, 2_000_000), default=5000, show_default=True)
@click.option("--companies", "n_companies", type=click.IntRange(0, 1_000_000), default=1000, show_default=True)
@click.option("--deals", "n_deals", type=click.IntRange(0, 1_000_000), default=1500, show_default=True)
@click.option("--seed", type=int, default=7, show_default=True, help="Same seed, same records.")
@click.option("--yes", is_flag=True, help="Write into a HubSpot portal that is not on this machine.")
def sample_data(root: Path, specs_dir: Path | None, env_name: str | None, n_contacts: int, n_companies: int,
                n_deals: int, seed: int, yes: bool) -> None:
    """Fill an environment with deterministic synthetic records (local: replaces them; emulator: adds).

    \b
    Companies, contacts and deals with realistic distributions (industries, sizes, titles, page
    views, conversions, opt-outs, lifecycle stages, deal stages and amounts), so `gtm plan`
    shows what a scoring or tier change does.  The local provider's records are replaced; on
    HubSpot (meant for `gtm emulator`) records are added and nothing is deleted.
    """
    project = open_project(root, specs_dir)
    name, env, diags = resolve(project, env_name)
    if env is None:
        print_diagnostics(diags)
        sys.exit(exitcodes.ERROR)
    if getattr(env, "protected", False):
        print_diagnostics([error("GTM603", f'environment "{name}" is protected: sample data is not written there')])
        sys.exit(exitcodes.ERROR)
    base = getattr(env, "base_url", None)
    if env.provider == "hubspot" and not yes and urlparse(base or "https://api.hubapi.com").hostname not in LOOPBACK:
        print_diagnostics([error("GTM603", f'environment "{name}" is a HubSpot portal, not the emulator: '
                                           "refusing to add synthetic records",
                                 hint="pass --yes to write them anyway (they are never deleted by gtm)")])
        sys.exit(exitcodes.ERROR)
    try:
        with provider_deadline("sample-data", name, env):
            provider = make_provider(env, project.root, name)
            try:
                live = provider.read()
                stages = [Stage(str(s["id"]), r.name, bool(s.get("closed")))
                          for r in live.resources if r.type == "pipeline" and r.object == "deals"
                          for s in r.attributes.get("stages") or []]
                cos = companies(n_companies, seed)
                data = {"companies": cos, "contacts": contacts(n_contacts, cos, seed),
                        "deals": deals(n_deals, stages, seed)}
                written = {obj: provider.write_sample_records(obj, recs, live)  # type: ignore[attr-defined]
                           for obj, recs in data.items()}
            finally:
                provider.close()
    except ProviderError as e:
        print_diagnostics([error(e.code, e.message)])
        sys.exit(exitcodes.ERROR)
    verb = "Replaced the records of" if env.provider == "local" else "Added records to"
    click.echo(f'{verb} "{name}": {written["companies"]:,} companies, {written["contacts"]:,} contacts, '
               f'{written["deals"]:,} deals (seed {seed}).')
