"""Registry of CLI commands (one module each)."""

from __future__ import annotations

import click

from gtm.commands.apply import apply
from gtm.commands.emulator import emulator
from gtm.commands.explain import explain
from gtm.commands.gate import gate
from gtm.commands.init import init
from gtm.commands.plan import plan
from gtm.commands.schema import schema
from gtm.commands.unlock import unlock
from gtm.commands.utm import utm
from gtm.commands.validate import validate

COMMANDS: list[click.Command] = [validate, plan, apply, gate, explain, utm, schema, init, emulator, unlock]
