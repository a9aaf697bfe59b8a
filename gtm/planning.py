"""Planning: lower the specs, read the live CRM, diff, analyse impact, fingerprint what was read."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from fnmatch import fnmatch

from compiler.conditions.ast import from_data, leaves
from compiler.diagnostics import Diagnostic, error, warning
from compiler.diff import diff_resources
from compiler.ir import Resource, owned
from compiler.lowering import Lowered, infer_origin, lower, resource_conditions
from compiler.parse import suggest
from compiler.plan import Change, ImpactSummary, Plan
from compiler.portal import check_declared_live
from compiler.portal import extras as portal_extras
from compiler.project import Project
from compiler.workspace import Environment, LocalEnvironment, Ownership
from gtm.business_impact import DEFAULT_LIMIT, analyse_business
from gtm.environments import make_provider, resolve
from gtm.impact import analyse
from providers.base import LiveState, Provider, ProviderError

# enumerations whose options come from other objects (stage and pipeline ids)
DYNAMIC_OPTIONS = frozenset({"dealstage", "pipeline", "hs_pipeline", "hs_pipeline_stage", "hubspot_owner_id"})


@dataclass
class Session:
    """An open connection to one environment, with what was lowered and read."""

    project: Project
    env_name: str
    env: Environment
    provider: Provider
    lowered: Lowered
    desired: list[Resource] = field(default_factory=list)
    live: LiveState = field(default_factory=LiveState)

    @property
    def ownership(self) -> Ownership:
        return self.project.workspace.ownership if self.project.workspace else Ownership()

    def is_owned(self, r: Resource) -> bool:
        o = self.ownership
        return owned(r, o.prefix, o.label_prefix, self.lowered.adopted | frozenset(o.adopt))

    def close(self) -> None:
        self.provider.close()


def open_session(project: Project, env_name: str | None) -> tuple[Session | None, list[Diagnostic]]:
    name, env, diags = resolve(project, env_name)
    if env is None:
        if not diags and project.workspace is None:
            env = LocalEnvironment(provider="local")
        else:
            return None, diags
    try:
        provider = make_provider(env, project.root, name, portal_extras(project.workspace, env))
    except ProviderError as e:
        return None, [error(e.code, e.message)]
    lowered = lower(project.specs, project.workspace.ownership if project.workspace else None)
    return Session(project, name, env, provider, lowered), list(lowered.diagnostics)


def spec_digest(resources: list[Resource]) -> str:
    blob = json.dumps([(r.address, r.attributes) for r in resources], sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


def _option_hint(value: str, allowed: set[str]) -> str:
    same_case = [o for o in allowed if o.lower() == value.lower()]
    guess = same_case[0] if same_case else suggest(value.upper(), sorted(allowed)) or suggest(value, sorted(allowed))
    if guess is None:
        guess = next((o for o in sorted(allowed) if value.lower() in o.lower()), None)
    shown = ", ".join(sorted(allowed)[:15]) + (f" and {len(allowed) - 15} more" if len(allowed) > 15 else "")
    return (f'did you mean "{guess}"? ' if guess else "") + f"options: {shown}"


def _declared_live(s: Session) -> list[Diagnostic]:
    """On a HubSpot environment, what gtm.yaml's ``portal:`` declares but the portal lacks (GTM320/321)."""
    ws, doc = s.project.workspace, s.project.workspace_doc
    if ws is None or doc is None or isinstance(s.env, LocalEnvironment):
        return []
    live: dict[str, dict[str, set[str]]] = {}
    for r in s.live.resources:
        if r.type == "property" and r.object:
            live.setdefault(r.object, {})[r.name] = {str(o.get("value")) for o in r.attributes.get("options") or []}
    return check_declared_live(ws, doc, s.env_name, live, s.env_name)


