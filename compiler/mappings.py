"""Portal references in the specs (email slugs, task assignees, notification recipients) and their
per-environment mappings to HubSpot ids (``environments.<name>.mappings`` in ``gtm.yaml``).

Public API
----------
* :func:`portal_references` ``(specs) -> [PortalRef]``: every use of a name HubSpot knows only by id,
  with the source range of the use.
* :func:`resolver` ``(mappings) -> Resolver``: ``resolve(kind, key) -> id | None`` for
  :func:`compiler.backends.hubspot_flows.workflow_to_flow`.
* :func:`unmapped_diagnostics` ``(refs, mappings, env_name, workspace_doc)``: one error per unmapped use
  (GTM510 email, GTM511 assignee, GTM512 recipient) with the line to add to ``gtm.yaml``.

A HubSpot portal needs a marketing email id, an owner id or a user/team id where a spec names
``detention-benchmark``, ``sales`` or ``owner_manager``; the local provider stores names as written,
so only HubSpot environments check mappings.  ``owner`` always means the record's owner.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from compiler.diagnostics import Diagnostic, SourceRange, error
from compiler.source import Document
from compiler.specset import SpecSet
from compiler.workspace import RESERVED_NAMES, Mappings

Resolver = Callable[[str, str], str | None]

#: kind of reference -> (diagnostic code, mapping section, what the id is)
KINDS: dict[str, tuple[str, str, str]] = {
    "email": ("GTM510", "emails", "marketing email id"),
    "assignee": ("GTM511", "owners", "owner id"),
    "recipient": ("GTM512", "users", "user id"),
}


@dataclass(frozen=True)
class PortalRef:
    """One use of a portal name in a spec."""

    kind: str  # "email" | "assignee" | "recipient"
    key: str
    range: SourceRange | None


def portal_references(specs: SpecSet) -> list[PortalRef]:
    """Every email slug, task assignee and notification recipient the specs name, where they name it."""
    out: list[PortalRef] = []
    for spec in specs.specs:
        m = spec.model
        if spec.kind == "Sequence":
            for i, st in enumerate(m.steps):
                if st.channel == "email" and st.email:
                    out.append(PortalRef("email", str(st.email), spec.at("steps", i, "email")))
        elif spec.kind == "SLA":
            out.append(PortalRef("assignee", str(m.owner), spec.at("owner")))
            for i, a in enumerate(m.on_breach):
                if a.notify is not None:
                    out.append(PortalRef("recipient", str(a.notify), spec.at("on_breach", i, "notify")))
        elif spec.kind == "AlertRule":
            for i, who in enumerate(m.notify):
                out.append(PortalRef("recipient", str(who), spec.at("notify", i)))
    return [r for r in out if r.key not in RESERVED_NAMES]


def resolver(mappings: Mappings) -> Resolver:
    """``resolve(kind, key)``: an email's content id, an assignee's owner id, or a recipient as
    ``user:<id>`` / ``team:<id>``; ``None`` when the name is not mapped."""

    def resolve(kind: str, key: str) -> str | None:
        if kind == "email":
            return mappings.emails.get(key)
        if kind == "assignee":
            return mappings.owners.get(key)
        if kind == "recipient":
            if key in mappings.users:
                return f"user:{mappings.users[key]}"
            if key in mappings.teams:
                return f"team:{mappings.teams[key]}"
        return None

    return resolve


def used_ids(refs: list[PortalRef], mappings: Mappings) -> dict[tuple[str, str], str]:
    """``{(mapping section, name): id}`` for every mapped name the specs use."""
    out: dict[tuple[str, str], str] = {}
    for ref in refs:
        found = resolver(mappings)(ref.kind, ref.key)
        if found is None:
            continue
        if ref.kind == "recipient":
            kind, _, rid = found.partition(":")
            out[("users" if kind == "user" else "teams", ref.key)] = rid
        else:
            out[(KINDS[ref.kind][1], ref.key)] = found
    return out


_WHAT = {"emails": "marketing email", "owners": "owner", "users": "user", "teams": "team"}


def missing_id_diagnostics(used: dict[tuple[str, str], str], portal: dict[str, set[str]], env_name: str,
                           workspace_doc: Document | None) -> list[Diagnostic]:
    """GTM514 at the ``gtm.yaml`` mapping whose id the portal does not have (sections not read are skipped)."""
    out: list[Diagnostic] = []
    for (section, key), pid in sorted(used.items()):
        have = portal.get(section)
        if have is None or pid in have:
            continue
        rng = workspace_doc.at(("environments", env_name, "mappings", section, key)) if workspace_doc else None
        out.append(error("GTM514", f'{_WHAT[section]} {pid} (mapped from "{key}") does not exist in environment '
                                   f'"{env_name}"', rng,
                         hint=f"use the id of an existing {_WHAT[section]} of this portal"))
    return out


def unmapped_summary(kind: str, key: str, env_name: str) -> str:
    """The one summary used for an unmapped name (the backend and the planner dedupe on it)."""
    what = {"email": "email", "assignee": "task assignee", "recipient": "notification recipient"}[kind]
    target = {"email": "a HubSpot marketing email", "assignee": "a HubSpot owner",
              "recipient": "a HubSpot user or team"}[kind]
    return f'{what} "{key}" is not mapped to {target} in environment "{env_name}"'


def add_line_hint(kind: str, key: str, env_name: str, mappings: Mappings) -> str:
    """The exact line to add to ``gtm.yaml``."""
    from compiler.parse import suggest

    section = KINDS[kind][1]
    note = ""
    mapped = getattr(mappings, section)
    close = suggest(key, sorted(mapped)) if mapped else None
    if close:
        note = f' (gtm.yaml maps "{close}": a typo?)'
    if kind == "assignee" and (key in mappings.users or key in mappings.teams):
        note += " (tasks are assigned to owners: a user or team id does not work here)"
    if kind == "recipient" and key in mappings.owners:
        note += " (notifications go to users or teams: an owner id does not work here; or use teams:)"
    return (f"add under environments.{env_name}.mappings.{section} in gtm.yaml the line "
            f'"{key}: <{KINDS[kind][2]}>"{note}')


def unmapped_diagnostics(refs: list[PortalRef], mappings: Mappings, env_name: str,
                         workspace_doc: Document | None = None) -> list[Diagnostic]:
    """An error per use of an unmapped name, at the use, with the line to add to ``gtm.yaml``."""
    resolve = resolver(mappings)
    out: list[Diagnostic] = []
    seen: set[tuple[str, str, str]] = set()
    env_at: tuple[str, ...] = ()
    if workspace_doc is not None:
        r = workspace_doc.at(("environments", env_name))
        env_at = (f"environment {env_name} is defined at {r.file}:{r.line}:{r.col}",)
    for ref in refs:
        if resolve(ref.kind, ref.key) is not None:
            continue
        where = f"{ref.range.file}:{ref.range.line}:{ref.range.col}" if ref.range else ""
        if (ref.kind, ref.key, where) in seen:
            continue
        seen.add((ref.kind, ref.key, where))
        out.append(error(KINDS[ref.kind][0], unmapped_summary(ref.kind, ref.key, env_name), ref.range,
                         notes=env_at, hint=add_line_hint(ref.kind, ref.key, env_name, mappings)))
    return out
