"""Which phase a run gates: ``--phase N``, else a ``gtm/phase-N-…`` branch name, else all phases.

The branch is ``GITHUB_HEAD_REF`` when set (a pull request's source branch in GitHub Actions),
else the current git branch (``git rev-parse --abbrev-ref HEAD`` in the workspace).
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

BRANCH_RE = re.compile(r"^(?:refs/heads/)?gtm/phase-([1-4])(?:-|$)")
GIT_TIMEOUT = 5.0


@dataclass(frozen=True)
class PhaseChoice:
    """The chosen phase (``None`` = every phase) and how it was chosen, for the report heading."""

    phase: int | None
    source: str


def phase_from_branch(branch: str | None) -> int | None:
    """``gtm/phase-2-pipeline`` → 2; anything else → None."""
    if not branch:
        return None
    m = BRANCH_RE.match(branch.strip())
    return int(m.group(1)) if m else None


def current_branch(cwd: Path | None = None, env: Mapping[str, str] | None = None) -> str | None:
    """``GITHUB_HEAD_REF`` if set, else git's current branch; None outside a repository."""
    env = os.environ if env is None else env
    head_ref = env.get("GITHUB_HEAD_REF", "").strip()
    if head_ref:
        return head_ref
    try:
        res = subprocess.run(["git", "rev-parse", "--abbrev-ref", "HEAD"], cwd=cwd, capture_output=True,
                             text=True, timeout=GIT_TIMEOUT, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    branch = res.stdout.strip()
    return branch if res.returncode == 0 and branch and branch != "HEAD" else None


def choose_phase(explicit: int | None, cwd: Path | None = None,
                 env: Mapping[str, str] | None = None) -> PhaseChoice:
    """``--phase`` wins; else the branch name; else every phase."""
    if explicit is not None:
        return PhaseChoice(explicit, "--phase")
    branch = current_branch(cwd, env)
    phase = phase_from_branch(branch)
    if phase is not None:
        return PhaseChoice(phase, f"branch {branch}")
    where = f"branch {branch}" if branch else "no branch"
    return PhaseChoice(None, f"{where} names no phase; all phases")
