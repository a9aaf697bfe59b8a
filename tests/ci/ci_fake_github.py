"""A small fake of the GitHub REST API (issues, comments, labels) for the CI script tests.

It keeps state in memory, checks the bearer token, pages lists with ``Link`` headers, rejects
bodies over 65,536 characters with 422 like GitHub, and can be told to fail a route.  Served
on 127.0.0.1 by :func:`serve` in a background thread.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, Response, jsonify, request
from werkzeug.serving import make_server

BODY_LIMIT = 65_536
#: The token the tests hand to the scripts; it must never appear in their output.
TOKEN = "ghs_FAKEtoken0123456789abcdefSECRET"
DOCS = "https://docs.github.com/rest"


@dataclass
class FakeGitHub:
    """State of the fake: one repository's issues, comments and labels."""

    token: str
    repo: str = "acme/gtm-config"
    issues: dict[int, dict[str, Any]] = field(default_factory=dict)
    comments: dict[int, dict[str, Any]] = field(default_factory=dict)
    labels: dict[str, dict[str, Any]] = field(default_factory=dict)
    log: list[tuple[str, str]] = field(default_factory=list)
    #: (METHOD, path regex) -> (status, message); matching requests fail with that answer.
    failures: dict[tuple[str, str], tuple[int, str]] = field(default_factory=dict)
    bot: str = "github-actions[bot]"
    _next_issue: int = 1
    _next_comment: int = 1000

    # -- helpers for tests -------------------------------------------------------------------
    def add_label(self, name: str) -> None:
        self.labels[name] = {"name": name, "color": "ededed", "description": ""}

    def add_issue(
        self,
        title: str,
        body: str = "",
        labels: list[str] | None = None,
        state: str = "open",
        pr: bool = False,
    ) -> dict[str, Any]:
        for label in labels or []:
            if label not in self.labels:
                self.add_label(label)
        number = self._next_issue
        self._next_issue += 1
        issue: dict[str, Any] = {
            "number": number,
            "title": title,
            "body": body,
            "state": state,
            "state_reason": None,
            "labels": [{"name": n} for n in labels or []],
            "html_url": f"https://github.example/{self.repo}/issues/{number}",
        }
        if pr:
            issue["pull_request"] = {"url": f"https://github.example/{self.repo}/pull/{number}"}
        self.issues[number] = issue
        return issue

    def add_comment(self, number: int, body: str, user: str | None = None) -> dict[str, Any]:
        comment_id = self._next_comment
        self._next_comment += 1
        comment = {"id": comment_id, "issue": number, "body": body, "user": {"login": user or self.bot}}
        self.comments[comment_id] = comment
        return comment

    def comments_on(self, number: int) -> list[dict[str, Any]]:
        return [c for c in self.comments.values() if c["issue"] == number]

    def open_issues(self) -> list[dict[str, Any]]:
        return [i for i in self.issues.values() if i["state"] == "open"]

    def writes(self) -> list[tuple[str, str]]:
        return [entry for entry in self.log if entry[0] != "GET"]

    # -- the Flask app -----------------------------------------------------------------------
    def app(self) -> Flask:
        app = Flask("fake_github")
        base = f"/repos/{self.repo}"

        def error(status: int, message: str) -> Response:
            response = jsonify({"message": message, "documentation_url": DOCS})
            response.status_code = status
            return response

        def paged(items: list[dict[str, Any]]) -> Response:
            per_page = min(int(request.args.get("per_page", 30)), 100)
            page = int(request.args.get("page", 1))
            chunk = items[(page - 1) * per_page : page * per_page]
            response = jsonify(chunk)
            if page * per_page < len(items):
                args = request.args.to_dict()
                args.update({"page": str(page + 1), "per_page": str(per_page)})
                query = "&".join(f"{k}={v}" for k, v in args.items())
                response.headers["Link"] = f'<{request.base_url}?{query}>; rel="next"'
            return response

        def long_body(payload: dict[str, Any]) -> Response | None:
            body = payload.get("body")
            if isinstance(body, str) and len(body) > BODY_LIMIT:
                return error(422, f"Validation Failed: body is too long (maximum is {BODY_LIMIT} characters)")
            return None

        @app.before_request
        def gatekeeper() -> Response | None:
            self.log.append((request.method, request.path))
            if request.headers.get("Authorization") != f"Bearer {self.token}":
                return error(401, "Bad credentials")
            for (method, pattern), (status, message) in self.failures.items():
                if request.method == method and re.fullmatch(pattern, request.path):
                    return error(status, message)
            if not request.path.startswith(base + "/"):
                return error(404, "Not Found")
            return None

        @app.get(f"{base}/issues")
        def list_issues() -> Response:
            state = request.args.get("state", "open")
            wanted = [n for n in request.args.get("labels", "").split(",") if n]
            items = [
                i
                for i in sorted(self.issues.values(), key=lambda i: -i["number"])  # newest first, like GitHub
                if (state == "all" or i["state"] == state)
                and all(w in {lab["name"] for lab in i["labels"]} for w in wanted)
            ]
            return paged(items)

        @app.post(f"{base}/issues")
        def create_issue() -> Response:
            payload = request.get_json(force=True)
            if not payload.get("title"):
                return error(422, "Validation Failed: title is missing")
            if (problem := long_body(payload)) is not None:
                return problem
            for label in payload.get("labels", []):
                if label not in self.labels:
                    return error(422, f"Validation Failed: label {label} does not exist")
            issue = self.add_issue(payload["title"], payload.get("body", ""), payload.get("labels", []))
            response = jsonify(issue)
            response.status_code = 201
            return response

        @app.patch(f"{base}/issues/<int:number>")
        def update_issue(number: int) -> Response:
            issue = self.issues.get(number)
            if issue is None:
                return error(404, "Not Found")
            payload = request.get_json(force=True)
            if (problem := long_body(payload)) is not None:
                return problem
            for key in ("title", "body", "state", "state_reason"):
                if key in payload:
                    issue[key] = payload[key]
            return jsonify(issue)

        @app.get(f"{base}/issues/<int:number>/comments")
        def list_comments(number: int) -> Response:
            if number not in self.issues:
                return error(404, "Not Found")
            return paged(sorted(self.comments_on(number), key=lambda c: c["id"]))

        @app.post(f"{base}/issues/<int:number>/comments")
        def create_comment(number: int) -> Response:
            if number not in self.issues:
                return error(404, "Not Found")
            payload = request.get_json(force=True)
            if (problem := long_body(payload)) is not None:
                return problem
            response = jsonify(self.add_comment(number, payload["body"]))
            response.status_code = 201
            return response

        @app.patch(f"{base}/issues/comments/<int:comment_id>")
        def update_comment(comment_id: int) -> Response:
            comment = self.comments.get(comment_id)
            if comment is None:
                return error(404, "Not Found")
            payload = request.get_json(force=True)
            if (problem := long_body(payload)) is not None:
                return problem
            comment["body"] = payload["body"]
            return jsonify(comment)

        @app.get(f"{base}/labels/<name>")
        def get_label(name: str) -> Response:
            if name not in self.labels:
                return error(404, "Not Found")
            return jsonify(self.labels[name])

        @app.post(f"{base}/labels")
        def create_label() -> Response:
            payload = request.get_json(force=True)
            name = payload["name"]
            if name in self.labels:
                return error(422, "Validation Failed: already_exists")
            self.labels[name] = {
                "name": name,
                "color": payload.get("color", ""),
                "description": payload.get("description", ""),
            }
            response = jsonify(self.labels[name])
            response.status_code = 201
            return response

        return app


@contextmanager
def serve(fake: FakeGitHub) -> Iterator[str]:
    """Serve ``fake`` on 127.0.0.1 at a free port; yield its base URL; stop it afterwards."""
    server = make_server("127.0.0.1", 0, fake.app(), threaded=True)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-github", daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
