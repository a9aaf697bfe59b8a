"""The seeded directory of the emulated portal: owners, users, teams and marketing emails.

Flow actions name these by id (a task's owner, a notification's users and teams, a marketing email's
``content_id``); :mod:`.flow_rules` refuses ids that are not here.  The ids are invented and fixed so
that the bundled ``gtm.yaml`` (environment ``emulator``) and the tests can map names to them:

* owners 101-103 (each also a user, 9001-9003), teams 301 and 302
* marketing emails 7001-7012
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .state import EPOCH_ISO


@dataclass
class Directory:
    """Who and what flows may reference, by id (strings, as HubSpot's flow fields carry them)."""

    owners: dict[str, dict[str, Any]] = field(default_factory=dict)
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    teams: dict[str, dict[str, Any]] = field(default_factory=dict)
    emails: dict[str, dict[str, Any]] = field(default_factory=dict)


_PEOPLE = (  # owner id, user id, first, last, team id
    ("101", "9001", "Sam", "Sales", "301"),
    ("102", "9002", "Dee", "Development", "302"),
    ("103", "9003", "Max", "Manager", "301"),
)


def seed_directory(d: Directory) -> None:
    """Fill ``d`` with the fixed owners, users, teams and marketing emails."""
    for owner_id, user_id, first, last, team in _PEOPLE:
        email = f"{first.lower()}@example.com"
        d.owners[owner_id] = {"id": owner_id, "userId": int(user_id), "email": email, "firstName": first,
                              "lastName": last, "archived": False, "createdAt": EPOCH_ISO, "updatedAt": EPOCH_ISO,
                              "teams": [{"id": team, "name": f"Team {team}", "primary": True}]}
        d.users[user_id] = {"id": user_id, "email": email, "primaryTeamId": team}
    for team_id, name in (("301", "Sales"), ("302", "Development")):
        d.teams[team_id] = {"id": team_id, "name": name,
                            "userIds": [u for _, u, _, _, t in _PEOPLE if t == team_id]}
    for n in range(1, 13):
        email_id = str(7000 + n)
        d.emails[email_id] = {"id": email_id, "name": f"Marketing email {n}", "type": "AUTOMATED_EMAIL",
                              "state": "AUTOMATED"}
