"""A team's portal beyond a fresh one (``portal:`` in gtm.yaml) and the offline property checks.

``portal:`` sits at the top of gtm.yaml (every environment) and under an environment (that
portal only).  :func:`extras` turns it into :class:`compiler.catalog.PortalExtras`;
:func:`check_workspace` judges the declarations (GTM211–GTM219); :func:`check_conditions`
checks every property a spec condition names, and every enumeration value it compares with,
against the catalog plus those declarations (GTM307, GTM412), at the line that names them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from compiler import catalog
from compiler.catalog import ExtraProperty, PortalExtras
from compiler.conditions.ast import Leaf, walk
from compiler.diagnostics import Diagnostic, SourceRange, error, warning
from compiler.parse import suggest
from compiler.source import Document, Path_
from compiler.specset import SpecSet
from compiler.workspace import Environment, Portal, Workspace

VALUE_OPS = ("eq", "ne", "in", "not_in")
# enumerations whose options are other portal objects: declaring values for them is meaningless
_DYNAMIC_SOURCES = (catalog.PIPELINES, catalog.STAGES, catalog.EXTERNAL)


def _to_extras(portal: Portal) -> PortalExtras:
    props: dict[str, dict[str, ExtraProperty]] = {}
    opts: dict[str, dict[str, tuple[str, ...]]] = {}
    for obj in catalog.OBJECTS:
        po = getattr(portal, obj)
        if po.properties:
            props[obj] = {p.name: ExtraProperty(p.name, p.type, _field_type(p.type), p.label or p.name,
                                                tuple(p.options)) for p in po.properties}
        if po.options:
            opts[obj] = {name: tuple(vals) for name, vals in po.options.items()}
    return PortalExtras(props, opts)


def _field_type(kind: str) -> str:
    return {"number": "number", "date": "date", "datetime": "date", "enumeration": "select",
            "bool": "booleancheckbox", "phone_number": "phonenumber"}.get(kind, "text")


def extras(ws: Workspace | None, env: Environment | None = None) -> PortalExtras:
    """The declarations that hold for ``env``: the workspace's, then the environment's own."""
    if ws is None:
        return catalog.NO_EXTRAS
    out = _to_extras(ws.portal)
    if env is not None:
        out = out.merged(_to_extras(env.portal))
    return out


def all_extras(ws: Workspace | None) -> PortalExtras:
    """Every declaration in the file (the workspace's and every environment's): what offline checks
    accept, since a spec is valid when some portal it is planned against has what it names."""
    out = extras(ws)
    if ws is not None:
        for env in ws.environments.values():
            out = out.merged(_to_extras(env.portal))
    return out


# -- judging the declarations -------------------------------------------------------

def _sections(ws: Workspace) -> Iterator[tuple[Path_, Portal]]:
    yield ("portal",), ws.portal
    for name, env in ws.environments.items():
        yield ("environments", name, "portal"), env.portal


def check_workspace(ws: Workspace, doc: Document) -> list[Diagnostic]:
    """GTM211–GTM219: declarations that contradict the catalog, repeat it, or cannot be honoured."""
    out: list[Diagnostic] = []
    prefix = ws.ownership.prefix + "_"
    for base, portal in _sections(ws):
        for obj in catalog.OBJECTS:
            po = getattr(portal, obj)
            at = (*base, obj)
            declared: dict[str, int] = {}
            for i, p in enumerate(po.properties):
                where = doc.at((*at, "properties", i, "name"))
                if p.name in declared:
                    out.append(error("GTM217", f'{obj} property "{p.name}" is declared twice', where,
                                     hint="keep one declaration"))
                    continue
                declared[p.name] = i
                if p.name.startswith(prefix):
                    out.append(error("GTM216", f'"{p.name}" has gtm\'s prefix "{prefix}": gtm creates and owns '
                                                "such properties, a portal declaration cannot", where,
                                     hint="rename it, or let the specs create it"))
                elif catalog.property_def(obj, p.name) is not None:
                    out.append(warning("GTM212", f'{obj} property "{p.name}" is already in a fresh portal; '
                                                 "the declaration is ignored", where,
                                       hint="declare extra values under `options:` instead"))
                elif p.type == "enumeration" and not p.options:
                    out.append(error("GTM219", f'enumeration "{p.name}" declares no options', where,
                                     hint="list its internal values under `options:`"))
                elif p.type != "enumeration" and p.options:
                    out.append(error("GTM219", f'"{p.name}" is a {p.type} property and cannot have options',
                                     doc.at((*at, "properties", i, "options")),
                                     hint="set `type: enumeration`, or drop the options"))
            for name, values in po.options.items():
                out.extend(_check_options(obj, name, values, po, doc, (*at, "options", name)))
    return out


def _check_options(obj: str, name: str, values: list[str], po: Any, doc: Document,
                   path: Path_) -> list[Diagnostic]:
    key = doc.at(path, key=True)
    p = catalog.property_def(obj, name)
    own = next((d for d in po.properties if d.name == name), None)
    if p is None and own is None:
        guess = suggest(name, catalog.property_names(obj))
        return [error("GTM213", f'{obj} has no property "{name}" to add options to', key,
                      notes=(f'did you mean "{guess}"?',) if guess else (),
                      hint="declare it under `properties:` if the portal has it")]
    kind = p["type"] if p is not None else own.type  # type: ignore[union-attr]
    if kind != "enumeration":
        return [error("GTM214", f'{obj} property "{name}" is a {kind} property, not an enumeration', key)]
    if p is not None and p.get("optionSource") in _DYNAMIC_SOURCES:
        what = "owners, teams or users" if p["optionSource"] == catalog.EXTERNAL else "the pipelines and stages"
        return [error("GTM215", f'the options of {obj} "{name}" are {what} that exist; they cannot be declared',
                      key, hint="define pipelines with a Pipeline spec" if what.startswith("the") else None)]
    out: list[Diagnostic] = []
    known = set(catalog.property_options(obj, name))
    seen: set[str] = set()
    for i, v in enumerate(values):
        if v in seen:
            out.append(error("GTM218", f'option "{v}" of {obj} "{name}" is declared twice', doc.at((*path, i))))
        elif v in known:
            out.append(warning("GTM218", f'"{v}" is already an option of {obj} "{name}" in a fresh portal',
                               doc.at((*path, i)), hint="drop it from the declaration"))
        seen.add(v)
    return out


# -- checking what the specs name ---------------------------------------------------

def _value_text(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def _leaf_position(doc: Document, leaf: Leaf, *tail: str | int) -> SourceRange | None:
    if leaf.path:
        return doc.at((*leaf.path, *tail))
    return leaf.range


def check_conditions(ss: SpecSet, portal: PortalExtras, own_prefix: str) -> list[Diagnostic]:
    """GTM307/GTM412 for condition leaves on properties neither a fresh portal, the declared portal
    nor gtm itself (names with ``own_prefix``: the plan checks gtm creates them) has, and enumeration
    values that are no option.  What the catalog says of a property is looked up once per run."""
    from compiler.checks.references import condition_object

    out: list[Diagnostic] = []
    memo: dict[tuple[str, str], tuple[bool, frozenset[str] | None]] = {}
    for spec in ss.specs:
        obj = condition_object(spec)
        if obj not in catalog.OBJECTS:
            continue
        for _path, cond in ss.condition_sites(spec):
            for node in walk(cond):
                if isinstance(node, Leaf) and not node.property.startswith(own_prefix):
                    key = (obj, node.property)
                    facts = memo.get(key)
                    if facts is None:
                        known = catalog.known_property(obj, node.property, portal)
                        facts = memo[key] = (known, catalog.checked_options(obj, node.property, portal)
                                             if known else None)
                    if not facts[0] or (facts[1] is not None and node.op in VALUE_OPS):
                        out.extend(_check_leaf(spec.doc, obj, node, portal, facts[1]))
        if spec.kind == "ICP":
            out.extend(_check_icp(spec, portal))
    return out


def _check_leaf(doc: Document, obj: str, leaf: Leaf, portal: PortalExtras,
                allowed: frozenset[str] | None) -> list[Diagnostic]:
    name = leaf.property
    if not catalog.known_property(obj, name, portal):
        guess = suggest(name, catalog.property_names(obj, portal))
        return [error("GTM307", f'{obj} property "{name}" is not in a fresh HubSpot portal nor declared under '
                                "`portal:` in gtm.yaml", _leaf_position(doc, leaf, "property"),
                      notes=("if your portal has it, declare it under `portal:` in gtm.yaml",),
                      hint=f'did you mean "{guess}"?' if guess else "fix the name")]
    if leaf.op not in VALUE_OPS or allowed is None:
        return []
    values = leaf.value if isinstance(leaf.value, list) else [leaf.value]
    out: list[Diagnostic] = []
    for i, v in enumerate(values):
        text = _value_text(v)
        if text in allowed:
            continue
        where = _leaf_position(doc, leaf, leaf.op, i) if isinstance(leaf.value, list) else \
            _leaf_position(doc, leaf, leaf.op)
        out.append(_bad_option(obj, name, text, where, allowed))
    return out


def _check_icp(spec: Any, portal: PortalExtras) -> list[Diagnostic]:
    """An ICP's industries are values of the companies ``industry`` enumeration."""
    allowed = catalog.checked_options("companies", "industry", portal)
    if allowed is None:
        return []
    out: list[Diagnostic] = []
    for i, v in enumerate(spec.model.firmographics.industries):
        if v not in allowed:
            out.append(_bad_option("companies", "industry", v, spec.at("firmographics", "industries", i), allowed))
    return out


