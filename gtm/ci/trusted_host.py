"""PR checks send a HubSpot token only to a host the base branch names.

A pull request can edit ``gtm.yaml``: without this check it could point ``base_url`` of an environment
whose token the PR checks hold (the sandbox) at any server, and the next ``gtm plan`` would send that
server the token.  In PR-check mode — GitHub Actions sets ``GITHUB_EVENT_NAME`` to ``pull_request``
(or ``pull_request_target``) and ``GITHUB_BASE_REF`` to the target branch — ``gtm`` reads the
*trusted* ``gtm.yaml`` before it sends anything, and refuses (GTM626) when the environment's
``(base_url, token_env)`` pair differs from the trusted one's.  Both halves matter: with only the host
compared, a PR could keep environment B's host and give B environment A's variable, sending A's token
to B's host — a host the base branch trusts with B's token only.  The trusted file is:

* ``GTM_TRUSTED_WORKSPACE=PATH``: that file (a workflow may check the base branch out beside the PR);
* otherwise ``git show origin/$GITHUB_BASE_REF:<gtm.yaml's path in the repository>`` — the base branch
  as fetched into the runner's clone (``actions/checkout`` fetches only the PR's merge commit: fetch the
  base too, as ``action.yml`` and ``gtm-pr.yml`` do).

If the trusted file cannot be read, the check fails closed: nothing is sent.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from compiler.bounded import TooLarge, read_regular
from providers.base import ProviderError

PR_EVENTS = frozenset({"pull_request", "pull_request_target"})
TRUSTED_ENV = "GTM_TRUSTED_WORKSPACE"
DEFAULT_BASE_URL = "https://api.hubapi.com"
MAX_TRUSTED_BYTES = 5 * 1024 * 1024
CODE = "GTM626"


def pr_check_mode(environ: Mapping[str, str]) -> bool:
    """Is this run a pull request's check on GitHub Actions?"""
    return environ.get("GITHUB_EVENT_NAME", "").strip() in PR_EVENTS


def same_host(a: str, b: str) -> bool:
    """Do two base URLs reach the same server and path (scheme, host, port, path; case of host ignored)?"""
    def key(url: str) -> tuple[str, str, int | None, str]:
        parts = urlsplit(url.strip())
        try:
            port = parts.port or {"http": 80, "https": 443}.get(parts.scheme.lower())
        except ValueError:
            port = -1
        return parts.scheme.lower(), (parts.hostname or "").lower(), port, parts.path.rstrip("/")
    return key(a) == key(b)


def _refuse(text: str, hint: str) -> ProviderError:
    return ProviderError(f"{text}; no request was sent. {hint}", code=CODE)


def _git_show(root: Path, base_ref: str) -> tuple[bytes, str]:
    """The base branch's gtm.yaml (at the same path in the repository as the one in ``root``)."""
    def git(*args: str) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(["git", "-C", str(root), *args], capture_output=True, timeout=60, check=False)

    try:
        top = git("rev-parse", "--show-toplevel")
    except (OSError, subprocess.SubprocessError) as e:
        raise _refuse(f"PR check: cannot run git to read the base branch's gtm.yaml ({type(e).__name__})",
                      f"install git, or set {TRUSTED_ENV} to the base branch's gtm.yaml") from None
    if top.returncode != 0:
        raise _refuse(f"PR check: {root} is not in a git repository, so the base branch's gtm.yaml cannot be read",
                      f"set {TRUSTED_ENV} to the base branch's gtm.yaml")
    rel = (root.resolve() / "gtm.yaml").relative_to(Path(os.fsdecode(top.stdout.strip())).resolve()).as_posix()
    spec = f"origin/{base_ref}:{rel}"
    shown = git("show", spec)
    if shown.returncode != 0:
        why = (os.fsdecode(shown.stderr).strip().splitlines() or ["git show failed"])[-1][:300]
        raise _refuse(
            f"PR check: cannot read the base branch's gtm.yaml ({spec}): {why}",
            f"fetch the base branch first (git fetch --depth=1 origin "
            f"+refs/heads/{base_ref}:refs/remotes/origin/{base_ref}), or set {TRUSTED_ENV}")
    return shown.stdout[:MAX_TRUSTED_BYTES + 1], spec


