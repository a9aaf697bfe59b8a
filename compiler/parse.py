"""Documents to typed spec models, with pydantic errors mapped back to source positions."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from compiler.diagnostics import Diagnostic, SourceRange, error
from compiler.models import KINDS
from compiler.source import Document, Path_

_TYPE_CODES: dict[str, str] = {
    "extra_forbidden": "GTM101",
    "missing": "GTM102",
    "gtm_slug": "GTM105",
    "gtm_duration": "GTM106",
    "gtm_regex": "GTM107",
    "gtm_condition": "GTM108",
}
_VALUE_TYPES = (
    "literal_error", "enum", "greater_than", "greater_than_equal", "less_than", "less_than_equal",
    "too_short", "too_long", "string_pattern_mismatch", "string_too_short", "string_too_long",
    "gtm_one_of", "union_tag_invalid", "union_tag_not_found", "value_error", "multiple_of",
    "finite_number",
)


@dataclass(frozen=True)
class Spec:
    """A parsed spec document: its kind, typed model and the document it came from."""

    kind: str
    model: Any
    doc: Document

    def at(self, *path: str | int, key: bool = False) -> SourceRange:
        return self.doc.at(path, key=key)

    @property
    def ident(self) -> str | None:
        v = getattr(self.model, "id", None)
        return v if isinstance(v, str) else None


def suggest(word: str, choices: list[str] | tuple[str, ...] | Any) -> str | None:
    m = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return m[0] if m else None


def data_path(data: Any, loc: tuple[Any, ...]) -> Path_:
    """Follow a pydantic ``loc`` through the data, dropping union tags and other synthetic steps."""
    out: list[str | int] = []
    cur = data
    for step in loc:
        in_dict = isinstance(cur, dict) and step in cur
        in_list = isinstance(cur, list) and isinstance(step, int) and 0 <= step < len(cur)
        if in_dict or in_list:
            out.append(step)
            cur = cur[step]
        elif isinstance(cur, dict) and isinstance(step, str) and "[" not in step and step not in cur:
            # a missing key or a union tag: keep a missing key as the last element only
            if step == loc[-1]:
                out.append(step)
            continue
    return tuple(out)


def format_path(path: Path_) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "document"


def _describe_type(v: Any) -> str:
    if v is None:
        return "null"
    return {bool: "boolean", int: "integer", float: "number", str: "string", list: "list", dict: "mapping"}.get(
        type(v), type(v).__name__)


def validation_diagnostics(doc: Document, data: Any, exc: ValidationError, model: type[BaseModel],
                           prefix: Path_ = ()) -> list[Diagnostic]:
    """Map each pydantic error to one diagnostic with a stable code and a precise range."""
    out: list[Diagnostic] = []
    seen: set[tuple[Path_, str]] = set()
    for err in exc.errors(include_url=False):
        etype = err["type"]
        loc = tuple(err["loc"])
        path = data_path(data, loc)
        full = (*prefix, *path)
        code = _TYPE_CODES.get(etype)
        if code is None:
            code = "GTM104" if etype in _VALUE_TYPES else "GTM103"
        if (full, code) in seen:
            continue
        seen.add((full, code))
        if etype == "extra_forbidden":
            key = path[-1] if path else "?"
            parent = _get(data, path[:-1])
            allowed = _allowed_keys(model, data, path[:-1])
            hint = None
            if allowed:
                s = suggest(str(key), allowed)
                hint = f'did you mean "{s}"?' if s else "allowed keys: " + ", ".join(sorted(allowed))
            del parent
            out.append(error(code, f'unknown key "{key}"', doc.at(full, key=True), hint=hint))
        elif etype == "missing":
            key = path[-1] if path else loc[-1]
            rng = doc.at(full[:-1]) if full else doc.at(())
            out.append(error(code, f'missing required key "{key}"', rng))
        elif code == "GTM103":
            where = format_path(path)
            got = _describe_type(err.get("input"))
            out.append(error(code, f"{where}: {_clean(err['msg'])} (got {got})", doc.at(full)))
        else:
            where = format_path(path)
            out.append(error(code, f"{where}: {_clean(err['msg'])}", doc.at(full)))
    return out


def _clean(msg: str) -> str:
    msg = msg.replace("Input should be", "expected").replace("Value error, ", "")
    return msg[0].lower() + msg[1:] if msg else msg


def _get(data: Any, path: Path_) -> Any:
    cur = data
    for p in path:
        try:
            cur = cur[p]
        except (KeyError, IndexError, TypeError):
            return None
    return cur


def _allowed_keys(model: type[BaseModel], data: Any, path: Path_) -> list[str]:
    """The field names of the (sub)model at ``path`` (best effort, for did-you-mean)."""
    cur: Any = model
    for p in path:
        if isinstance(p, int):
            continue
        if not (isinstance(cur, type) and issubclass(cur, BaseModel)):
            return []
        field = cur.model_fields.get(str(p))
        if field is None:
            return []
        cur = _inner_model(field.annotation)
        if cur is None:
            return []
    if isinstance(cur, type) and issubclass(cur, BaseModel):
        return list(cur.model_fields)
    return []


def _inner_model(ann: Any) -> Any:
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return ann
    for a in getattr(ann, "__args__", ()) or ():
        m = _inner_model(a)
        if m is not None:
            return m
    return None


def parse_document(doc: Document) -> tuple[Spec | None, list[Diagnostic]]:
    data = doc.data
    if not isinstance(data, dict):
        return None, [error("GTM010", f"a spec document must be a mapping with a kind (got {_describe_type(data)})",
                            doc.at(()))]
    kind = data.get("kind")
    if kind is None:
        return None, [error("GTM011", "document has no kind", doc.at(()),
                            hint="add `kind:` with one of " + ", ".join(KINDS))]
    if not isinstance(kind, str) or kind not in KINDS:
        from compiler.checks.follow_on import canonical_kind

        s = canonical_kind(str(kind), list(KINDS))
        return None, [error("GTM012", f'unknown kind "{kind}"', doc.at(("kind",)),
                            hint=f'did you mean "{s}"?' if s else "known kinds: " + ", ".join(KINDS))]
    model = KINDS[kind]
    try:
        return Spec(kind, model.model_validate(data), doc), []
    except ValidationError as e:
        return None, validation_diagnostics(doc, data, e, model)
