"""Saved plans (``gtm plan --out``): versioned JSON with a fingerprint of every live object read.

``gtm apply FILE`` re-reads the portal and refuses when any fingerprint moved (stale), when the
specs changed since (different ``spec_digest``) or when the environment differs.  No secrets
are stored: only addresses, attributes, digests and the environment name.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from compiler.bounded import TooLarge, read_limited, strict_json_loads
from compiler.diagnostics import Diagnostic, error
from compiler.plan import FORMAT_VERSION, Plan
from compiler.project import Project

KIND = "gtm-saved-plan"


def write_saved_plan(path: Path, plan: Plan, project: Project) -> None:
    payload = {"kind": KIND, **plan.to_dict(), "workspace": project.workspace.name if project.workspace else None}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2, default=str, allow_nan=False) + "\n", encoding="utf-8")


MAX_PLAN_BYTES = 64 * 2**20
ACTIONS = ("create", "update", "delete", "replace")


def read_saved_plan(path: Path) -> tuple[dict[str, Any] | None, list[Diagnostic]]:
    """The saved plan at ``path``, or GTM610/GTM015 when it is not one gtm wrote (size, JSON, shape)."""
    try:
        data = strict_json_loads(read_limited(path, MAX_PLAN_BYTES).decode("utf-8"))
    except TooLarge:
        return None, [error("GTM015", f"saved plan {path} is larger than {MAX_PLAN_BYTES:,} bytes (the limit)",
                            hint="a saved plan is written by `gtm plan --out FILE`")]
    except RecursionError:
        return None, [error("GTM610", f"saved plan {path} is nested too deeply to be a gtm saved plan")]
    except (OSError, UnicodeDecodeError, ValueError) as e:
        return None, [error("GTM610", f"cannot read saved plan {path}: {e}")]
    if not isinstance(data, dict) or data.get("kind") != KIND:
        return None, [error("GTM610", f"{path} is not a gtm saved plan")]
    if data.get("format_version") != FORMAT_VERSION:
        return None, [error("GTM610", f"{path} has plan format {data.get('format_version')!r}; "
                                      f"this gtm reads {FORMAT_VERSION}")]
    why = shape_problem(data)
    if why:
        return None, [error("GTM610", f"{path} is not a well-formed gtm saved plan: {why}",
                            hint="plan again with `gtm plan --out FILE`; never edit a saved plan by hand")]
    return data, []



def shape_problem(data: dict[str, Any]) -> str | None:
    """What is wrong with the types of a saved plan's fields (None when they are right)."""
    for key in ("environment", "spec_digest"):
        if not isinstance(data.get(key), str):
            return f"{key} must be a string"
    fps = data.get("live_fingerprints")
    if not isinstance(fps, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in fps.items()):
        return "live_fingerprints must map addresses to strings"
    changes = data.get("changes")
    if not isinstance(changes, list):
        return "changes must be a list"
    for i, c in enumerate(changes):
        if not isinstance(c, dict):
            return f"changes[{i}] must be an object"
        if not isinstance(c.get("address"), str):
            return f"changes[{i}].address must be a string"
        if c.get("action") not in ACTIONS:
            return f"changes[{i}].action must be one of {', '.join(ACTIONS)}"
        for key in ("before", "after"):
            if c.get(key) is not None and not isinstance(c.get(key), dict):
                return f"changes[{i}].{key} must be an object or null"
    return None


def _content(change: dict[str, Any]) -> str:
    """What a change does, for comparing a saved plan with a fresh one (impact counts excluded)."""
    return json.dumps({k: change.get(k) for k in ("address", "action", "before", "after")}, sort_keys=True,
                      default=str)


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
    # the reviewer read the saved file: refuse it when its content is not what apply would do
    fresh = [_content(json.loads(json.dumps(c.to_dict(), default=str))) for c in current.changes]
    differ = [c["address"] for c, f in zip(saved.get("changes", []), fresh, strict=True) if _content(c) != f]
    if differ:
        return [error("GTM607", "the saved plan's content differs from what apply would do (was the file edited?): "
                                + ", ".join(differ[:10]), notes=tuple(f"differs: {a}" for a in differ[:50]),
                      hint="plan again with `gtm plan --out FILE` and review that file")]
    return []
