"""The checked, indexed set of specs that lowering and the gates work from."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from compiler.conditions.ast import Condition
from compiler.parse import Spec
from compiler.source import Path_

CondKey = tuple[str, int, Path_]


@dataclass
class SpecSet:
    """All parsed specs, indexed by kind and id; conditions parsed once, keyed by location."""

    specs: list[Spec] = field(default_factory=list)
    conditions: dict[CondKey, Condition] = field(default_factory=dict)
    # ids declared by documents that failed their schema: references to them are not reported again
    rejected: dict[str, set[str]] = field(default_factory=dict)
    prefix: str = "gtm"  # the workspace's ownership prefix (gtm.yaml `ownership.prefix`)
    # kinds (or "*") of files that failed to load: every reference to them is a follow-on error
    unreadable: set[str] = field(default_factory=set)
    _sites: dict[tuple[str, int], list[tuple[Path_, Condition]]] | None = field(default=None, repr=False)
    _sites_n: int = field(default=-1, repr=False)
    _kinds: dict[str, list[Spec]] = field(default_factory=dict, repr=False, compare=False)
    _kinds_n: int = field(default=-1, repr=False, compare=False)

    def reject(self, data: Any) -> None:
        """Remember the ids a document declares even though it failed its schema."""
        from compiler.checks.follow_on import canonical_kind
        from compiler.parse import KINDS

        if not isinstance(data, dict) or not isinstance(data.get("kind"), str):
            return
        kind = canonical_kind(data["kind"], list(KINDS)) or data["kind"]

        def ids(items: Any) -> set[str]:
            return {str(x["id"]) for x in items if isinstance(x, dict) and "id" in x} if isinstance(items, list) \
                else set()

        if "id" in data:
            self.rejected.setdefault(kind, set()).add(str(data["id"]))
        else:
            self.rejected.setdefault(kind, set())
        from compiler.checks.follow_on import NESTED

        if kind in NESTED:
            key, what = NESTED[kind]
            self.rejected.setdefault(what, set()).update(ids(data.get(key)))

    def reject_text(self, text: str) -> None:
        """A file that failed to load: references to what it seems to declare are not reported."""
        from compiler.checks.follow_on import declared_in_text, suppressed_kinds
        from compiler.parse import KINDS

        kinds, _ids = declared_in_text(text, list(KINDS))
        self.unreadable |= suppressed_kinds(kinds)

    def was_rejected(self, what: str, ident: str | None = None) -> bool:
        if self.unreadable and ("*" in self.unreadable or what in self.unreadable):
            return True
        got = self.rejected.get(what)
        return got is not None and (ident is None or ident in got)

    def of(self, kind: str) -> list[Spec]:
        """The specs of ``kind`` in load order (indexed once per growth of ``specs``, which only appends)."""
        if self._kinds_n != len(self.specs):
            index: dict[str, list[Spec]] = {}
            for s in self.specs:
                index.setdefault(s.kind, []).append(s)
            self._kinds, self._kinds_n = index, len(self.specs)
        return list(self._kinds.get(kind, ()))

    def first(self, kind: str) -> Spec | None:
        xs = self.of(kind)
        return xs[0] if xs else None

    def by_id(self, kind: str) -> dict[str, Spec]:
        out: dict[str, Spec] = {}
        for s in self.of(kind):
            if s.ident is not None and s.ident not in out:
                out[s.ident] = s
        return out

    def personas(self) -> Iterator[tuple[Spec, int, Any]]:
        for s in self.of("ICP"):
            for i, p in enumerate(s.model.personas):
                yield s, i, p

    def tiers(self) -> Iterator[tuple[Spec, int, Any]]:
        for s in self.of("Tiers"):
            for i, t in enumerate(s.model.tiers):
                yield s, i, t

    def condition(self, spec: Spec, *path: str | int) -> Condition | None:
        return self.conditions.get((spec.doc.file, spec.doc.index, tuple(path)))

    def condition_sites(self, spec: Spec) -> list[tuple[Path_, Condition]]:
        if self._sites is None or self._sites_n != len(self.conditions):
            index: dict[tuple[str, int], list[tuple[Path_, Condition]]] = {}
            for k, c in self.conditions.items():
                index.setdefault((k[0], k[1]), []).append((k[2], c))
            self._sites, self._sites_n = index, len(self.conditions)
        return self._sites.get((spec.doc.file, spec.doc.index), [])


def condition_paths(spec: Spec) -> list[tuple[Path_, Any]]:
    """Where each kind keeps its conditions: (path, raw data) pairs; absent optional ones skipped."""
    m = spec.model
    raw = spec.doc.data
    out: list[tuple[Path_, Any]] = []
    if spec.kind == "Tiers":
        for i, t in enumerate(m.tiers):
            if t.when is not None:
                out.append((("tiers", i, "when"), raw["tiers"][i]["when"]))
    elif spec.kind == "LeadScoring":
        for i, _ in enumerate(m.rules):
            out.append((("rules", i, "when"), raw["rules"][i]["when"]))
    elif spec.kind in ("SLA", "AlertRule"):
        out.append((("when",), raw["when"]))
    elif spec.kind == "Sequence":
        out.append((("audience",), raw["audience"]))
        if m.exit_when is not None:
            out.append((("exit_when",), raw["exit_when"]))
    return out
