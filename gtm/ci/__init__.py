"""GitHub integration for gtm's CI workflows.

The workflows in ``.github/workflows`` call small scripts in this package
(:mod:`gtm.ci.drift_issue`, :mod:`gtm.ci.sticky_comment`).  This module holds what they share: a
minimal GitHub REST client built on ``requests``, the settings it reads from the environment that
GitHub Actions provides, and helpers that keep issue and comment bodies under GitHub's size limit.

Environment read by :meth:`GitHub.from_env`:

* ``GITHUB_API_URL``: REST base URL (default ``https://api.github.com``; GitHub Enterprise Server
  sets ``https://HOST/api/v3``),
* ``GITHUB_TOKEN``: the token, sent as ``Authorization: Bearer`` and never printed,
* ``GITHUB_REPOSITORY``: ``owner/name``, unless the caller passes the repository explicitly.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import requests

DEFAULT_API_URL = "https://api.github.com"
API_VERSION = "2022-11-28"
#: GitHub rejects issue and comment bodies longer than this many characters (422).
GITHUB_BODY_LIMIT = 65_536
#: What we aim for, leaving room for the truncation notice and multi-byte surprises.
BODY_BUDGET = 65_000
REQUEST_TIMEOUT = 30.0
_REPO_RE = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")


class GitHubError(Exception):
    """A GitHub API call failed, or the settings needed to make one are missing.

    The message is one line, fit to print, and never contains the token.  ``status`` is the
    HTTP status when GitHub answered, else ``None``.
    """

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


def redact(text: str, secrets: Iterable[str]) -> str:
    """Replace every non-empty secret in ``text`` with ``***``."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


def _one_line(text: str, limit: int = 300) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


@dataclass
class GitHub:
    """A small GitHub REST client for one repository."""

    api_url: str
    token: str
    repo: str
    session: requests.Session = field(default_factory=requests.Session)
    timeout: float = REQUEST_TIMEOUT

    @classmethod
    def from_env(cls, repo: str | None = None, env: Mapping[str, str] | None = None) -> GitHub:
        """Build a client from the variables GitHub Actions sets; raise :class:`GitHubError` if unset."""
        env = os.environ if env is None else env
        token = env.get("GITHUB_TOKEN", "").strip()
        if not token:
            raise GitHubError("GITHUB_TOKEN is not set; pass the workflow's token in the step's env")
        repo = (repo or env.get("GITHUB_REPOSITORY", "")).strip()
        if not repo:
            raise GitHubError("no repository: pass --repo OWNER/NAME or set GITHUB_REPOSITORY")
        if not _REPO_RE.fullmatch(repo):
            raise GitHubError(f"invalid repository {repo!r}: expected OWNER/NAME")
        api_url = (env.get("GITHUB_API_URL", "").strip() or DEFAULT_API_URL).rstrip("/")
        return cls(api_url=api_url, token=token, repo=repo)

    def _headers(self) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {self.token}",
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": API_VERSION,
            "User-Agent": "gtm-ci",
        }

    def _url(self, path: str) -> str:
        if path.startswith(("http://", "https://")):
            return path
        return f"{self.api_url}/{path.lstrip('/')}"

    def _send(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, str | int] | None = None,
        body: Mapping[str, Any] | None = None,
    ) -> requests.Response:
        shown = url.split("?", 1)[0].removeprefix(self.api_url) or "/"
        try:
            response = self.session.request(
                method, url, params=params, json=body, headers=self._headers(), timeout=self.timeout
            )
        except requests.RequestException as exc:
            reason = redact(_one_line(f"{type(exc).__name__}: {exc}"), [self.token])
            raise GitHubError(f"cannot reach the GitHub API for {method} {shown}: {reason}") from None
        if response.status_code >= 400:
            raise GitHubError(
                redact(f"GitHub API {method} {shown} failed: {self._describe(response)}", [self.token]),
                status=response.status_code,
            )
        return response

    @staticmethod
    def _describe(response: requests.Response) -> str:
        detail = ""
        try:
            payload = response.json()
        except ValueError:
            payload = None
        if isinstance(payload, dict):
            detail = str(payload.get("message", ""))
            errors = payload.get("errors")
            if isinstance(errors, list) and errors:
                parts = [
                    str(e.get("message") or e.get("code") or e) if isinstance(e, dict) else str(e)
                    for e in errors
                ]
                detail = f"{detail} ({'; '.join(parts)})" if detail else "; ".join(parts)
        if not detail:
            detail = response.text or response.reason or ""
        return _one_line(f"HTTP {response.status_code} {detail}".strip())

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str | int] | None = None,
        body: Mapping[str, Any] | None = None,
    ) -> Any:
        """Send one request and return the decoded JSON (``None`` for an empty body)."""
        response = self._send(method, self._url(path), params=params, body=body)
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            raise GitHubError(f"GitHub API {method} {path} returned a body that is not JSON") from None

    def paginate(
        self, path: str, params: Mapping[str, str | int] | None = None, *, max_pages: int = 50
    ) -> list[dict[str, Any]]:
        """GET every page of a list endpoint, following ``Link: rel="next"``."""
        items: list[dict[str, Any]] = []
        url: str | None = self._url(path)
        query: Mapping[str, str | int] | None = {"per_page": 100, **(params or {})}
        for _ in range(max_pages):
            if url is None:
                break
            response = self._send("GET", url, params=query)
            page = response.json() if response.content else []
            if not isinstance(page, list):
                raise GitHubError(f"GitHub API GET {path} did not return a list")
            items.extend(item for item in page if isinstance(item, dict))
            url = response.links.get("next", {}).get("url")
            if url is not None and not url.startswith(self.api_url + "/"):
                raise GitHubError(f"GitHub API GET {path} sent a next-page link to another host")
            query = None  # the next link carries the query string
        return items

    def repo_path(self, suffix: str = "") -> str:
        """``/repos/OWNER/NAME`` followed by ``suffix``."""
        return f"/repos/{self.repo}{suffix}"