def _trusted_environment(raw: bytes, where: str, env_name: str) -> dict[str, Any] | None:
    from compiler.source import load_text

    if len(raw) > MAX_TRUSTED_BYTES:
        raise _refuse(f"PR check: the trusted gtm.yaml ({where}) is larger than 5 MiB", "")
    try:
        res = load_text(raw.decode("utf-8"), where)
    except UnicodeDecodeError:
        raise _refuse(f"PR check: the trusted gtm.yaml ({where}) is not UTF-8", "") from None
    data = res.documents[0].data if len(res.documents) == 1 and not res.diagnostics else None
    if not isinstance(data, dict):
        raise _refuse(f"PR check: the trusted gtm.yaml ({where}) cannot be read as a workspace file",
                      "fix it on the base branch first")
    envs = data.get("environments")
    env = envs.get(env_name) if isinstance(envs, dict) else None
    return env if isinstance(env, dict) else None


def check_pr_base_url(env_name: str, base_url: str | None, token_env: str, root: Path,
                      environ: Mapping[str, str] | None = None) -> None:
    """Raise GTM626 (a :class:`ProviderError`) when a PR check would send the token in ``token_env`` to a
    host, or read a token variable, that the base branch's gtm.yaml does not name for environment
    ``env_name`` (the pair ``(base_url, token_env)`` must be the trusted one); do nothing otherwise."""
    environ = os.environ if environ is None else environ
    if not pr_check_mode(environ):
        return
    trusted_file = environ.get(TRUSTED_ENV, "").strip()
    if trusted_file:
        try:
            raw, where = read_regular(Path(trusted_file), MAX_TRUSTED_BYTES), trusted_file
        except TooLarge:
            raise _refuse(f"PR check: the trusted gtm.yaml ({trusted_file}) is larger than 5 MiB", "") from None
        except OSError as e:
            raise _refuse(f"PR check: cannot read {TRUSTED_ENV}={trusted_file}: {e.strerror or e}",
                          "point it at the base branch's gtm.yaml") from None
    else:
        base_ref = environ.get("GITHUB_BASE_REF", "").strip()
        if not base_ref:
            raise _refuse("PR check (GITHUB_EVENT_NAME is a pull request) without GITHUB_BASE_REF: the base "
                          "branch's gtm.yaml, which says where the token may go, is unknown",
                          f"set GITHUB_BASE_REF or {TRUSTED_ENV}")
        raw, where = _git_show(root, base_ref)
    trusted = _trusted_environment(raw, where, env_name)
    ours = base_url or DEFAULT_BASE_URL
    if trusted is None or trusted.get("provider") != "hubspot":
        raise _refuse(
            f'PR check: environment "{env_name}" would send the token in ${token_env} to {ours}, but the base '
            f"branch's gtm.yaml ({where}) has no HubSpot environment of that name",
            "a pull request cannot add where a token goes: add the environment on the base branch first, "
            "or plan this pull request against the local provider")
    theirs = trusted.get("base_url") or DEFAULT_BASE_URL
    if not isinstance(theirs, str) or not same_host(ours, theirs):
        raise _refuse(
            f'PR check: environment "{env_name}" would send the token in ${token_env} to {ours}, but the base '
            f"branch's gtm.yaml ({where}) names {theirs} for it",
            "a pull request cannot change where a token goes: change base_url on the base branch first "
            "(a reviewed merge), or plan this pull request against the local provider")
    their_token = trusted.get("token_env")
    if not isinstance(their_token, str) or their_token.strip() != token_env:
        named = f"the token in ${their_token.strip()}" if isinstance(their_token, str) else "no valid token_env"
        raise _refuse(
            f'PR check: environment "{env_name}" would send the token in ${token_env} to {ours}, but the base '
            f"branch's gtm.yaml ({where}) names {named} for it",
            "a pull request cannot change which token goes to a host: change token_env on the base branch "
            "first (a reviewed merge), or plan this pull request against the local provider")
