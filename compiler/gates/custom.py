"""Custom gate checks from ``gtm.yaml``: the condition language over the spec model.

A check selects items with ``for_each`` (icp, persona, tier, pipeline, stage, rule, band, sla,
sequence, step, alert), keeps those matching ``where`` and requires ``require`` of each::

    - code: NW001
      phase: 1
      message: every persona names at least two pains
      for_each: persona
      require: {property: pains.count, gte: 2}

``property`` is a dotted attribute path into the item's model (``firmographics.employees.min``);
a ``.count`` suffix gives the length of a list.  Values follow :mod:`compiler.conditions.evaluate`:
a missing value or an empty list is *unknown* (only ``known: false`` holds on it); on a list,
``eq``/``in``/``contains`` hold when some element matches and ``ne``/``not_in``/``not_contains``
when none does.  A failing item is reported at its own source position.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any as AnyT

from pydantic import BaseModel

from compiler.conditions.ast import All, Any, Condition, Leaf, Not, leaves
from compiler.conditions.evaluate import eval_leaf
from compiler.conditions.parse import parse_condition
from compiler.diagnostics import Diagnostic, SourceRange, error
from compiler.gates.base import locate
from compiler.gates.report import CheckResult
from compiler.parse import suggest
from compiler.project import Project
from compiler.specset import SpecSet
from compiler.workspace import CustomCheck

INVALID = "GTM204"


@dataclass(frozen=True)
class Item:
    """One thing a custom check looks at: a label for messages, its model and its position."""

    label: str
    model: BaseModel
    range: SourceRange


class PathError(Exception):
    """A ``property`` path that names no attribute of the item (or a leaf custom checks cannot use)."""

    def __init__(self, message: str, rng: SourceRange | None = None) -> None:
        super().__init__(message)
        self.range = rng


def items(ss: SpecSet, for_each: str) -> Iterator[Item]:
    """The items ``for_each`` selects, in spec order."""
    if for_each == "persona":
        for s, i, p in ss.personas():
            yield Item(f'persona "{p.id}"', p, locate(s, ("personas", i, "id"), ("personas", i)))
    elif for_each == "tier":
        for s, i, t in ss.tiers():
            yield Item(f'tier "{t.id}"', t, locate(s, ("tiers", i, "id"), ("tiers", i)))
    elif for_each in _SPEC_KINDS:
        for s in ss.of(_SPEC_KINDS[for_each]):
            yield Item(f'{for_each} "{s.ident}"', s.model, locate(s, ("id",), ("kind",)))
    elif for_each in _NESTED:
        kind, attr = _NESTED[for_each]
        for s in ss.of(kind):
            owner = s.ident or kind
            for i, x in enumerate(getattr(s.model, attr)):
                ident = getattr(x, "id", None)
                label = f'{for_each} "{ident}"' if ident else f'{for_each} {i + 1} of "{owner}"'
                yield Item(label, x, locate(s, (attr, i, "id"), (attr, i)))


_SPEC_KINDS: dict[str, str] = {"icp": "ICP", "pipeline": "Pipeline", "sla": "SLA", "sequence": "Sequence",
                               "alert": "AlertRule"}
_NESTED: dict[str, tuple[str, str]] = {"stage": ("Pipeline", "stages"), "rule": ("LeadScoring", "rules"),
                                       "band": ("LeadScoring", "bands"), "step": ("Sequence", "steps")}


def resolve(model: BaseModel, path: str) -> AnyT:
    """The value at a dotted ``path`` (``.count`` = length); raises :class:`PathError` for bad names."""
    parts = path.split(".")
    count = len(parts) > 1 and parts[-1] == "count"
    if count:
        parts = parts[:-1]
    cur: AnyT = model
    for part in parts:
        if cur is None:
            break
        if isinstance(cur, BaseModel):
            fields = type(cur).model_fields
            if part not in fields:
                guess = suggest(part, list(fields))
                raise PathError(f'"{part}" is not an attribute of {type(cur).__name__}'
                                + (f'; did you mean "{guess}"?' if guess else
                                   f"; attributes: {', '.join(fields)}"))
            cur = getattr(cur, part)
        elif isinstance(cur, dict):
            cur = cur.get(part)
        elif isinstance(cur, list) and part.isdigit():
            cur = cur[int(part)] if int(part) < len(cur) else None
        else:
            raise PathError(f'cannot read "{part}" from a {type(cur).__name__} value')
    if count:
        return len(cur) if isinstance(cur, list | dict | str | tuple) else 0
    if isinstance(cur, BaseModel):
        raise PathError(f'"{path}" is a group of attributes, not a value; name one of its attributes')
    return cur


def _leaf_holds(leaf: Leaf, value: AnyT) -> bool:
    if isinstance(value, dict):
        value = list(value)
    if isinstance(value, list | tuple):
        elems = [v for v in value if v is not None]
        if not elems:
            return leaf.op == "known" and not leaf.value
        if leaf.op == "known":
            return bool(leaf.value)
        if leaf.op in ("ne", "not_in", "not_contains"):
            return all(eval_leaf(leaf, {leaf.property: v}) for v in elems)
        return any(eval_leaf(leaf, {leaf.property: v}) for v in elems)
    return eval_leaf(leaf, {leaf.property: value})


def holds(c: Condition, model: BaseModel) -> bool:
    """Evaluate a custom-check condition on one item's model."""
    if isinstance(c, Leaf):
        try:
            value = resolve(model, c.property)
        except PathError as e:
            raise PathError(str(e), c.range) from None
        return _leaf_holds(c, value)
    if isinstance(c, All):
        return all(holds(i, model) for i in c.items)
    if isinstance(c, Any):
        return any(holds(i, model) for i in c.items)
    if isinstance(c, Not):
        return not holds(c.item, model)
    raise PathError("custom checks take property leaves only (no icp, persona, tier or stage_days_over_max)",
                    getattr(c, "range", None))


