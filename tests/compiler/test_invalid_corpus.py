"""The bad-input corpus: every fixture exits 1 with the stated code at the stated file:line.

Expectations live in the fixtures (``# expect: CODE`` on the offending line, or ``expect.txt``),
so adding a case is adding a directory (see tests/fixtures/make_invalid.py).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import gtm

CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "invalid"
EXPECT_RE = re.compile(rb"#\s*expect:\s*(GTM\d{3})")


def expectations(case: Path) -> list[tuple[str, int, str]]:
    out: list[tuple[str, int, str]] = []
    exp = case / "expect.txt"
    if exp.exists():
        for line in exp.read_text().splitlines():
            loc, code = line.split()
            f, ln = loc.rsplit(":", 1)
            out.append((f, int(ln), code))
    for p in sorted(case.rglob("*.yaml")):
        for i, raw in enumerate(p.read_bytes().split(b"\n"), start=1):
            for m in EXPECT_RE.finditer(raw):
                out.append((str(p.relative_to(case)), i, m.group(1).decode()))
    return out


CASES = sorted(p for p in CORPUS.iterdir() if p.is_dir())


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 40
    assert all(expectations(c) for c in CASES), "every fixture states what it expects"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_invalid_fixture(case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(case)
    want = expectations(case)
    r = gtm("validate")
    assert r.exit_code == 1, r.output
    assert "Traceback" not in r.output
    for f, line, code in want:
        assert re.search(rf"^{re.escape(f)}:{line}:\d+: error\[{code}\]", r.stderr, re.M), (
            f"expected {f}:{line} {code} in:\n{r.stderr}")
    j = gtm("validate", "--format", "json")
    assert j.exit_code == 1
    payload = json.loads(j.stdout)
    assert payload["valid"] is False
    got = {(d["range"]["file"], d["range"]["line"], d["code"]) for d in payload["diagnostics"] if "range" in d}
    for f, line, code in want:
        assert (f, line, code) in got