def _bad_option(obj: str, name: str, value: str, where: SourceRange | None,
                allowed: frozenset[str]) -> Diagnostic:
    return error("GTM412", f'"{value}" is not an option of {obj} property "{name}"', where,
                 notes=("use the option's internal value; if your portal has this one, declare it under "
                        "`portal:` in gtm.yaml",),
                 hint=option_hint(value, allowed))


def option_hint(value: str, allowed: frozenset[str] | set[str]) -> str:
    """``did you mean "X"? options: …`` — the nearest option (same letters in another case, the
    closest spelling, or one containing the value), then the first options."""
    ordered = sorted(allowed)
    same_case = [o for o in ordered if o.lower() == value.lower()]
    guess = (same_case[0] if same_case else
             suggest(value.upper().replace(" ", "_").replace("-", "_"), ordered) or suggest(value, ordered))
    if guess is None:
        guess = next((o for o in ordered if value.lower() in o.lower()), None)
    shown = ", ".join(ordered[:12]) + (f" and {len(ordered) - 12} more" if len(ordered) > 12 else "")
    return (f'did you mean "{guess}"? ' if guess else "") + f"options: {shown}"


def leaf_positions(ss: SpecSet) -> dict[tuple[str, ...], SourceRange]:
    """Where the specs name each property, ``(object, property)``, and each compared value,
    ``(object, property, value)``: the first mention (for plan-time diagnostics).  Ranges resolve lazily."""
    from compiler.checks.references import condition_object

    out: dict[tuple[str, ...], SourceRange] = {}
    for spec in ss.specs:
        obj = condition_object(spec)
        for _path, cond in ss.condition_sites(spec):
            for node in walk(cond):
                if not isinstance(node, Leaf) or not node.path:
                    continue
                key = (obj, node.property)
                if key not in out:
                    out[key] = spec.doc.at((*node.path, "property"))
                values = node.value if isinstance(node.value, list) else [node.value]
                for i, v in enumerate(values):
                    vkey = (obj, node.property, _value_text(v) if isinstance(v, bool) else str(v))
                    if vkey not in out:
                        tail = (node.op, i) if isinstance(node.value, list) else (node.op,)
                        out[vkey] = spec.doc.at((*node.path, *tail))
    return out