def _show(v: AnyT) -> str:
    if isinstance(v, BaseModel):
        return type(v).__name__
    if isinstance(v, str):
        return f'"{v}"'
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return "unknown"
    return str(v)


def _observed(require: Condition, model: BaseModel) -> tuple[str, ...]:
    out: list[str] = []
    for leaf in leaves(require):
        line = f"{leaf.property} is {_show(resolve(model, leaf.property))}"
        if line not in out:
            out.append(line)
    return tuple(out)


def run_custom(project: Project, check: CustomCheck, index: int, builtin_codes: set[str]) -> CheckResult:
    """Run one custom check; a definition problem fails it with a GTM204 diagnostic."""
    doc = project.workspace_doc
    assert doc is not None
    here = doc.at(("checks", index, "code"))

    def broken(summary: str, rng: SourceRange | None = None) -> CheckResult:
        d = error(INVALID, f"custom check {check.code}: {summary}", rng or here)
        return CheckResult(check.code, check.phase, check.message, False, (d,), custom=True)

    if check.code in builtin_codes:
        return broken("the code is taken by a built-in gate check; choose another")
    raw = doc.data["checks"][index]
    where, wd = parse_condition(raw["where"], doc, ("checks", index, "where")) if check.where is not None \
        else (None, [])
    require, rd = parse_condition(raw["require"], doc, ("checks", index, "require"))
    if wd or rd or require is None:
        return broken("its condition is invalid (see the spec errors)")
    diags: list[Diagnostic] = []
    try:
        for item in items(project.specs, check.for_each):
            if where is not None and not holds(where, item.model):
                continue
            if holds(require, item.model):
                continue
            notes = (*_observed(require, item.model), f"check {check.code} is defined at {here}")
            diags.append(error(check.code, f"{item.label}: {check.message}", item.range,
                               notes=notes, hint=check.hint))
    except PathError as e:
        return broken(str(e), e.range or doc.at(("checks", index, "require")))
    return CheckResult(check.code, check.phase, check.message, not diags, tuple(diags), custom=True)


def run_custom_checks(project: Project, phases: tuple[int, ...],
                      builtin_codes: set[str]) -> list[CheckResult]:
    ws = project.workspace
    if ws is None or project.workspace_doc is None:
        return []
    return [run_custom(project, c, i, builtin_codes) for i, c in enumerate(ws.checks) if c.phase in phases]
