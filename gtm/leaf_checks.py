"""Plan-time catalog checks at the exact leaf of the spec that names the property or value.

Every property a spec condition names must exist in the environment (or be created by the plan),
and every enumeration value it compares with must be an option.  These checks read the spec's own
conditions (with their positions) rather than the lowered resources, so a diagnostic points at the
``property:`` of the fifth scoring rule, at the value inside an ``in:`` list, at the industry in
the ICP's list, at the property an SLA's breach action sets, and says what was probably meant.
Each defect is reported once: an ICP value used by three tiers is one diagnostic at the ICP, and
the lowered-resource check that follows (:func:`gtm.planning._reference_checks`) skips what was
reported here.  :func:`at_spec_leaves` moves the backends' diagnostics about one leaf (a condition
HubSpot cannot express) to that leaf in the same way.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from compiler.checks.references import condition_object
from compiler.conditions.ast import DATE_OPS, All, Condition, Leaf, Not
from compiler.conditions.ast import Any as AnyOf
from compiler.diagnostics import Diagnostic, SourceRange, error
from compiler.parse import Spec, suggest
from compiler.source import Path_
from compiler.specset import SpecSet

VALUE_OPS = ("eq", "ne", "in", "not_in")
#: ICP lists and the enumeration property their values must be options of (companies' catalog)
ICP_LISTS: tuple[tuple[tuple[str, str], str], ...] = (
    (("firmographics", "industries"), "industry"),
    (("firmographics", "countries"), "country"),
    (("technographics", "uses_any"), "web_technologies"),
)
ICP_OBJECTS = ("companies", "contacts")  # an ICP condition is expanded on both


@dataclass
class Catalog:
    """What the environment (plus this plan's creations) knows: property names and enum options."""

    env_name: str
    props: dict[str, set[str]]
    options: dict[tuple[str, str], set[str]]
    option_hint: Any  # (value, allowed) -> str


@dataclass
class LeafReport:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    properties: set[tuple[str, str]] = field(default_factory=set)  # (object, property) reported
    values: set[tuple[str, str, str]] = field(default_factory=set)  # (object, property, value) reported


def walk_paths(c: Condition, path: Path_) -> Iterator[tuple[Condition, Path_]]:
    """Every node of a parsed condition with its path in the document."""
    yield c, path
    if isinstance(c, All | AnyOf):
        key = "all" if isinstance(c, All) else "any"
        for i, x in enumerate(c.items):
            yield from walk_paths(x, (*path, key, i))
    elif isinstance(c, Not):
        yield from walk_paths(c.item, (*path, "not"))


def _unknown_property(cat: Catalog, obj: str, name: str, rng: SourceRange) -> Diagnostic:
    known = sorted(cat.props.get(obj, set()))
    guess = suggest(name, known)
    return error("GTM307", f'{obj} property "{name}" does not exist in environment "{cat.env_name}"', rng,
                 hint=(f'did you mean "{guess}"?' if guess else "create it in the CRM first, or fix the name"))


def _bad_value(cat: Catalog, obj: str, name: str, v: str, rng: SourceRange, allowed: set[str]) -> Diagnostic:
    return error("GTM412", f'"{v}" is not an option of {obj} property "{name}" in environment "{cat.env_name}"',
                 rng, hint=cat.option_hint(v, allowed))


def _leaf(cat: Catalog, spec: Spec, obj: str, node: Leaf, path: Path_, out: LeafReport) -> None:
    name = node.property
    # no name is trusted for its shape (a stage-time name such as hs_time_in_<stage> is not
    # predictable from a stage id): every property must be in the catalog, the portal or the specs
    if name not in cat.props.get(obj, set()):
        if (obj, name) not in out.properties:
            out.properties.add((obj, name))
            out.diagnostics.append(_unknown_property(cat, obj, name, spec.doc.at((*path, "property"))))
        return
    allowed = cat.options.get((obj, name))
    if not allowed or node.op not in VALUE_OPS:
        return
    values = node.value if isinstance(node.value, list) else [node.value]
    for i, v in enumerate(values):
        key = (obj, name, str(v))
        if str(v) in allowed or key in out.values:
            continue
        out.values.add(key)
        vpath = (*path, node.op, i) if isinstance(node.value, list) else (*path, node.op)
        out.diagnostics.append(_bad_value(cat, obj, name, str(v), spec.doc.at(vpath), allowed))


def _icp_lists(cat: Catalog, spec: Spec, out: LeafReport) -> None:
    for (section, key), prop in ICP_LISTS:
        values = getattr(getattr(spec.model, section, None), key, None) or []
        allowed = cat.options.get(("companies", prop))
        if not allowed:
            continue
        for i, v in enumerate(values):
            if str(v) in allowed or ("companies", prop, str(v)) in out.values:
                continue
            for obj in ICP_OBJECTS:
                out.values.add((obj, prop, str(v)))
            out.diagnostics.append(_bad_value(cat, "companies", prop, str(v), spec.at(section, key, i), allowed))


def _breach_sets(cat: Catalog, spec: Spec, out: LeafReport) -> None:
    """An SLA's ``on_breach: [{set: {PROPERTY: VALUE}}]``: the property at its key, the value at itself."""
    obj = str(getattr(spec.model, "object", "contacts"))
    for i, action in enumerate(getattr(spec.model, "on_breach", None) or []):
        for name, v in (action.set or {}).items():
            if name not in cat.props.get(obj, set()):
                if (obj, name) not in out.properties:
                    out.properties.add((obj, name))
                    out.diagnostics.append(
                        _unknown_property(cat, obj, name, spec.at("on_breach", i, "set", name, key=True)))
                continue
            allowed = cat.options.get((obj, name))
            if allowed and str(v) not in allowed and (obj, name, str(v)) not in out.values:
                out.values.add((obj, name, str(v)))
                out.diagnostics.append(_bad_value(cat, obj, name, str(v), spec.at("on_breach", i, "set", name),
                                                  allowed))


def leaf_checks(ss: SpecSet, cat: Catalog) -> LeafReport:
    """Unknown properties and options, each once, at the spec leaf that names it."""
    out = LeafReport()
    for spec in ss.of("ICP"):
        _icp_lists(cat, spec, out)
    for spec in ss.of("SLA"):
        _breach_sets(cat, spec, out)
    for spec in ss.specs:
        obj = condition_object(spec)
        for path, cond in ss.condition_sites(spec):
            for node, npath in walk_paths(cond, path):
                if isinstance(node, Leaf):
                    _leaf(cat, spec, obj, node, npath, out)
    return out


_LEAF_IN_SUMMARY = re.compile(r"\{property: ([^,{}]+), ([a-z_]+): (.*?)\} as ")


def _spec_at(ss: SpecSet, rng: SourceRange) -> Spec | None:
    """The spec document of ``rng``'s file whose text holds ``rng`` (the last one starting before it)."""
    found: Spec | None = None
    for spec in ss.specs:
        if spec.doc.file != rng.file:
            continue
        start = spec.doc.locate(())
        if start.line <= rng.line and (found is None or start.line >= found.doc.locate(()).line):
            found = spec
    return found


def _leaf_ranges(ss: SpecSet, rng: SourceRange, prop: str, op: str, value: str) -> SourceRange | None:
    """Where the leaf ``{property: prop, op: value}`` of the diagnostic at ``rng`` is: in the same
    spec document (the same value first), else the one such leaf of the file."""
    def sites(specs: list[Spec]) -> list[tuple[Leaf, SourceRange]]:
        return [(node, spec.doc.at((*path, op)))
                for spec in specs for site, cond in ss.condition_sites(spec)
                for node, path in walk_paths(cond, site)
                if isinstance(node, Leaf) and node.property == prop and node.op == op]

    spec = _spec_at(ss, rng)
    here = sites([spec]) if spec is not None else []
    same = [r for node, r in here if repr(node.value) == value]
    if same or len(here) == 1:
        return (same or [here[0][1]])[0]
    in_file = sites([s for s in ss.specs if s.doc.file == rng.file])
    return in_file[0][1] if len(in_file) == 1 else None


def _data_paths(data: Any, path: Path_ = ()) -> Iterator[tuple[Path_, Any]]:
    yield path, data
    if isinstance(data, dict):
        for k, v in data.items():
            yield from _data_paths(v, (*path, str(k)))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _data_paths(v, (*path, i))


_NAMED_VALUE = re.compile(r"value ('[^']*'|\"[^\"]*\")")


def _sugar_range(ss: SpecSet, value: str, summary: str) -> SourceRange | None:
    """A leaf made by sugar (an ICP's countries, a persona's titles) has no condition in the specs:
    find its values where they were written, a list of exactly those values (at the one value the
    summary names, if any) or the one place a single value is written."""
    try:
        v = ast.literal_eval(value)
    except (ValueError, SyntaxError):
        return None
    named = _NAMED_VALUE.search(summary)
    bad = ast.literal_eval(named.group(1)) if named else None
    hits: list[tuple[Spec, Path_]] = []
    for spec in ss.specs:
        for path, node in _data_paths(spec.doc.data):
            if isinstance(v, list) and isinstance(node, list) and [str(x) for x in node] == [str(x) for x in v]:
                at = [i for i, x in enumerate(node) if str(x) == str(bad)] if bad is not None else []
                hits.append((spec, (*path, at[0]) if at else path))
            elif isinstance(v, str) and not isinstance(node, dict | list) and str(node) == v and path:
                hits.append((spec, path))
    if len(hits) == 1 or (hits and isinstance(v, list)):
        spec, path = hits[0]
        return spec.doc.at(path)
    return None


def _reenrolment_site(ss: SpecSet, rng: SourceRange) -> SourceRange | None:
    """GTM513 (a workflow that re-enrols has no property filter to re-enrol on): at the first date
    leaf of the spec's ``when`` (its operator, the filter that cannot trigger), else at ``when``."""
    spec = _spec_at(ss, rng)
    if spec is None:
        return None
    for site, cond in ss.condition_sites(spec):
        if site != ("when",):
            continue
        for node, path in walk_paths(cond, site):
            if isinstance(node, Leaf) and node.op in DATE_OPS:
                return spec.doc.at((*path, node.op), key=True)
        return spec.doc.at(site, key=True)
    return None


def at_spec_leaves(diags: list[Diagnostic], ss: SpecSet) -> list[Diagnostic]:
    """Move a backend diagnostic about one leaf (``{property: X, op: value}``, e.g. a condition
    HubSpot cannot express in a list filter or a formula) from the resource's line to that leaf in the
    spec document the resource came from: the operator's value in the ``exit_when`` of a sequence,
    the ``when`` of a scoring rule.  Where the document holds the same leaf twice the first one is
    meant.  Leaves made by sugar expansion (``icp``, ``persona``) keep the resource's position.
    A re-enrolment that nothing can trigger (GTM513) goes to the date leaf of the spec's ``when``.
    The same defect reported for two resources (a score and the band that writes it in place) is
    one diagnostic."""
    out: list[Diagnostic] = []
    seen: set[tuple[str, str, str, int, int]] = set()
    for d in diags:
        m = _LEAF_IN_SUMMARY.search(d.summary)
        if d.code == "GTM513" and d.range is not None:
            d = replace(d, range=_reenrolment_site(ss, d.range) or d.range)
        elif m is not None and d.range is not None:
            found = (_leaf_ranges(ss, d.range, m.group(1), m.group(2), m.group(3))
                     or _sugar_range(ss, m.group(3), d.summary))
            if found is not None:
                d = replace(d, range=found)
        if d.range is not None:
            key = (d.code, d.summary, d.range.file, d.range.line, d.range.col)
            if key in seen:
                continue
            seen.add(key)
        out.append(d)
    return out
