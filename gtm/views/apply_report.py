"""What ``gtm apply`` reports: text for people, or one JSON document (``--format json``).

The JSON report says what was done, per change: ``{"format_version", "environment", "status",
"summary", "changes": [{"address", "action", "status", "detail", "also"}], "diagnostics"}``.
``also`` lists the writes the provider made because of that change beyond the plan (HubSpot: a band
formula rewritten over its changed score), each ``{"address", "action", "detail"}``.  ``status``
is ``applied``, ``no-changes`` or ``failed``; a change is ``done``, ``failed``, ``pending`` (not
reached) or ``not-applied`` (the apply never started).  The exit code is the same as in text.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NoReturn

import click

from compiler.diagnostics import Diagnostic
from compiler.plan import FORMAT_VERSION, Plan
from gtm import exitcodes
from gtm.context import print_diagnostics

if TYPE_CHECKING:
    from gtm.applying import ApplyResult


@dataclass
class Output:
    fmt: str
    environment: str | None = None
    plan: Plan | None = None
    result: ApplyResult | None = None
    warnings: list[Diagnostic] = field(default_factory=list)

    @property
    def json(self) -> bool:
        return self.fmt == "json"

    def report(self, status: str, diags: list[Diagnostic]) -> dict[str, Any]:
        changes: list[dict[str, Any]] = []
        entries = self.result.journal.entries if self.result and self.result.journal else None
        for i, c in enumerate(self.plan.changes if self.plan else []):
            e = entries[i] if entries is not None and i < len(entries) else {}
            changes.append({"address": c.address, "action": c.action, "status": e.get("status", "not-applied"),
                            "detail": e.get("detail"), "also": list(e.get("also") or [])})
        return {
            "format_version": FORMAT_VERSION,
            "environment": self.environment,
            "status": status,
            "summary": self.plan.counts if self.plan else None,
            "changes": changes,
            "diagnostics": [d.to_dict() for d in [*self.warnings, *diags]],
        }

    def fail(self, diags: list[Diagnostic]) -> NoReturn:
        if self.json:
            click.echo(json.dumps(self.report("failed", diags), indent=2))
        else:
            print_diagnostics(diags, "text")
        sys.exit(exitcodes.ERROR)

    def follow_on_lines(self) -> list[str]:
        """Text lines for the writes made beyond the plan's changes, under the change that caused them."""
        entries = self.result.journal.entries if self.result and self.result.journal else []
        return [f"  {'~' if f.get('action') == 'update' else '+'} {f.get('address')}: {f.get('detail')}"
                f"  (with {e.get('address')})" for e in entries for f in e.get("also") or []]

    def done(self, status: str) -> NoReturn:
        if self.json:
            click.echo(json.dumps(self.report(status, []), indent=2))
        sys.exit(exitcodes.OK)
