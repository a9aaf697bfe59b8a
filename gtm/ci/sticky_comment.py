"""Keep one "sticky" comment on a pull request up to date.

The PR workflow renders validate, gate and plan results into ``comment.md`` and runs::

    python -m gtm.ci.sticky_comment --body-file comment.md

The comment starts with a hidden HTML marker (``<!-- gtm-sticky-comment:gtm-pr -->`` by default).
If a comment starting with that marker exists on the pull request, it is edited (left alone when
the text is the same); otherwise a new comment is created.  So each push updates one comment
instead of adding another.  The body is capped under GitHub's 65,536-character limit with a
truncation notice.

The pull request number comes from ``--pr`` or from the event payload at ``GITHUB_EVENT_PATH``.
Exits 0 on success, 1 on an API error or missing settings (one line on stderr, never the token).
If ``GITHUB_OUTPUT`` is set, the outputs ``action`` (``created``, ``updated``, ``unchanged``) and
``comment-id`` are written to it.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from gtm.ci import GitHub, GitHubError, cap_body, redact, run_url, write_outputs

PROG = "gtm.ci.sticky_comment"
DEFAULT_MARKER = "gtm-pr"
_MARKER_RE = re.compile(r"^[A-Za-z0-9_.:-]+$")


def marker_line(marker: str) -> str:
    """The hidden HTML comment that identifies the sticky comment."""
    return f"<!-- gtm-sticky-comment:{marker} -->"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(
        prog=f"python -m {PROG}", description="Create or update the single gtm comment on a pull request."
    )
    parser.add_argument("--body-file", type=Path, required=True, help="Markdown for the comment")
    parser.add_argument(
        "--marker", default=DEFAULT_MARKER, help="identifies the comment (letters, digits, .:_-)"
    )
    parser.add_argument("--pr", type=int, help="pull request number (default: from $GITHUB_EVENT_PATH)")
    parser.add_argument("--repo", help="OWNER/NAME (default: $GITHUB_REPOSITORY)")
    return parser.parse_args(argv)


def pr_number_from_event(env: Mapping[str, str]) -> int | None:
    """The pull request number in the event payload GitHub Actions wrote, if any."""
    path = env.get("GITHUB_EVENT_PATH")
    if not path:
        return None
    try:
        event = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(event, dict):
        return None
    for key in ("pull_request", "issue"):
        item = event.get(key)
        if isinstance(item, dict) and isinstance(item.get("number"), int):
            return int(item["number"])
    number = event.get("number")
    return number if isinstance(number, int) else None


def build_body(text: str, marker: str, env: Mapping[str, str]) -> str:
    """The marker line, then ``text`` capped to GitHub's limit."""
    url = run_url(env)
    where = f"the job summary of the [workflow run]({url})" if url else ""
    return cap_body(marker_line(marker) + "\n", text.rstrip("\n") + "\n", where=where)


def find_comment(gh: GitHub, number: int, marker: str) -> dict[str, Any] | None:
    """The oldest comment on the pull request whose body starts with the marker."""
    line = marker_line(marker)
    for comment in gh.paginate(gh.repo_path(f"/issues/{number}/comments")):
        if str(comment.get("body") or "").lstrip().startswith(line):
            return comment
    return None


def upsert(gh: GitHub, number: int, marker: str, body: str) -> dict[str, str]:
    """Edit the sticky comment if there is one, else create it."""
    existing = find_comment(gh, number, marker)
    if existing is None:
        created = gh.request("POST", gh.repo_path(f"/issues/{number}/comments"), body={"body": body})
        comment_id = str(created.get("id", "")) if isinstance(created, dict) else ""
        print(f"Created the gtm comment on #{number}")
        return {"action": "created", "comment-id": comment_id}
    comment_id = str(existing["id"])
    if str(existing.get("body") or "") == body:
        print(f"The gtm comment on #{number} is already up to date")
        return {"action": "unchanged", "comment-id": comment_id}
    gh.request("PATCH", gh.repo_path(f"/issues/comments/{comment_id}"), body={"body": body})
    print(f"Updated the gtm comment on #{number}")
    return {"action": "updated", "comment-id": comment_id}


def _fail(message: str) -> int:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return 1


def run(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    """Do the work for parsed arguments; raise :class:`GitHubError` on API errors."""
    if not _MARKER_RE.fullmatch(args.marker):
        return _fail(f"invalid --marker {args.marker!r} (letters, digits, .:_- only)")
    number = args.pr if args.pr is not None else pr_number_from_event(env)
    if number is None:
        return _fail("no pull request number: pass --pr or run on a pull_request event")
    try:
        text = args.body_file.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        return _fail(f"cannot read body file {args.body_file}: {exc.strerror}")
    gh = GitHub.from_env(args.repo, env)
    write_outputs(upsert(gh, number, args.marker, build_body(text, args.marker, env)), env)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point for ``python -m gtm.ci.sticky_comment``."""
    args = parse_args(argv)
    env = dict(os.environ)
    try:
        return run(args, env)
    except GitHubError as exc:
        return _fail(redact(str(exc), [env.get("GITHUB_TOKEN", "")]))


if __name__ == "__main__":
    sys.exit(main())
