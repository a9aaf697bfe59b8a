"""The in-memory portal: every resource the emulator serves, behind one lock.

Resources are kept as JSON-ready dicts in the shape HubSpot returns them (records keep
their raw property values; calculated values are computed on read).  Route handlers
run with :attr:`PortalState.lock` held, so a handler sees and leaves a consistent
portal; tests may take the lock themselves to inspect or tweak it.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from .objecttypes import OBJECT_IDS, PIPELINE_OBJECTS

EPOCH_ISO = "1970-01-01T00:00:00Z"

_ID_STARTS = {"pipeline": 100_001, "stage": 1_000_001, "list": 1, "flow": 1_500_000_001, "record": 1001}


def now_iso() -> str:
    """The current UTC time as HubSpot formats it: ``2024-05-01T12:00:00.123Z``."""
    moment = datetime.now(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


class PortalState:
    """Everything one emulated portal holds."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        #: object -> property dicts in creation order, active ones and archived tombstones.
        self.properties: dict[str, list[dict[str, Any]]] = {name: [] for name in OBJECT_IDS}
        #: object -> group name -> group dict.
        self.groups: dict[str, dict[str, dict[str, Any]]] = {name: {} for name in OBJECT_IDS}
        #: object -> pipeline id -> pipeline dict (its ``stages`` include archived ones).
        self.pipelines: dict[str, dict[str, dict[str, Any]]] = {name: {} for name in PIPELINE_OBJECTS}
        #: list id -> list dict (with internal ``deleted`` flag and ``filterBranch``).
        self.lists: dict[str, dict[str, Any]] = {}
        #: flow id -> flow dict.
        self.flows: dict[str, dict[str, Any]] = {}
        #: object -> record id -> {"id", "properties", "createdAt", "updatedAt", "archived"}.
        self.records: dict[str, dict[str, dict[str, Any]]] = {name: {} for name in OBJECT_IDS}
        #: bumped whenever a record is archived (search's id index is rebuilt when it or the count moves).
        self.record_epoch = 0
        self._counters: dict[str, Iterator[int]] = {k: itertools.count(v) for k, v in _ID_STARTS.items()}
        from .directory import Directory

        #: owners, users, teams and marketing emails flows may reference (seeded by ``seed_portal``).
        self.directory = Directory()

    def new_id(self, kind: str) -> str:
        """A fresh numeric id (as a string) for ``pipeline``, ``stage``, ``list``, ``flow`` or ``record``."""
        return str(next(self._counters[kind]))

    # -- properties ----------------------------------------------------------
    def active_property(self, object_name: str, name: str) -> dict[str, Any] | None:
        """The live definition called ``name``, if any."""
        for prop in self.properties[object_name]:
            if prop["name"] == name and not prop["archived"]:
                return prop
        return None

    def archived_properties(self, object_name: str, name: str) -> list[dict[str, Any]]:
        """Archived tombstones called ``name``, oldest first."""
        return [p for p in self.properties[object_name] if p["name"] == name and p["archived"]]

    def active_properties(self, object_name: str) -> list[dict[str, Any]]:
        """Every live definition of ``object_name``."""
        return [p for p in self.properties[object_name] if not p["archived"]]

    def property_types(self, object_name: str) -> dict[str, str]:
        """``{name: type}`` of the live definitions."""
        return {p["name"]: p["type"] for p in self.active_properties(object_name)}

    # -- pipelines -----------------------------------------------------------
    def active_pipelines(self, object_name: str) -> list[dict[str, Any]]:
        """Un-archived pipelines of ``object_name``."""
        return [p for p in self.pipelines[object_name].values() if not p["archived"]]

    def stage_index(self, object_name: str) -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
        """``{stage id: (pipeline, stage)}`` over active pipelines and stages."""
        index: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}
        for pipeline in self.active_pipelines(object_name):
            for stage in pipeline["stages"]:
                if not stage["archived"]:
                    index[stage["id"]] = (pipeline, stage)
        return index
