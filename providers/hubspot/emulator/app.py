"""The Flask application: routes, and the checks every request goes through.

Order per API request: injected latency; bearer-token check (401
``INVALID_AUTHENTICATION``); rate limits (429); injected 5xx (the handler never runs);
scope check (403 ``MISSING_SCOPES``); the handler, under the portal lock.  A targeted
``fault_rules`` status fault answers where the random 5xx does; ``drop_answer`` closes the
connection after the handler ran, without an answer.  Every answer
gets the rate-limit headers and ``X-HubSpot-Correlation-Id``; every error HubSpot's
envelope (unknown routes: 404 ``OBJECT_NOT_FOUND``).  Trailing slashes are ignored.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import re
import socket
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, Response, g, request
from werkzeug.exceptions import HTTPException

from . import account_api, control, directory_api, flows, groups, lists, pipelines, properties, records, search, stages
from .errors import ApiError, missing_scopes, not_found, unauthenticated
from .ratelimit import throttled
from .requestio import respond
from .runtime import EXTENSION_KEY, Runtime, runtime
from .scopes import missing, required_scopes

log = logging.getLogger(__name__)
BLUEPRINTS = (
    groups.bp,
    properties.bp,
    stages.bp,
    pipelines.bp,
    lists.bp,
    flows.bp,
    directory_api.bp,
    account_api.bp,
    search.bp,
    records.bp,
    control.bp,
)
_VARIABLE = re.compile(r"<(?:[^<>:]+:)?([^<>]+)>")
DROP_ANSWER = "hubspot_emulator.drop_answer"


class _StripTrailingSlash:
    """WSGI middleware: ``/crm/v3/lists/`` is routed as ``/crm/v3/lists``; and an answer marked
    ``drop_answer`` is never sent (the connection is shut, the change the handler made stays)."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if len(path) > 1 and path.endswith("/"):
            environ["PATH_INFO"] = path.rstrip("/") or "/"
        result = self.app(environ, start_response)
        if environ.get(DROP_ANSWER):
            close = getattr(result, "close", None)
            if close is not None:
                close()
            sock = environ.get("werkzeug.socket")
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
            raise ConnectionAbortedError("the emulator dropped this answer (fault_rules drop_answer)")
        return result


def endpoint_key() -> str:
    """``METHOD /route/{template}`` for the stats (``(unmatched)`` for unknown routes)."""
    rule = request.url_rule
    template = _VARIABLE.sub(r"{\1}", rule.rule) if rule is not None else "(unmatched)"
    return f"{request.method} {template}"


def _is_control() -> bool:
    return request.path.startswith(control.PREFIX)


def _authorized(token: str) -> bool:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    return scheme.lower() == "bearer" and value.strip() == token


def _before() -> None:
    g.correlation_id = str(uuid.uuid4())
    g.throttled = g.injected = False
    rt = runtime()
    if not _is_control():
        rt.faults.delay()
    if not _authorized(rt.token):
        raise unauthenticated()
    if _is_control():
        return
    decision = rt.limiter.admit()
    g.rate_headers = decision.headers
    if decision.policy is not None:
        g.throttled = True
        raise throttled(decision.policy)
    fault = rt.faults.targeted(request.method, request.path)
    if fault == "drop_answer":
        request.environ[DROP_ANSWER] = True
    elif fault is not None:
        g.injected = True
        raise rt.faults.status_error(int(fault))
    failure = rt.faults.pick_failure()
    if failure is not None:
        g.injected = True
        raise failure
    if request.url_rule is not None:
        rule = _VARIABLE.sub(r"{\1}", request.url_rule.rule)
        needed = required_scopes(request.method, rule, request.view_args or {})
        if missing(needed, rt.config.granted_scopes):
            raise missing_scopes(needed)


def _after(response: Response) -> Response:
    rt = runtime()
    response.headers["X-HubSpot-Correlation-Id"] = g.get("correlation_id") or str(uuid.uuid4())
    response.headers.update(g.get("rate_headers") or rt.limiter.peek())
    if not _is_control():
        rt.stats.record(
            endpoint_key(),
            response.status_code,
            throttled=g.get("throttled", False),
            injected=g.get("injected", False),
            dropped=bool(request.environ.get(DROP_ANSWER)),
        )
    return response


def _api_error(exc: ApiError) -> Response:
    correlation_id = g.get("correlation_id") or str(uuid.uuid4())
    response = Response(b"", exc.status) if exc.empty else respond(exc.envelope(correlation_id), exc.status)
    response.headers.update(exc.headers)
    return response


def _http_error(exc: HTTPException) -> Response:
    if exc.code in (404, 405):
        return _api_error(not_found(f"No route for {request.method} {request.path}"))
    return _api_error(ApiError(exc.code or 500, exc.description or "HTTP error", "VALIDATION_ERROR"))


def _unexpected(exc: Exception) -> Response:
    log.exception("emulator handler failed")
    return _api_error(ApiError(500, f"The emulator failed: {type(exc).__name__}: {exc}", "INTERNAL_ERROR"))


#: POST endpoints that only read (searches and batch reads); every other POST, PUT, PATCH, DELETE writes
_READ_POSTS = ("/search", "/batch/read")


def _read_only() -> bool:
    """Whether the current request changes nothing in the portal (it may then use memoised values)."""
    if request.method in ("GET", "HEAD"):
        return True
    return request.method == "POST" and request.path.rstrip("/").endswith(_READ_POSTS)


def _locked(view: Callable[..., Any], rt: Runtime) -> Callable[..., Any]:
    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        state = rt.state
        with state.reading() if _read_only() else state.lock:
            return view(*args, **kwargs)

    return wrapper


def create_app(rt: Runtime) -> Flask:
    """A Flask app serving the emulated API for ``rt``."""
    app = Flask("hubspot_emulator", static_folder=None)
    app.extensions[EXTENSION_KEY] = rt
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    for name, view in list(app.view_functions.items()):
        app.view_functions[name] = _locked(view, rt)
    app.before_request(_before)
    app.after_request(_after)
    app.register_error_handler(ApiError, _api_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)
    app.wsgi_app = _StripTrailingSlash(app.wsgi_app)  # type: ignore[method-assign]
    return app
