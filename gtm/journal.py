"""The apply journal: what an apply set out to do, what it did, and where it stopped.

An append-only JSON-lines file, ``.gtm/journal/<env>.jsonl`` in the workspace: a ``begin`` line
listing every planned change, then one line per outcome, then ``finish``.  Appending (rather
than rewriting) keeps a 5,000-change apply linear, and a process killed mid-write loses at most
its last line.  A failed apply leaves the journal behind; the next ``gtm apply`` plans again from
the live CRM (identity is by natural key, so finished work shows as no change) and reports the
previous run.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from compiler.bounded import TooLarge, open_regular_for_write, read_regular

MAX_JOURNAL_BYTES = 64 * 2**20


@dataclass
class Journal:
    path: Path
    environment: str
    entries: list[dict[str, Any]] = field(default_factory=list)
    status: str = "running"
    started_at: float = field(default_factory=time.time)
    error: str | None = None

    @classmethod
    def for_env(cls, root: Path, env: str) -> Journal:
        return cls(root / ".gtm" / "journal" / f"{env}.jsonl", env)

    def _append(self, record: dict[str, Any], truncate: bool = False) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open_regular_for_write(self.path, truncate) as f:
            f.write(json.dumps(record, separators=(",", ":")) + "\n")
            f.flush()

    def begin(self, changes: list[tuple[str, str]]) -> None:
        self.entries = [{"address": a, "action": act, "status": "pending"} for a, act in changes]
        self.status = "running"
        self._append({"event": "begin", "environment": self.environment, "started_at": self.started_at,
                      "entries": self.entries}, truncate=True)

    def mark(self, index: int, status: str, detail: str | None = None,
             also: list[dict[str, str]] | None = None) -> None:
        """Record a change's status; ``also`` = the follow-on writes the provider made for it."""
        self.entries[index]["status"] = status
        rec: dict[str, Any] = {"event": "mark", "i": index, "status": status, "at": time.time()}
        if detail:
            self.entries[index]["detail"] = detail
            rec["detail"] = detail
        if also:
            self.entries[index]["also"] = also
            rec["also"] = also
        self._append(rec)

    def finish(self, status: str, err: str | None = None) -> None:
        self.status = status
        self.error = err
        self._append({"event": "finish", "status": status, "error": err, "at": time.time()})

    def done(self) -> list[dict[str, Any]]:
        return [e for e in self.entries if e["status"] == "done"]

    def not_done(self) -> list[dict[str, Any]]:
        return [e for e in self.entries if e["status"] != "done"]

    @staticmethod
    def previous(root: Path, env: str) -> dict[str, Any] | None:
        """Replay the last journal: {environment, status, error, entries}; None when there is none.

        A journal is a record, never a reason to stop: lines that are cut short, binary, not JSON
        objects or out of range are skipped; a journal larger than the limit reads as
        ``status: "unreadable"`` (the next apply starts a fresh one)."""
        p = root / ".gtm" / "journal" / f"{env}.jsonl"
        try:
            raw = read_regular(p, MAX_JOURNAL_BYTES)
        except TooLarge:
            return {"environment": env, "status": "unreadable", "error": "journal larger than the limit",
                    "entries": []}
        except OSError:
            return None
        state: dict[str, Any] | None = None
        for line in raw.decode("utf-8", errors="replace").splitlines():
            try:
                rec = json.loads(line)
            except (ValueError, RecursionError):
                continue  # a line cut short by a killed process, or damage
            if not isinstance(rec, dict):
                continue
            event = rec.get("event")
            if event == "begin":
                entries = rec.get("entries")
                state = {"environment": rec.get("environment"), "status": "running", "error": None,
                         "entries": [e for e in entries if isinstance(e, dict)] if isinstance(entries, list)
                         else []}
            elif state is not None and event == "mark":
                i = rec.get("i")
                if isinstance(i, int) and not isinstance(i, bool) and 0 <= i < len(state["entries"]):
                    state["entries"][i]["status"] = str(rec.get("status"))
            elif state is not None and event == "finish":
                state["status"] = str(rec.get("status"))
                state["error"] = rec.get("error")
        return state
