"""How distinctive the ownership markers in ``gtm.yaml`` must be.

gtm deletes live objects it considers its own, so the markers that decide ownership must not
match objects a person made: an empty or one-letter label prefix claims every pipeline, and the
name prefix ``hs`` claims HubSpot's own properties.  These rules refuse such markers up front.
"""

from __future__ import annotations

from compiler.workspace import Ownership

MIN_LABEL_CHARS = 3  # visible characters of the label prefix
MIN_LABEL_ALNUM = 2  # letters or digits among them
# names and labels HubSpot (or most portals) already use: a marker they start with is not distinctive
RESERVED_NAME_PREFIXES = frozenset({"hs", "hubspot", "crm", "sales", "deal", "deals", "contact", "contacts",
                                    "company", "companies", "ticket", "tickets"})
COMMON_LABELS = ("Sales Pipeline", "Support Pipeline", "Pipeline", "Sales", "Support", "Marketing", "New ",
                 "Lead", "Deal", "Contact", "Company", "Ticket", "Customer", "All ", "My ", "Default")


def label_prefix_problem(label_prefix: str) -> str | None:
    """Why ``label_prefix`` cannot mark gtm's objects, or None when it can."""
    visible = label_prefix.strip()
    if not visible:
        return "the label prefix is empty, so it would claim every pipeline and list in the CRM"
    if len(visible) < MIN_LABEL_CHARS or sum(ch.isalnum() for ch in visible) < MIN_LABEL_ALNUM:
        return (f'the label prefix "{label_prefix}" is too short to be distinctive (it needs at least '
                f"{MIN_LABEL_CHARS} visible characters, {MIN_LABEL_ALNUM} of them letters or digits)")
    for common in COMMON_LABELS:
        if common.lower().startswith(visible.lower()) or visible.lower() == common.strip().lower():
            return (f'the label prefix "{label_prefix}" is not distinctive: labels people give their own objects, '
                    f'such as "{common.strip()}", start with it')
    return None


def name_prefix_problem(prefix: str) -> str | None:
    """Why the name ``prefix`` cannot mark gtm's objects, or None when it can."""
    if prefix in RESERVED_NAME_PREFIXES:
        return f'the name prefix "{prefix}" is used by HubSpot or by most portals for their own objects'
    return None


def ownership_problems(o: Ownership) -> list[tuple[str, str]]:
    """(field, reason) for each marker that is not safe to own objects by."""
    out: list[tuple[str, str]] = []
    why = name_prefix_problem(o.prefix)
    if why:
        out.append(("prefix", why))
    why = label_prefix_problem(o.label_prefix)
    if why:
        out.append(("label_prefix", why))
    return out