def _reference_checks(s: Session) -> list[Diagnostic]:
    """Every property a condition names must exist live or be created by this plan."""
    props: dict[str, set[str]] = {}
    options: dict[tuple[str, str], set[str]] = {}
    for r in [*s.live.resources, *s.desired]:
        if r.type == "property" and r.object:
            props.setdefault(r.object, set()).add(r.name)
            opts = r.attributes.get("options") or []
            if r.attributes.get("type") == "enumeration" and opts and r.name not in DYNAMIC_OPTIONS:
                options[(r.object, r.name)] = {str(o.get("value")) for o in opts}
    from gtm.leaf_checks import Catalog, leaf_checks

    at_leaves = leaf_checks(s.project.specs, Catalog(s.env_name, props, options, _option_hint))
    diags: list[Diagnostic] = list(at_leaves.diagnostics)
    seen: set[tuple[str, str]] = set(at_leaves.properties)
    seen_values: set[tuple[str, str, str]] = set(at_leaves.values)
    for r in s.lowered.resources:
        obj = r.attributes.get("object") or r.object
        for c in resource_conditions(r):
            for leaf in leaves(from_data(c)):
                name = leaf.property
                if (obj, name) in seen:
                    continue
                if name not in props.get(str(obj), set()):
                    if any(o == name for _, o in at_leaves.properties):
                        continue  # reported at the spec leaf (e.g. an ICP property checked on companies)
                    seen.add((str(obj), name))
                    guess = suggest(name, sorted(props.get(str(obj), set())))
                    diags.append(error("GTM307", f'{obj} property "{name}" does not exist in '
                                                 f'environment "{s.env_name}"', r.source, address=r.address,
                                       hint=(f'did you mean "{guess}"?' if guess
                                             else "create it in the CRM first, or fix the name")))
                    continue
                allowed = options.get((str(obj), name))
                if allowed and leaf.op in ("eq", "ne", "in", "not_in"):
                    values = leaf.value if isinstance(leaf.value, list) else [leaf.value]
                    for v in values:
                        if str(v) not in allowed and (str(obj), name, str(v)) not in seen_values:
                            seen_values.add((str(obj), name, str(v)))
                            diags.append(error(
                                "GTM412", f'"{v}" is not an option of {obj} property "{name}" in '
                                          f'environment "{s.env_name}"', r.source, address=r.address,
                                hint=_option_hint(str(v), allowed)))
    return diags


def name_collisions(s: Session, desired: list[Resource]) -> list[Diagnostic]:
    """An error for each desired resource whose address a live object holds that gtm did not make:
    updating it would take over (and possibly switch on) someone else's object."""
    live_by = s.live.by_address()
    out: list[Diagnostic] = []
    for d in desired:
        cur = live_by.get(d.address)
        if cur is None or cur.readonly or s.is_owned(cur):
            continue
        ident = f" (HubSpot id {cur.live_id})" if cur.live_id else ""
        out.append(error(
            "GTM620", f"{d.address} would take over a {cur.type} named {cur.name!r}{ident} that gtm did not make",
            d.source, address=d.address,
            notes=(f"the spec wants {d.address}; the CRM already holds {cur.type} {cur.name!r}{ident} without "
                   "gtm's marker, so gtm refuses to overwrite or delete it",),
            hint=f"rename it in the CRM (or change the spec's id), or let gtm manage it by adding "
                 f"`adopt: [{d.address}]` under `ownership:` in gtm.yaml"))
    return out


def _with_mapping_positions(s: Session, realized: list[Diagnostic]) -> list[Diagnostic]:
    """On a HubSpot environment, an unmapped email, assignee or recipient is an error at each use in
    the specs (GTM510-512), replacing the backend's unpositioned report of the same name."""
    from compiler.mappings import KINDS, portal_references, unmapped_diagnostics, used_ids

    if isinstance(s.env, LocalEnvironment):
        return realized
    refs = portal_references(s.project.specs)
    positioned = unmapped_diagnostics(refs, s.env.mappings, s.env_name, s.project.workspace_doc)
    codes = {c for c, _, _ in KINDS.values()}
    covered = {(d.code, d.summary) for d in positioned}
    kept = [d for d in realized if d.code not in codes or (d.code, d.summary) not in covered]
    return [*positioned, *kept, *_mapped_ids_exist(s, used_ids(refs, s.env.mappings))]


def _mapped_ids_exist(s: Session, used: dict[tuple[str, str], str]) -> list[Diagnostic]:
    """GTM514 for a mapped id the portal lacks; GTM515 when the token cannot list what to check."""
    from compiler.mappings import missing_id_diagnostics
    from providers.hubspot.directory import read_directory
    from providers.hubspot.provider import HubSpotProvider

    if not used or not isinstance(s.provider, HubSpotProvider):
        return []
    portal, problems = read_directory(s.provider, {section for section, _ in used})
    out = missing_id_diagnostics(used, portal, s.env_name, s.project.workspace_doc)
    for p in problems:
        out.append(warning("GTM515", f'cannot check the mapped ids of {p} in environment "{s.env_name}"',
                           hint="grant the private app the scope to read them, or check the ids by hand"))
    return out


