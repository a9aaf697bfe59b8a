"""The in-memory portal: every resource the emulator serves, behind one lock.

Resources are kept as JSON-ready dicts in the shape HubSpot returns them (records keep
their raw property values; calculated values are computed on read).  Route handlers
run with :attr:`PortalState.lock` held, so a handler sees and leaves a consistent
portal; tests may take the lock themselves to inspect or tweak it.

What reads derive from the portal (a record's effective values, a list's size, the property
index) is memoised, but only while a read-only request holds the lock (:meth:`PortalState.reading`)
and only until the next write: every other hold of the lock (a writing request, a test tweaking
the state) bumps :attr:`PortalState.generation` when it starts and when it ends, and a memo
from an older generation is dropped.  Writes themselves never read from or add to the memo.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, TypeVar

from .objecttypes import OBJECT_IDS, PIPELINE_OBJECTS

T = TypeVar("T")
#: entries kept per generation before the memo starts over (bounds memory on huge portals)
MEMO_MAX = 500_000

EPOCH_ISO = "1970-01-01T00:00:00Z"

_ID_STARTS = {"pipeline": 100_001, "stage": 1_000_001, "list": 1, "flow": 1_500_000_001, "record": 1001}


def now_iso() -> str:
    """The current UTC time as HubSpot formats it: ``2024-05-01T12:00:00.123Z``."""
    moment = datetime.now(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


class PortalLock:
    """The portal's lock (re-entrant).  ``with state.lock:`` may change anything, so entering and
    leaving it bump the state's generation; :meth:`PortalState.reading` holds it without."""

    def __init__(self, state: PortalState) -> None:
        self._state = state
        self._lock = threading.RLock()

    def __enter__(self) -> PortalLock:
        self._lock.acquire()
        self._state.generation += 1
        self._state._writing += 1
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._state._writing -= 1
        self._state.generation += 1
        self._lock.release()


class PortalState:
    """Everything one emulated portal holds."""

    def __init__(self) -> None:
        #: bumped when any hold of :attr:`lock` starts or ends (a write may have happened)
        self.generation = 0
        self._writing = 0
        self._reading = 0
        self._memo: dict[Hashable, Any] = {}
        self._memo_generation = -1
        self.lock = PortalLock(self)
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

    @contextmanager
    def reading(self) -> Iterator[None]:
        """Hold the lock for a request that changes nothing: derived values are memoised meanwhile."""
        with self.lock._lock:
            self._reading += 1
            try:
                yield
            finally:
                self._reading -= 1

    def memo(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()``, remembered under ``key`` until the next write — only inside :meth:`reading`
        (outside, and inside any write, it is computed afresh every time)."""
        if not self._reading or self._writing:
            return compute()
        if self._memo_generation != self.generation or len(self._memo) >= MEMO_MAX:
            self._memo.clear()
            self._memo_generation = self.generation
        try:
            value: T = self._memo[key]
        except KeyError:
            value = self._memo[key] = compute()
        return value

    def new_id(self, kind: str) -> str:
        """A fresh numeric id (as a string) for ``pipeline``, ``stage``, ``list``, ``flow`` or ``record``."""
        return str(next(self._counters[kind]))

    # -- properties ----------------------------------------------------------
    def active_property(self, object_name: str, name: str) -> dict[str, Any] | None:
        """The live definition called ``name``, if any."""
        if self._reading and not self._writing:
            return self.memo(("active-index", object_name), lambda: self._active_index(object_name)).get(name)
        for prop in self.properties[object_name]:
            if prop["name"] == name and not prop["archived"]:
                return prop
        return None

    def _active_index(self, object_name: str) -> dict[str, dict[str, Any]]:
        index: dict[str, dict[str, Any]] = {}
        for prop in self.properties[object_name]:
            if not prop["archived"]:
                index.setdefault(prop["name"], prop)
        return index

    def archived_properties(self, object_name: str, name: str) -> list[dict[str, Any]]:
        """Archived tombstones called ``name``, oldest first."""
        return [p for p in self.properties[object_name] if p["name"] == name and p["archived"]]

    def active_properties(self, object_name: str) -> list[dict[str, Any]]:
        """Every live definition of ``object_name``."""
        return [p for p in self.properties[object_name] if not p["archived"]]

    def property_types(self, object_name: str) -> dict[str, str]:
        """``{name: type}`` of the live definitions (memoised while reading: do not change it)."""
        return self.memo(("types", object_name),
                         lambda: {p["name"]: p["type"] for p in self.active_properties(object_name)})

    # -- pipelines -----------------------------------------------------------
    def active_pipelines(self, object_name: str) -> list[dict[str, Any]]:
        """Un-archived pipelines of ``object_name``."""
        return [p for p in self.pipelines[object_name].values() if not p["archived"]]

    def stage_index(self, object_name: str) -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
        """``{stage id: (pipeline, stage)}`` over active pipelines and stages (memoised while reading)."""
        return self.memo(("stages", object_name), lambda: self._stage_index(object_name))

    def _stage_index(self, object_name: str) -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
        index: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}
        for pipeline in self.active_pipelines(object_name):
            for stage in pipeline["stages"]:
                if not stage["archived"]:
                    index[stage["id"]] = (pipeline, stage)
        return index
