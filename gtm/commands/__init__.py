"""Registry of CLI commands (one module each), loaded lazily.

``gtm --version`` and ``gtm --help`` must not import the compiler, the providers or deepdiff, so
the group knows each command by name, module and one-line help, and imports a command's module
only when that command runs (or its own ``--help`` is asked for).  ``tests/cli`` checks that each
entry's help is the command's own first docstring line, so the two cannot drift apart.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

import click


@dataclass(frozen=True)
class Entry:
    """Where a command lives and the one line ``gtm --help`` shows for it."""

    module: str
    attr: str
    help: str


REGISTRY: dict[str, Entry] = {
    "validate": Entry(
        "gtm.commands.validate", "validate",
        "Load and check every spec (schema, references, semantics). No network.",
    ),
    "plan": Entry(
        "gtm.commands.plan", "plan",
        "Diff the specs against the live CRM and show the changes, like `terraform plan`.",
    ),
    "apply": Entry(
        "gtm.commands.apply", "apply",
        "Apply the changes: a saved PLAN_FILE exactly, or a fresh plan after confirmation.",
    ),
    "gate": Entry(
        "gtm.commands.gate", "gate",
        "Run the phase quality gates and print a checklist; exit 1 if a check fails.",
    ),
    "test": Entry(
        "gtm.commands.test", "test",
        "Run the spec tests (kind: Test) offline with the evaluator; exit 1 on a failed case.",
    ),
    "sample-data": Entry(
        "gtm.commands.sample_data", "sample_data",
        "Fill an environment with deterministic synthetic records (local: replaces them; emulator: adds).",
    ),
    "explain": Entry(
        "gtm.commands.explain", "explain",
        "Explain a RECORD (JSON of property values, or @file.json) against the specs.",
    ),
    "show": Entry(
        "gtm.commands.show", "show",
        "Render a saved plan (from `gtm plan --out`) as text, markdown, json or github, without re-planning.",
    ),
    "utm": Entry(
        "gtm.commands.utm", "utm",
        "Check or build links against the UTMConvention.",
    ),
    "schema": Entry(
        "gtm.commands.schema", "schema",
        "JSON Schema for every kind (or one KIND), for editors and CI.",
    ),
    "init": Entry(
        "gtm.commands.init", "init",
        "Create gtm.yaml and a starter specs/ tree that validates and plans.",
    ),
    "emulator": Entry(
        "gtm.commands.emulator", "emulator",
        "Serve a stateful HubSpot API emulator (properties, groups, pipelines, lists, flows, records).",
    ),
    "import": Entry(
        "gtm.commands.import_", "import_cmd",
        "Write spec files (Properties, Pipeline) for what the portal holds, so a plan right after shows no changes.",
    ),
    "fmt": Entry(
        "gtm.commands.fmt", "fmt",
        "Format spec files in the canonical layout, keeping comments; --check lists files that would change.",
    ),
    "unlock": Entry(
        "gtm.commands.unlock", "unlock",
        "Break the apply lock of an environment (only when the apply holding it is dead).",
    ),
}


def load_command(name: str) -> click.Command:
    """Import and return the command registered as ``name``."""
    entry = REGISTRY[name]
    cmd = getattr(importlib.import_module(entry.module), entry.attr)
    if not isinstance(cmd, click.Command):  # pragma: no cover - a registry typo
        raise TypeError(f"{entry.module}.{entry.attr} is not a click command")
    return cmd


class LazyGroup(click.Group):
    """A click group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*REGISTRY, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.commands:
            return self.commands[cmd_name]
        if cmd_name not in REGISTRY:
            return None
        cmd = load_command(cmd_name)
        self.commands[cmd_name] = cmd
        return cmd

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, REGISTRY[name].help if name in REGISTRY else (self.commands[name].get_short_help_str()))
                for name in self.list_commands(ctx)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)
