"""The docs name only commands that exist (``gtm WORD`` in README.md and docs/*.md)."""

from __future__ import annotations

import re

from gtm.commands import REGISTRY
from tests.conftest import REPO


def test_docs_name_only_real_commands() -> None:
    named: dict[str, set[str]] = {}
    for path in [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]:
        text = path.read_text(encoding="utf-8")
        for m in re.finditer(r"`(?:\.venv/bin/)?gtm (?:-C \S+ )?([a-z][a-z-]+)", text):
            named.setdefault(m.group(1), set()).add(path.name)
    assert "show" in named and "plan" in named
    workflows = {p.stem.removeprefix("gtm-") for p in (REPO / ".github" / "workflows").glob("gtm-*.yml")}
    missing = {cmd: files for cmd, files in named.items() if cmd not in REGISTRY and cmd not in workflows}
    assert not missing, f"docs name commands gtm does not have: {missing}"
