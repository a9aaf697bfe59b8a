"""HubSpot's error envelope and the exception the route handlers raise.

Every error response has the shape HubSpot documents::

    {"status": "error", "message": ..., "correlationId": <uuid4>, "category": ...,
     "subCategory"?: ..., "errors": [...], "context"?: {...}, "links"?: {...}}

and an ``X-HubSpot-Correlation-Id`` header with the same id (added by the app).
"""

from __future__ import annotations

from typing import Any

AUTH_MESSAGE = (
    "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can "
    "find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview"
)
SCOPES_MESSAGE = (
    "This app hasn't been granted all required scopes to make this call. "
    "Read more about required scopes here: https://developers.hubspot.com/scopes."
)


class ApiError(Exception):
    """An error answer; ``body`` replaces the standard envelope when given (429s)."""

    def __init__(
        self,
        status: int,
        message: str,
        category: str,
        *,
        sub_category: str | None = None,
        errors: list[dict[str, Any]] | None = None,
        context: dict[str, list[str]] | None = None,
        links: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        body: dict[str, Any] | None = None,
        empty: bool = False,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.category = category
        self.sub_category = sub_category
        self.errors = errors or []
        self.context = context
        self.links = links
        self.headers = headers or {}
        self.body = body
        #: answer with no body at all (what a live portal sends for some 500s)
        self.empty = empty

    def envelope(self, correlation_id: str) -> dict[str, Any]:
        """The JSON body for this error."""
        if self.body is not None:
            return {**self.body, "correlationId": correlation_id}
        out: dict[str, Any] = {
            "status": "error",
            "message": self.message,
            "correlationId": correlation_id,
            "category": self.category,
        }
        if self.sub_category:
            out["subCategory"] = self.sub_category
        out["errors"] = self.errors
        if self.context is not None:
            out["context"] = self.context
        if self.links is not None:
            out["links"] = self.links
        return out

    def standard_error(self) -> dict[str, Any]:
        """This error as one ``StandardError`` entry of a 207 batch response."""
        out: dict[str, Any] = {"status": "error", "category": self.category, "message": self.message}
        if self.sub_category:
            out["subCategory"] = self.sub_category
        out["errors"] = self.errors
        out["context"] = self.context or {}
        out["links"] = self.links or {}
        return out


def validation(
    message: str,
    sub_category: str | None = None,
    *,
    context: dict[str, list[str]] | None = None,
    errors: list[dict[str, Any]] | None = None,
) -> ApiError:
    """400 ``VALIDATION_ERROR``."""
    return ApiError(
        400, message, "VALIDATION_ERROR", sub_category=sub_category, context=context, errors=errors
    )


def not_found(message: str, *, context: dict[str, list[str]] | None = None) -> ApiError:
    """404 ``OBJECT_NOT_FOUND``."""
    return ApiError(404, message, "OBJECT_NOT_FOUND", context=context)


def conflict(message: str, category: str = "CONFLICT", sub_category: str | None = None) -> ApiError:
    """409 with the given category (HubSpot varies it by endpoint)."""
    return ApiError(409, message, category, sub_category=sub_category)


def unauthenticated() -> ApiError:
    """401 ``INVALID_AUTHENTICATION`` with HubSpot's message."""
    return ApiError(401, AUTH_MESSAGE, "INVALID_AUTHENTICATION")


def missing_scopes(required: list[str]) -> ApiError:
    """403 ``MISSING_SCOPES`` listing the scopes any one of which would do."""
    return ApiError(
        403,
        SCOPES_MESSAGE,
        "MISSING_SCOPES",
        errors=[
            {
                "message": "One or more of the following scopes are required.",
                "context": {"requiredGranularScopes": required},
            }
        ],
        links={"scopes": "https://developers.hubspot.com/scopes"},
    )


def unknown_field(field: str, model: str) -> ApiError:
    """400 for a JSON field the endpoint's input model does not have (HubSpot's Jackson message)."""
    return validation(
        f'Invalid input JSON on line 1, column 1: Unrecognized field "{field}" '
        f"(class com.hubspot.inbounddb.publicobject.core.v2.{model}), not marked as ignorable"
    )


def missing_field(field: str, model: str) -> ApiError:
    """400 for a required JSON field that is absent or null."""
    return validation(
        f"Invalid input JSON on line 1, column 1: Missing required creator property '{field}' ({model})",
        context={"missingField": [field]},
    )
