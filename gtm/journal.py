"""The apply journal: what an apply set out to do, what it did, and where it stopped.

Written atomically after every change to ``.gtm/journal/<env>.json`` in the workspace.  A
failed apply leaves it behind; the next ``gtm apply`` plans again from the live CRM (identity is
by natural key, so finished work shows as no change) and reports the previous run.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


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
        return cls(root / ".gtm" / "journal" / f"{env}.json", env)

    def begin(self, changes: list[tuple[str, str]]) -> None:
        self.entries = [{"address": a, "action": act, "status": "pending"} for a, act in changes]
        self.status = "running"
        self.save()

    def mark(self, index: int, status: str, detail: str | None = None) -> None:
        self.entries[index]["status"] = status
        self.entries[index]["at"] = time.time()
        if detail:
            self.entries[index]["detail"] = detail
        self.save()

    def finish(self, status: str, err: str | None = None) -> None:
        self.status = status
        self.error = err
        self.save()

    def done(self) -> list[dict[str, Any]]:
        return [e for e in self.entries if e["status"] == "done"]

    def not_done(self) -> list[dict[str, Any]]:
        return [e for e in self.entries if e["status"] != "done"]

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        payload = {"environment": self.environment, "status": self.status, "started_at": self.started_at,
                   "error": self.error, "entries": self.entries}
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".journal-")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(payload, f, indent=2)
        os.replace(tmp, self.path)

    @staticmethod
    def previous(root: Path, env: str) -> dict[str, Any] | None:
        p = root / ".gtm" / "journal" / f"{env}.json"
        try:
            data = json.loads(p.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None
