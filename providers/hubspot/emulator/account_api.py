"""``GET /account-info/v3/details``: the portal's account details, above all its time zone.

DOC (HubSpot's account information API reference): the answer carries ``portalId``,
``accountType``, ``timeZone`` (an IANA name), ``companyCurrency``, ``additionalCurrencies``,
``utcOffset`` (``±HH:MM``), ``utcOffsetMilliseconds``, ``uiDomain`` and ``dataHostingLocation``.
The time zone is the emulator's ``time_zone`` switch (``EmulatorServer.configure(time_zone=…)`` or
``POST /_emulator/config``); the offsets are the zone's offset now.  No scope is checked: the
reference lists none beyond a valid token.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, Response

from .requestio import respond
from .runtime import runtime

bp = Blueprint("account", __name__)
DETAILS = "/account-info/v3/details"
#: the emulated portal's id (a fixed, plainly fake Hub ID)
PORTAL_ID = 10000001


def _offset(zone: str) -> tuple[str, int]:
    delta = datetime.now(UTC).astimezone(ZoneInfo(zone)).utcoffset()
    ms = int(delta.total_seconds() * 1000) if delta is not None else 0
    sign = "-" if ms < 0 else "+"
    minutes = abs(ms) // 60_000
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}", ms


@bp.get(DETAILS)
def details() -> Response:
    zone = runtime().config.time_zone
    text, ms = _offset(zone)
    return respond({"portalId": PORTAL_ID, "accountType": "STANDARD", "timeZone": zone,
                    "companyCurrency": "USD", "additionalCurrencies": [], "utcOffset": text,
                    "utcOffsetMilliseconds": ms, "uiDomain": "app.hubspot.com", "dataHostingLocation": "na1"})
