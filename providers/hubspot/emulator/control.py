"""``/_emulator/*``: switches and counters over HTTP, for users of ``gtm emulator``.

``GET/POST /_emulator/config`` (POST a JSON object of switches; answers the full config),
``GET /_emulator/stats``, ``POST /_emulator/reset-stats``.  They need the same bearer
token as the API but are neither throttled, delayed, faulted nor counted.
"""

from __future__ import annotations

from flask import Blueprint, Response

from .errors import validation
from .requestio import json_body, respond
from .runtime import runtime

bp = Blueprint("control", __name__)
PREFIX = "/_emulator"


@bp.get(PREFIX + "/config")
def get_config() -> Response:
    return respond(runtime().config.to_dict())


@bp.post(PREFIX + "/config")
def set_config() -> Response:
    body = json_body()
    if not isinstance(body, dict):
        raise validation("POST /_emulator/config takes a JSON object of switches")
    try:
        runtime().configure(**body)
    except ValueError as exc:
        raise validation(str(exc)) from exc
    return respond(runtime().config.to_dict())


@bp.get(PREFIX + "/stats")
def get_stats() -> Response:
    return respond(runtime().stats.snapshot())


@bp.post(PREFIX + "/reset-stats")
def reset_stats() -> Response:
    runtime().stats.reset()
    return respond(runtime().stats.snapshot())