def check_declared_live(ws: Workspace, doc: Document, env_key: str, live_props: dict[str, dict[str, set[str]]],
                        env_name: str) -> list[Diagnostic]:
    """GTM320/GTM321 (warnings, HubSpot environments): what ``portal:`` declares for this environment
    but the live portal lacks — a property, or a value of an enumeration.  ``live_props`` maps object
    -> property -> its option values.  Reported at the declaration."""
    out: list[Diagnostic] = []
    env = ws.environments.get(env_key)
    sections: list[tuple[Path_, Portal]] = [(("portal",), ws.portal)]
    if env is not None:
        sections.append((("environments", env_key, "portal"), env.portal))
    for base, portal in sections:
        for obj in catalog.OBJECTS:
            po = getattr(portal, obj)
            live = live_props.get(obj, {})
            for i, p in enumerate(po.properties):
                if p.name not in live and catalog.property_def(obj, p.name) is None:
                    out.append(warning("GTM320", f'gtm.yaml declares {obj} property "{p.name}" but environment '
                                                 f'"{env_name}" has no such property',
                                       doc.at((*base, obj, "properties", i, "name")),
                                       hint="create it in the portal, or drop the declaration"))
            for name, values in po.options.items():
                have = live.get(name)
                if have is None:
                    continue
                for j, v in enumerate(values):
                    if have and v not in have:
                        out.append(warning("GTM321", f'gtm.yaml declares "{v}" as an option of {obj} "{name}" but '
                                                     f'environment "{env_name}" does not have it',
                                           doc.at((*base, obj, "options", name, j)),
                                           hint="add the option in the portal, or drop it from the declaration"))
    return out
