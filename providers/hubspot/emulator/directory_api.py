"""Read-only directory endpoints: ``/crm/v3/owners`` and ``/marketing/v3/emails``.

Both page with ``after``/``limit`` (default 100) and ``paging.next`` (DOC: owners and marketing
emails are cursor-paged like the CRM lists).  Owners carry ``userId`` and ``teams``, which is how
``gtm plan`` checks mapped user and team ids too.  The data is the seeded :mod:`.directory`.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from .errors import not_found
from .requestio import base_url, query_int, respond
from .runtime import portal

bp = Blueprint("directory", __name__)
OWNERS = "/crm/v3/owners"
EMAILS = "/marketing/v3/emails"


def _page(path: str, items: list[dict[str, Any]]) -> Response:
    limit = query_int("limit", 100, minimum=1, maximum=500)
    after = query_int("after", 0)
    body: dict[str, Any] = {"results": items[after : after + limit]}
    if after + limit < len(items):
        nxt = str(after + limit)
        body["paging"] = {"next": {"after": nxt, "link": f"{base_url()}{path}?after={nxt}&limit={limit}"}}
    return respond(body)


@bp.get(OWNERS)
def owners_page() -> Response:
    return _page(OWNERS, list(portal().directory.owners.values()))


@bp.get(OWNERS + "/<ownerId>")
def owner_by_id(ownerId: str) -> Response:
    owner = portal().directory.owners.get(ownerId)
    if owner is None:
        raise not_found(f"Owner {ownerId} does not exist.", context={"ownerId": [ownerId]})
    return respond(owner)


@bp.get(EMAILS)
def emails_page() -> Response:
    return _page(EMAILS, list(portal().directory.emails.values()))


@bp.get(EMAILS + "/<emailId>")
def email_by_id(emailId: str) -> Response:
    email = portal().directory.emails.get(emailId)
    if email is None:
        raise not_found(f"Email {emailId} does not exist.", context={"emailId": [emailId]})
    return respond(email)