def _matches(address: str, targets: tuple[str, ...]) -> bool:
    return any(fnmatch(address, t) or address.startswith(t + ".") or address == t for t in targets)


def select_targets(changes: list[Change], desired: list[Resource], targets: tuple[str, ...]
                   ) -> tuple[list[Change], list[Diagnostic]]:
    """The changes to targeted addresses plus the changes to what they depend on (as Terraform does)."""
    by_addr = {r.address: r for r in desired}
    wanted = {c.address for c in changes if _matches(c.address, targets)}
    matched_any = bool(wanted) or any(_matches(a, targets) for a in by_addr)
    todo = list(wanted)
    while todo:
        r = by_addr.get(todo.pop())
        for dep in r.depends_on if r else ():
            if dep not in wanted:
                wanted.add(dep)
                todo.append(dep)
    diags: list[Diagnostic] = []
    if not matched_any:
        diags.append(warning("GTM613", f"--target {' '.join(targets)} matches no resource"))
    return [c for c in changes if c.address in wanted], diags


def make_plan_in(s: Session, targets: tuple[str, ...] = (), impact: bool = True,
                 impact_limit: int = DEFAULT_LIMIT) -> tuple[Plan, list[Diagnostic]]:
    diags: list[Diagnostic] = []
    s.live = s.provider.read()
    diags.extend(s.live.diagnostics)
    desired, rd = s.provider.realize(s.lowered.resources)
    from gtm.leaf_checks import at_spec_leaves

    diags.extend(_with_mapping_positions(s, at_spec_leaves(rd, s.project.specs)))
    s.desired = desired
    diags.extend(_reference_checks(s))
    diags.extend(_declared_live(s))
    diags.extend(name_collisions(s, desired))
    changes = diff_resources(desired, s.live.resources, s.is_owned)
    for c in changes:
        if c.action == "delete" and c.before is not None and c.before.origin is None:
            c.before = replace(c.before, origin=infer_origin(c.before))
    if targets:
        changes, tdiags = select_targets(changes, desired, targets)
        diags.extend(tdiags)
    protected = bool(getattr(s.env, "protected", False))
    diags.extend(analyse(changes, s.provider, s.live, protected, s.lowered.stage_moves))
    if targets:
        # a targeted apply is for a narrow change: anything it would delete must be asked for explicitly
        for c in changes:
            if c.action in ("delete", "replace") and not c.needs_allow_destroy:
                c.needs_allow_destroy = True
                c.reasons.append("delete in a --target apply")
    summary = ImpactSummary("skipped", reason="--no-impact" if not impact else "no changes")
    if impact and changes:
        zones = {r.address: str(r.attributes["time_zone"]) for r in desired if r.attributes.get("time_zone")}
        summary, idiags = analyse_business(changes, s.provider, s.lowered.resources, s.live.resources,
                                           s.ownership.prefix, impact_limit, zones)
        diags.extend(idiags)
    live_by = s.live.by_address()
    relevant = {r.address for r in desired} | {c.address for c in changes}
    fps = {a: live_by[a].fingerprint() for a in sorted(relevant) if a in live_by}
    plan = Plan(s.env_name, s.provider.name, changes, diags, fps, spec_digest(desired), protected, summary)
    from gtm.impact_gate import limits_for, mark

    diags.extend(mark(plan, limits_for(s.project.workspace, s.env)))
    return plan, diags


def make_plan(project: Project, environment: str | None, targets: tuple[str, ...] = ()
              ) -> tuple[Plan | None, list[Diagnostic]]:
    """Plan ``project`` against ``environment`` (for ``gtm gate`` phase 4 and tests)."""
    if not project.ok:
        return None, []
    s, diags = open_session(project, environment)
    if s is None:
        return None, diags
    from gtm.deadline import provider_deadline

    try:
        with provider_deadline("gate", s.env_name, s.env):
            plan, pd = make_plan_in(s, targets)
        return plan, [*diags, *pd]
    except ProviderError as e:
        return None, [*diags, error(e.code, e.message)]
    finally:
        s.close()
