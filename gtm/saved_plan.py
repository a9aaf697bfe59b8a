"""Saved plans (``gtm plan --out``): versioned JSON with a fingerprint of every live object read.

``gtm apply FILE`` re-reads the portal and refuses when any fingerprint moved (stale), when the
specs changed since (different ``spec_digest``) or when the environment differs.  No secrets
are stored: only addresses, attributes, digests and the environment name.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from compiler.diagnostics import Diagnostic, error
from compiler.plan import FORMAT_VERSION, Plan
from compiler.project import Project

KIND = "gtm-saved-plan"


def write_saved_plan(path: Path, plan: Plan, project: Project) -> None:
    payload = {"kind": KIND, **plan.to_dict(), "workspace": project.workspace.name if project.workspace else None}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2, default=str) + "\n", encoding="utf-8")


def read_saved_plan(path: Path) -> tuple[dict[str, Any] | None, list[Diagnostic]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        return None, [error("GTM610", f"cannot read saved plan {path}: {e}")]
    if not isinstance(data, dict) or data.get("kind") != KIND:
        return None, [error("GTM610", f"{path} is not a gtm saved plan")]
    if data.get("format_version") != FORMAT_VERSION:
        return None, [error("GTM610", f"{path} has plan format {data.get('format_version')!r}; "
                                      f"this gtm reads {FORMAT_VERSION}")]
    return data, []


def check_saved_plan(saved: dict[str, Any], current: Plan, env_name: str) -> list[Diagnostic]:
    """Refuse a saved plan made for another environment, from other specs, or against moved live state."""
    if saved.get("environment") != env_name:
        return [error("GTM607", f'the saved plan is for environment "{saved.get("environment")}", '
                                f'not "{env_name}"', hint=f"run `gtm apply -e {saved.get('environment')} FILE`")]
    if saved.get("spec_digest") != current.spec_digest:
        return [error("GTM607", "the saved plan was made from different specs; plan again",
                      hint="run `gtm plan --out FILE` on the current specs")]
    old: dict[str, str] = saved.get("live_fingerprints") or {}
    new = current.live_fingerprints
    moved = sorted(a for a in set(old) | set(new) if old.get(a) != new.get(a))
    if moved:
        shown = ", ".join(moved[:10]) + (f" and {len(moved) - 10} more" if len(moved) > 10 else "")
        return [error("GTM604", f"the saved plan is stale: the portal changed since it was made ({shown})",
                      notes=tuple(f"moved: {a}" for a in moved[:50]),
                      hint="run `gtm plan --out FILE` again and review the new plan")]
    saved_addrs = [(c["address"], c["action"]) for c in saved.get("changes", [])]
    cur_addrs = [(c.address, c.action) for c in current.changes]
    if saved_addrs != cur_addrs:
        return [error("GTM604", "the saved plan is stale: the changes it would make differ from a fresh plan")]
    return []
