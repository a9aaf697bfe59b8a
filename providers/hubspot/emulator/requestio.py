"""Reading requests and writing responses the way HubSpot's endpoints do."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from flask import Response, current_app, request

from .errors import missing_field, unknown_field, validation


def json_body(*, required: bool = True) -> Any:
    """The parsed JSON body; 400 with a Jackson-style message when it is not JSON."""
    raw = request.get_data(cache=True, as_text=True)
    if not raw.strip():
        if required:
            raise validation("Invalid input JSON on line 1, column 1: No content to map due to end-of-input")
        return None
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise validation(f"Invalid input JSON on line {exc.lineno}, column {exc.colno}: {exc.msg}") from exc


def json_object(model: str) -> dict[str, Any]:
    """The body, which must be a JSON object."""
    body = json_body()
    if not isinstance(body, dict):
        raise validation(f"Invalid input JSON on line 1, column 1: expected an object for {model}")
    return body


def check_fields(body: dict[str, Any], allowed: Iterable[str], model: str) -> None:
    """400 on the first field the input model does not declare."""
    allowed_set = set(allowed)
    for key in body:
        if key not in allowed_set:
            raise unknown_field(key, model)


def require(body: dict[str, Any], names: Iterable[str], model: str) -> None:
    """400 on the first required field that is absent or null."""
    for name in names:
        if body.get(name) is None:
            raise missing_field(name, model)


def inputs_of(body: dict[str, Any], model: str, limit: int | None = None) -> list[Any]:
    """The ``inputs`` array of a batch body (400 if missing, not a list, or too long)."""
    inputs = body.get("inputs")
    if not isinstance(inputs, list):
        raise missing_field("inputs", model)
    if limit is not None and len(inputs) > limit:
        raise validation(f"Too many inputs: {len(inputs)} (at most {limit} per batch)", "BATCH_TOO_LARGE")
    return inputs


def query_bool(name: str, default: bool = False) -> bool:
    """A ``true``/``false`` query flag (case-insensitive)."""
    value = request.args.get(name)
    if value is None or value == "":
        return default
    lowered = value.lower()
    if lowered not in ("true", "false"):
        raise validation(f"Invalid value for query parameter {name}: {value!r} (expected true or false)")
    return lowered == "true"


def query_int(name: str, default: int, *, minimum: int = 0, maximum: int | None = None) -> int:
    """An integer query parameter within bounds."""
    value = request.args.get(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError as exc:
        raise validation(f"Invalid value for query parameter {name}: {value!r}") from exc
    if number < minimum or (maximum is not None and number > maximum):
        bound = f"between {minimum} and {maximum}" if maximum is not None else f"at least {minimum}"
        raise validation(f"Query parameter {name} must be {bound}, got {number}")
    return number


def query_list(name: str) -> list[str]:
    """A repeated and/or comma-separated query parameter (``a=x&a=y`` or ``a=x,y``)."""
    out: list[str] = []
    for value in request.args.getlist(name):
        out.extend(part.strip() for part in value.split(",") if part.strip())
    return out


def respond(data: Any, status: int = 200) -> Response:
    """A JSON response with HubSpot-style key order (not sorted)."""
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    return current_app.response_class(text, status=status, mimetype="application/json")


def no_content() -> Response:
    """An empty 204."""
    return current_app.response_class(status=204)


def base_url() -> str:
    """``http://host:port`` of the current request (for paging links)."""
    return request.host_url.rstrip("/")
