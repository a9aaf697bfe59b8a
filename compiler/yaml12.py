"""YAML 1.2 on libyaml: one C pass composes a file into nodes, and plain scalars resolve as YAML 1.2.

PyYAML's C parser (``yaml._yaml.CParser``) scans, parses and composes in C, but its default
resolver speaks YAML 1.1 (``yes``/``no``/``on`` are booleans, ``0755`` is octal, ``1:30`` is
sexagesimal).  Specs are YAML 1.2, so this module gives the parser a 1.2 resolver and builds
Python values from scalar nodes itself, with the same results the ruamel.yaml 1.2 safe loader
gives (``tests/compiler/test_yaml12.py`` checks the two agree).  Values are plain: ``str``,
``int``, ``float``, ``bool``, ``None``; timestamps become ISO strings.
"""

from __future__ import annotations

import base64
import binascii
import datetime as _dt
import re
from typing import Any

from yaml import YAMLError
from yaml._yaml import CParser
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

TAG = "tag:yaml.org,2002:"
STR, INT, FLOAT, BOOL, NULL = TAG + "str", TAG + "int", TAG + "float", TAG + "bool", TAG + "null"
TIMESTAMP, MERGE, MAP, SEQ, BINARY = TAG + "timestamp", TAG + "merge", TAG + "map", TAG + "seq", TAG + "binary"

_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_NULL = frozenset({"", "~", "null", "Null", "NULL"})
_INT = re.compile(r"[-+]?(?:0b[01_]+|0o?[0-7_]+|[0-9_]+|0x[0-9a-fA-F_]+)")
_FLOAT = re.compile(
    r"[-+]?(?:[0-9][0-9_]*\.[0-9_]*(?:[eE][-+]?[0-9]+)?"
    r"|[0-9][0-9_]*[eE][-+]?[0-9]+"
    r"|\.[0-9_]+(?:[eE][-+][0-9]+)?"
    r"|\.(?:inf|Inf|INF))"
    r"|\.(?:nan|NaN|NAN)"
)
_TIMESTAMP = re.compile(
    r"(?P<y>[0-9]{4})-(?P<m>[0-9]{1,2})-(?P<d>[0-9]{1,2})"
    r"(?:(?:[Tt]|[ \t]+)(?P<H>[0-9]{1,2}):(?P<M>[0-9]{2}):(?P<S>[0-9]{2})(?:\.(?P<f>[0-9]*))?"
    r"(?:[ \t]*(?P<tz>Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)?"
)
_DATE_ONLY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# Characters a plain scalar must start with to be anything but a string (cheap first filter).
_NON_STR_START = frozenset("0123456789+-.~nNtTfF<")


class ValueError12(ValueError):
    """A scalar whose explicit or resolved tag cannot be built (bad ``!!int``, unknown ``!tag``)."""


def resolve_plain(value: str) -> str:
    """The YAML 1.2 tag of a plain (unquoted) scalar."""
    if not value or value in _NULL:
        return NULL
    if value[0] not in _NON_STR_START:
        return STR
    if value in _BOOL:
        return BOOL
    if value == "<<":
        return MERGE
    if _INT.fullmatch(value):
        return INT
    if _FLOAT.fullmatch(value):
        return FLOAT
    if value[0].isdigit() and _TIMESTAMP.fullmatch(value):
        return TIMESTAMP
    return STR


_RESOLVED: dict[str, str] = {}


class Composer(CParser):
    """libyaml's C composer with YAML 1.2 implicit resolution."""

    # The composer calls these two for every node; path-based resolvers are not used, so they are
    # builtins that take the same arguments and do nothing of note (no Python frame per node).
    descend_resolver = slice  # called as descend_resolver(parent, index)
    ascend_resolver = tuple  # called as ascend_resolver()

    def resolve(self, kind: type, value: str | None, implicit: tuple[bool, bool]) -> str:
        if kind is ScalarNode:
            if implicit[0] and value is not None:
                tag = _RESOLVED.get(value)
                if tag is None:
                    tag = resolve_plain(value)
                    if len(_RESOLVED) < 65536:
                        _RESOLVED[value] = tag
                return tag
            return STR
        if kind is SequenceNode:
            return SEQ
        return MAP


def _int(text: str) -> int:
    s = text.replace("_", "")
    sign = -1 if s.startswith("-") else 1
    s = s.lstrip("+-")
    if s.startswith("0b"):
        return sign * int(s[2:], 2)
    if s.startswith("0x"):
        return sign * int(s[2:], 16)
    if s.startswith("0o"):
        return sign * int(s[2:], 8)
    return sign * int(s)


def _float(text: str) -> float:
    s = text.replace("_", "").lower()
    if s.endswith(".inf"):
        return float("-inf") if s.startswith("-") else float("inf")
    if s.endswith(".nan"):
        return float("nan")
    return float(s)


def _timestamp(text: str) -> str:
    m = _TIMESTAMP.fullmatch(text.strip())
    if m is None:
        raise ValueError12(f"invalid timestamp {text!r}")
    y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
    if m["H"] is None:
        return _dt.date(y, mo, d).isoformat()
    frac = (m["f"] or "")[:6].ljust(6, "0")
    tz: _dt.tzinfo | None = None
    if m["tz"]:
        if m["tz"] == "Z":
            tz = _dt.UTC
        else:
            sign = -1 if m["tz"][0] == "-" else 1
            hh, _, mm = m["tz"][1:].partition(":")
            tz = _dt.timezone(sign * _dt.timedelta(hours=int(hh), minutes=int(mm or 0)))
    stamp = _dt.datetime(y, mo, d, int(m["H"]), int(m["M"]), int(m["S"]), int(frac), tzinfo=tz)
    return stamp.isoformat()


def scalar_value(node: ScalarNode) -> Any:
    """The plain Python value of a scalar node, by its (resolved or explicit) tag."""
    tag, text = node.tag, node.value
    if tag == STR:
        return text
    if tag == NULL:
        return None
    try:
        if tag == BOOL:
            if text not in _BOOL:
                raise ValueError12(f"invalid boolean {text!r}")
            return _BOOL[text]
        if tag == INT:
            return _int(text)
        if tag == FLOAT:
            return _float(text)
        if tag == TIMESTAMP:
            return _timestamp(text)
        if tag == BINARY:
            return base64.b64decode(text.encode("ascii"), validate=False).decode("utf-8", errors="replace")
    except (ValueError, binascii.Error, UnicodeEncodeError) as e:
        if isinstance(e, ValueError12):
            raise
        raise ValueError12(f"{e}") from e
    if tag == MERGE:
        return text
    raise ValueError12(f"could not determine a constructor for the tag {tag!r}")


def compose_all(text: str) -> list[Node | None]:
    """Every document's root node, composed in one C pass.  Raises ``yaml.YAMLError``."""
    parser = Composer(text)
    roots: list[Node | None] = []
    try:
        while parser.check_node():
            roots.append(parser.get_node())
    finally:
        parser.dispose()
    return roots


__all__ = ["Composer", "MappingNode", "Node", "ScalarNode", "SequenceNode", "ValueError12", "YAMLError",
           "compose_all", "resolve_plain", "scalar_value"]
