"""Loader: positions for keys and values, multi-document files, hostile input as diagnostics."""

from __future__ import annotations

from pathlib import Path

import pytest

from compiler.source import MAX_DEPTH, load_file, load_text


def test_positions_of_keys_and_values() -> None:
    r = load_text("kind: ICP\nid: x\nlist: [a, bb]\nm:\n  k: 1\n", "f.yaml")
    assert not r.diagnostics
    d = r.documents[0]
    assert d.data == {"kind": "ICP", "id": "x", "list": ["a", "bb"], "m": {"k": 1}}
    assert (d.values[("id",)].line, d.values[("id",)].col) == (2, 5)
    assert (d.keys[("m", "k")].line, d.keys[("m", "k")].col) == (5, 3)
    assert (d.values[("list", 1)].line, d.values[("list", 1)].col, d.values[("list", 1)].end_col) == (3, 11, 13)


def test_multi_document_files_keep_their_own_positions() -> None:
    r = load_text("kind: A\n---\nkind: B\nid: y\n", "f.yaml")
    assert [d.data["kind"] for d in r.documents] == ["A", "B"]
    assert r.documents[1].values[("id",)].line == 4


@pytest.mark.parametrize(
    ("text", "code", "line"),
    [
        ("a: 1\na: 2\n", "GTM002", 2),
        ("a: [1, 2\nb: 3\n", "GTM001", 2),
        ("a:\n  b: 1\n c: 2\n", "GTM001", 3),
        ("", "GTM007", 1),
        ("# only a comment\n", "GTM007", 1),
        ("[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5), "GTM006", 1),
    ],
)
def test_bad_yaml_becomes_a_diagnostic(text: str, code: str, line: int) -> None:
    r = load_text(text, "f.yaml")
    assert [d.code for d in r.diagnostics] == [code]
    assert r.diagnostics[0].range is not None and r.diagnostics[0].range.line == line


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 12):
        refs = ", ".join([f"*a{i - 1}"] * 10)
        lines.append(f"a{i}: &a{i} [{refs}]")
    r = load_text("\n".join(lines) + "\n", "bomb.yaml")
    assert [d.code for d in r.diagnostics] == ["GTM005"]


def test_small_aliases_are_fine() -> None:
    r = load_text("base: &b {property: x, eq: 1}\nuse: *b\n", "f.yaml")
    assert not r.diagnostics and r.documents[0].data["use"] == {"property": "x", "eq": 1}


@pytest.mark.parametrize(
    ("raw", "code", "line", "col"),
    [
        (b"kind: ICP\nid: caf\xe9\n", "GTM004", 2, 8),
        (b"kind: ICP\n\x00\x01\x02", "GTM009", 2, 1),
        (b"kind: ICP\nbad: \x07\n", "GTM009", 2, 6),
        (b"kind: ICP\nm:\n\tk: 1\n", "GTM003", 3, 1),
        ("kind: ICP\n".encode("utf-16"), "GTM004", 1, 1),
    ],
)
def test_bad_bytes(tmp_path: Path, raw: bytes, code: str, line: int, col: int) -> None:
    p = tmp_path / "x.yaml"
    p.write_bytes(raw)
    r = load_file(p, "x.yaml")
    assert [d.code for d in r.diagnostics] == [code]
    rng = r.diagnostics[0].range
    assert rng is not None and (rng.line, rng.col) == (line, col)


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    p = tmp_path / "x.yaml"
    p.write_bytes(b"\xef\xbb\xbfkind: ICP\n")
    r = load_file(p, "x.yaml")
    assert not r.diagnostics and r.documents[0].data == {"kind": "ICP"}


def test_huge_file_is_refused_without_reading(tmp_path: Path) -> None:
    p = tmp_path / "big.yaml"
    with p.open("wb") as f:
        f.truncate(6 * 1024 * 1024)
    r = load_file(p, "big.yaml")
    assert [d.code for d in r.diagnostics] == ["GTM008"]
