"""The C-backed YAML 1.2 loader gives the same values as ruamel.yaml's 1.2 safe loader."""

from __future__ import annotations

import datetime as _dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from compiler.source import load_text

SCALARS = [
    "017", "0o17", "1_000", "0x1F", "0b11", "1e3", ".5", "+.inf", "-.inf", ".NaN", "-.nan", "1.", "1_0.5", "-0",
    "0.1e5", "1E5", "yes", "no", "on", "off", "y", "n", "~", "null", "Null", "NULL", "true", "True", "FALSE",
    "2024-01-02", "2024-1-2 10:00:00", "2024-01-02T10:00:00Z", "2024-01-02 10:00:00.5 +02:00", "1:30", "0755",
    "'quoted 12'", '"12"', "!!str 12", '!!int "12"', "!!float 1", "!!binary aGVsbG8=", "<<x", "+12", "-12",
    "12h", "48h", "3d", "v1.2", ".", "+", "0x", "0b", "1e", "abc", "",
]


def _ruamel(text: str) -> Any:
    v = YAML(typ="safe", pure=True).load(text)
    return _plain(v)


def _plain(v: Any) -> Any:
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_plain(x) for x in v]
    if isinstance(v, _dt.datetime | _dt.date):
        return v.isoformat()
    if isinstance(v, bytes):
        return v.decode("utf-8", errors="replace")
    return v


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and a != a and b != b:
        return True
    return type(a) is type(b) and a == b


@pytest.mark.parametrize("scalar", SCALARS)
def test_scalars_resolve_as_yaml_1_2(scalar: str) -> None:
    text = f"v: {scalar}\n"
    r = load_text(text, "f.yaml")
    assert not r.diagnostics, r.diagnostics
    assert _same(r.documents[0].data["v"], _ruamel(text)["v"]), scalar


_plain_scalar = st.text(alphabet="0123456789+-._:eEoxbTtZ~nul aAfFsS", min_size=1, max_size=12).filter(
    lambda s: s.strip() == s and not s.startswith(("-", ":", "?", "~ ")) and ": " not in s and " #" not in s
    and not s.endswith(":")
)


@settings(max_examples=300, deadline=None)
@given(_plain_scalar)
def test_generated_scalars_agree_with_ruamel(scalar: str) -> None:
    text = f"v: {scalar}\n"
    try:
        want = _ruamel(text)
    except Exception:
        return  # ruamel refuses it; the loader must still not raise
    finally:
        got = load_text(text, "f.yaml")
    if got.diagnostics:
        return
    assert _same(got.documents[0].data["v"], want["v"]), scalar


def test_positions_survive_merge_keys_and_aliases() -> None:
    text = "base: &b {property: x, eq: 1}\nuse:\n  <<: *b\n  eq: 2\nlist: [*b]\n"
    r = load_text(text, "f.yaml")
    d = r.documents[0]
    assert d.data["use"] == {"property": "x", "eq": 2}
    assert (d.keys[("use", "eq")].line, d.keys[("use", "eq")].col) == (4, 3)
    assert d.values[("use", "property")].line == 1  # merged from the anchor
    assert d.values[("list", 0)].line == 1
    assert ("use", "missing") not in d.values
