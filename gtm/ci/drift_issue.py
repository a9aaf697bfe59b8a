"""Keep one GitHub issue in step with scheduled drift detection.

The drift workflow runs ``gtm plan -e production --detailed-exitcode --format markdown > plan.md``
and then::

    python -m gtm.ci.drift_issue --exit-code $RC --plan-file plan.md

What happens, by the plan's exit code and the open issues that carry the label (``gtm-drift``):

=========  =====================  ==================================================
exit code  open drift issue       action
=========  =====================  ==================================================
2          none                   open an issue with the plan (creating the label)
2          one (or more)          replace its body with the new plan, add a comment
0          one (or more)          comment "no drift" and close it
0          none                   nothing
1          any                    nothing; exit 1 so the job fails
=========  =====================  ==================================================

Exits 0 on success and 1 on a failed plan, a GitHub API error or missing settings, printing one
line to stderr.  The token is never printed.  If ``GITHUB_OUTPUT`` is set, the outputs ``action``
(``created``, ``updated``, ``closed``, ``none``) and ``issue`` (the number) are written to it.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import sys
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from gtm.ci import GitHub, GitHubError, cap_body, redact, run_url, write_outputs

PROG = "gtm.ci.drift_issue"
DEFAULT_LABEL = "gtm-drift"
LABEL_COLOR = "d93f0b"
FINGERPRINT_RE = re.compile(r"<!-- gtm-drift plan-sha256:([0-9a-f]{64}) -->")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(
        prog=f"python -m {PROG}",
        description="Open, update or close the drift issue from the exit code of "
        "`gtm plan --detailed-exitcode` (0 no drift, 1 error, 2 drift).",
    )
    parser.add_argument("--exit-code", type=int, required=True, help="exit code of gtm plan (0, 1 or 2)")
    parser.add_argument("--plan-file", type=Path, help="the plan rendered with --format markdown")
    parser.add_argument("--repo", help="OWNER/NAME (default: $GITHUB_REPOSITORY)")
    parser.add_argument("--label", default=DEFAULT_LABEL, help="label that marks the drift issue")
    parser.add_argument("--environment", default="production", help="gtm environment that was planned")
    parser.add_argument("--title", help="issue title (default: 'gtm: drift detected in ENVIRONMENT')")
    return parser.parse_args(argv)


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _run_link(env: Mapping[str, str]) -> str:
    url = run_url(env)
    return f"[workflow run]({url})" if url else "a local run"


def fingerprint(plan: str) -> str:
    """A stable hash of the plan text, stored in the issue body to tell whether drift changed."""
    return hashlib.sha256(plan.strip().encode("utf-8")).hexdigest()


def issue_body(plan: str, environment: str, env: Mapping[str, str]) -> str:
    """The drift issue's body: what happened, what to do, then the plan (capped to GitHub's limit)."""
    sha = env.get("GITHUB_SHA", "")[:12]
    at_commit = f" at commit `{sha}`" if sha else ""
    url = run_url(env)
    head = (
        f"<!-- gtm-drift plan-sha256:{fingerprint(plan)} -->\n"
        f"## Drift detected in `{environment}`\n\n"
        f"The live CRM no longer matches the specs in git{at_commit}: "
        f"`gtm plan -e {environment}` would make the changes below.\n"
        f"Last checked {_now()} by {_run_link(env)}.\n\n"
        "**To resolve**, either make the CRM match git again (run `gtm apply -e "
        f"{environment}`, or merge a spec change, which applies on merge), or bring the live change "
        f"into the specs (`gtm import -e {environment} --only properties --force`, or `--only pipelines`, "
        "rewrites the imported spec files from the CRM; open a pull request with the diff). This issue is "
        "updated on every scheduled check and closed automatically once no drift is found.\n\n---\n\n"
    )
    where = f"the plan artifact of the [workflow run]({url})" if url else ""
    return cap_body(head, plan.rstrip("\n") + "\n", where=where)


def find_open_issues(gh: GitHub, label: str) -> list[dict[str, Any]]:
    """Open issues (not pull requests) that carry ``label``, oldest first."""
    items = gh.paginate(gh.repo_path("/issues"), {"labels": label, "state": "open"})
    issues = [i for i in items if "pull_request" not in i and i.get("state", "open") == "open"]
    return sorted(issues, key=lambda i: int(i.get("number", 0)))


def ensure_label(gh: GitHub, label: str) -> None:
    """Create ``label`` if the repository lacks it (GitHub may not create it on issue creation)."""
    try:
        gh.request("GET", gh.repo_path(f"/labels/{quote(label, safe='')}"))
        return
    except GitHubError as exc:
        if exc.status != 404:
            raise
    try:
        gh.request(
            "POST",
            gh.repo_path("/labels"),
            body={"name": label, "color": LABEL_COLOR, "description": "Live CRM differs from the gtm specs"},
        )
    except GitHubError as exc:
        if exc.status != 422:  # 422: it exists after all (created meanwhile)
            raise


def report_drift(gh: GitHub, args: argparse.Namespace, plan: str, env: Mapping[str, str]) -> dict[str, str]:
    """Exit code 2: open the drift issue, or refresh the open one."""
    body = issue_body(plan, args.environment, env)
    issues = find_open_issues(gh, args.label)
    if not issues:
        ensure_label(gh, args.label)
        title = args.title or f"gtm: drift detected in {args.environment}"
        created = gh.request(
            "POST", gh.repo_path("/issues"), body={"title": title, "body": body, "labels": [args.label]}
        )
        number = str(created.get("number", "?")) if isinstance(created, dict) else "?"
        url = created.get("html_url", "") if isinstance(created, dict) else ""
        print(f"Drift detected in {args.environment}: opened issue #{number} {url}".rstrip())
        return {"action": "created", "issue": number}
    issue = issues[0]
    number = str(issue["number"])
    if len(issues) > 1:
        others = ", ".join(f"#{i['number']}" for i in issues[1:])
        print(
            f"warning: several open issues carry the label {args.label!r}; updating #{number}, not {others}"
        )
    old = FINGERPRINT_RE.search(str(issue.get("body") or ""))
    changed = old is None or old.group(1) != fingerprint(plan)
    gh.request("PATCH", gh.repo_path(f"/issues/{number}"), body={"body": body})
    what = "the plan changed; the issue body shows the new one" if changed else "the plan is unchanged"
    gh.request(
        "POST",
        gh.repo_path(f"/issues/{number}/comments"),
        body={"body": f"Drift still present at {_now()} ({_run_link(env)}): {what}."},
    )
    print(f"Drift still present in {args.environment}: updated issue #{number} ({what})")
    return {"action": "updated", "issue": number}


def report_no_drift(gh: GitHub, args: argparse.Namespace, env: Mapping[str, str]) -> dict[str, str]:
    """Exit code 0: close any open drift issue."""
    issues = find_open_issues(gh, args.label)
    if not issues:
        print(f"No drift in {args.environment}; no open drift issue.")
        return {"action": "none", "issue": ""}
    for issue in issues:
        number = str(issue["number"])
        gh.request(
            "POST",
            gh.repo_path(f"/issues/{number}/comments"),
            body={
                "body": f"No drift found in `{args.environment}` at {_now()} ({_run_link(env)}): "
                "the live CRM matches the specs. Closing."
            },
        )
        gh.request(
            "PATCH", gh.repo_path(f"/issues/{number}"), body={"state": "closed", "state_reason": "completed"}
        )
        print(f"No drift in {args.environment}: closed issue #{number}")
    return {"action": "closed", "issue": str(issues[0]["number"])}


def _fail(message: str) -> int:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return 1


def run(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    """Do the work for parsed arguments; raise :class:`GitHubError` on API errors."""
    if args.exit_code == 1:
        return _fail("gtm plan failed (exit code 1); no drift report was made. See the plan step's log.")
    if args.exit_code not in (0, 2):
        return _fail(f"unexpected exit code {args.exit_code} (expected 0, 1 or 2)")
    plan = ""
    if args.exit_code == 2:
        if args.plan_file is None:
            return _fail("--plan-file is required with --exit-code 2")
        try:
            plan = args.plan_file.read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            return _fail(f"cannot read plan file {args.plan_file}: {exc.strerror}")
    gh = GitHub.from_env(args.repo, env)
    outputs = report_drift(gh, args, plan, env) if args.exit_code == 2 else report_no_drift(gh, args, env)
    write_outputs(outputs, env)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point for ``python -m gtm.ci.drift_issue``."""
    args = parse_args(argv)
    env = dict(os.environ)
    try:
        return run(args, env)
    except GitHubError as exc:
        return _fail(redact(str(exc), [env.get("GITHUB_TOKEN", "")]))


if __name__ == "__main__":
    sys.exit(main())
