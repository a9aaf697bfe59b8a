"""Which owners, users, teams and marketing emails a portal has: for checking ``gtm.yaml`` mappings
at plan time, before a flow naming a missing id is sent.

Owners come from ``GET /crm/v3/owners`` (``client.crm.owners.owners_api.get_page``), which also
carries each owner's ``userId`` and ``teams`` (DOC: owners are derived from users), so one listing
checks owner, user and team ids.  Marketing emails come from ``GET /marketing/v3/emails``
(``client.marketing.emails.marketing_emails_api.get_page``).  Both page with ``after``.
A listing the token may not read (403, a missing scope) is reported, not fatal.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from providers.base import ProviderError

if TYPE_CHECKING:
    from providers.hubspot.provider import HubSpotProvider

MAX_PAGES = 200


def _pages(p: HubSpotProvider, what: str, fn: Callable[..., Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    after: str | None = None
    for _ in range(MAX_PAGES):
        kw: dict[str, Any] = {"limit": 100}
        if after:
            kw["after"] = after
        data = p._json(what, fn, **kw) or {}
        out.extend(x for x in data.get("results") or [] if isinstance(x, dict))
        after = ((data.get("paging") or {}).get("next") or {}).get("after")
        if not after:
            break
    return out


def read_directory(p: HubSpotProvider, sections: set[str]) -> tuple[dict[str, set[str]], list[str]]:
    """``({"owners"|"users"|"teams"|"emails": ids}, [sections that could not be read, with why])``
    for the ``sections`` asked for."""
    found: dict[str, set[str]] = {}
    problems: list[str] = []

    def listing(what: str, page: Callable[..., Any], unreadable: str) -> list[dict[str, Any]] | None:
        """Every item of one listing, or None (noted in ``problems``) when the token may not read it."""
        try:
            return _pages(p, what, page)
        except ProviderError as e:
            if e.status not in (401, 403):
                raise
            problems.append(unreadable.format(message=e.message))
            return None

    if sections & {"owners", "users", "teams"}:
        owners = listing("read owners", p.client.crm.owners.owners_api.get_page,
                         "owners, users and teams (reading owners: {message})")
        if owners is not None:
            found["owners"] = {str(o.get("id")) for o in owners if not o.get("archived")}
            found["users"] = {str(o["userId"]) for o in owners if o.get("userId") is not None}
            found["teams"] = {str(t.get("id")) for o in owners for t in o.get("teams") or []}
    if "emails" in sections:
        emails = listing("read marketing emails", p.client.marketing.emails.marketing_emails_api.get_page,
                         "marketing emails ({message})")
        if emails is not None:
            found["emails"] = {str(m.get("id")) for m in emails if not m.get("archived")}
    return found, problems
