"""Follow-on suppression: a document or file that failed to load still tells what it declared.

One defect gives one diagnostic.  When a spec file cannot be read as YAML, or a document fails
its schema or names a kind in the wrong case (``kind: Icp``), the specs it would have declared are
missing, and every reference to them would be reported again as "unknown".  This module finds
what such a document meant to declare, so :class:`compiler.specset.SpecSet` can stay quiet about
references to it: from the parsed data when there is some, else from the raw text
(``kind:`` and ``id:`` lines at the start of a line), else (nothing recognisable) every
reference is suppressed until the file loads.
"""

from __future__ import annotations

import re

from compiler.parse import suggest

#: what references to a kind's nested items are called, and the key holding them
NESTED: dict[str, tuple[str, str]] = {"ICP": ("personas", "persona"), "Tiers": ("tiers", "tier"),
                                      "LeadScoring": ("bands", "band"), "Pipeline": ("stages", "stage")}
EVERYTHING = "*"
_KIND_LINE = re.compile(r"^kind:\s*['\"]?([A-Za-z][A-Za-z0-9_-]*)", re.MULTILINE)
_ID_LINE = re.compile(r"^id:\s*['\"]?([a-z0-9][a-z0-9_-]*)", re.MULTILINE)


def canonical_kind(kind: str, kinds: list[str]) -> str | None:
    """The kind a document meant: exact, then case-insensitive (``Icp`` → ``ICP``), then the closest."""
    if kind in kinds:
        return kind
    folded = {k.lower(): k for k in kinds}
    if kind.lower() in folded:
        return folded[kind.lower()]
    return suggest(kind, kinds)


def declared_in_text(text: str, kinds: list[str]) -> tuple[set[str], set[str]]:
    """(kinds, ids) a file that failed to load appears to declare, read from its raw lines."""
    found = {canonical_kind(k, kinds) for k in _KIND_LINE.findall(text)}
    return {k for k in found if k}, set(_ID_LINE.findall(text))


def suppressed_kinds(kinds: set[str]) -> set[str]:
    """Everything references could name in documents of ``kinds`` (the kinds and their nested items)."""
    out = set(kinds)
    for k in kinds:
        if k in NESTED:
            out.add(NESTED[k][1])
    return out or {EVERYTHING}