def run_url(env: Mapping[str, str] | None = None) -> str | None:
    """The URL of the current workflow run, when running in GitHub Actions."""
    env = os.environ if env is None else env
    server = env.get("GITHUB_SERVER_URL", "").rstrip("/")
    repo = env.get("GITHUB_REPOSITORY", "")
    run_id = env.get("GITHUB_RUN_ID", "")
    if server and repo and run_id:
        return f"{server}/{repo}/actions/runs/{run_id}"
    return None


def cap_body(head: str, content: str, tail: str = "", *, budget: int = BODY_BUDGET, where: str = "") -> str:
    """Join ``head + content + tail``, truncating ``content`` so the result fits in ``budget`` characters.

    Truncation happens at a line boundary, closes a Markdown code fence left open, and appends a
    notice saying how much was cut and ``where`` to find the whole text.  ``head`` and ``tail``
    are kept whole unless they alone exceed the budget (then the result is hard-cut).
    """
    whole = head + content + tail
    if len(whole) <= budget:
        return whole
    where_text = f" The full text is in {where}." if where else ""
    notice_template = (
        "\n\n> [!WARNING]\n> Truncated: showing {kept:,} of {total:,} characters, because GitHub limits "
        "a body to 65,536 characters.{where}\n"
    )
    longest_notice = notice_template.format(kept=len(content), total=len(content), where=where_text)
    room = budget - len(head) - len(tail) - len(longest_notice) - len("\n```")
    if room <= 0:
        return whole[:budget]
    kept = content[:room]
    newline = kept.rfind("\n")
    if newline > room // 2:
        kept = kept[: newline + 1]
    if _open_fence(kept):
        kept = kept.rstrip("\n") + "\n```"
    notice = notice_template.format(kept=len(kept), total=len(content), where=where_text)
    return head + kept.rstrip("\n") + notice + tail


def _open_fence(text: str) -> bool:
    """Whether ``text`` ends inside a fenced code block (``` or ~~~)."""
    fence: str | None = None
    for line in text.splitlines():
        stripped = line.lstrip()
        for marker in ("```", "~~~"):
            if stripped.startswith(marker):
                if fence is None:
                    fence = marker
                elif fence == marker:
                    fence = None
                break
    return fence is not None


def write_outputs(values: Mapping[str, str], env: Mapping[str, str] | None = None) -> None:
    """Append ``key=value`` lines to the file named by ``GITHUB_OUTPUT``, when it is set."""
    env = os.environ if env is None else env
    target = env.get("GITHUB_OUTPUT")
    if not target:
        return
    with open(target, "a", encoding="utf-8") as handle:
        for key, value in values.items():
            handle.write(f"{key}={value}\n")
