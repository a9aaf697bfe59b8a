"""Property-based fuzzing of the loader, the parser and the checks: no exception escapes, and every
diagnostic points inside the file it names."""

from __future__ import annotations

import json
import string
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compiler.checks import run_checks
from compiler.conditions.parse import parse_condition
from compiler.models import KINDS
from compiler.parse import parse_document
from compiler.source import load_file
from compiler.specset import SpecSet, condition_paths

EXAMPLE = (Path(__file__).resolve().parents[2] / "specs").glob("*.yaml")
SEEDS = [p.read_text() for p in sorted(EXAMPLE)]

EXTRA_CHARS = ["\t", "&", "*", "!", "|", ">", "-", ":", "{", "}", "[", "]", "#", "'", '"', "é", "\x00", "\ufeff"]
yaml_chars = st.sampled_from([*string.printable, *EXTRA_CHARS])
scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=False),
                    st.text(max_size=12))
json_like = st.recursive(scalars, lambda children: st.one_of(
    st.lists(children, max_size=4), st.dictionaries(st.text(max_size=8), children, max_size=4)), max_leaves=20)
keys = st.sampled_from(["kind", "id", "personas", "tiers", "stages", "rules", "bands", "when", "all", "any", "not",
                        "property", "eq", "in", "between", "known", "icp", "persona", "tier", "steps", "after",
                        "respond_within", "on_breach", "params", "label", "probability", "min", "max", "x"])
spec_like = st.recursive(
    scalars,
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(keys, children, max_size=5)),
    max_leaves=25,
)


TMP = Path(tempfile.mkdtemp(prefix="gtm-fuzz-"))


def _check(text: str, name: str = "f.yaml") -> None:
    """Through the same path users hit: bytes in a file, the byte checks, then YAML."""
    path = TMP / name
    path.write_bytes(text.encode("utf-8", errors="surrogatepass"))
    res = load_file(path, name)
    lines = text.count("\n") + text.count("\r") + 1
    for d in res.diagnostics:
        assert d.range is not None and d.range.file == name
        assert 1 <= d.range.line <= lines + 1
    ss = SpecSet()
    for doc in res.documents:
        spec, diags = parse_document(doc)
        for d in diags:
            assert d.code.startswith("GTM")
        if spec is not None:
            ss.specs.append(spec)
            for path, raw in condition_paths(spec):
                cond, _ = parse_condition(raw, doc, path)
                if cond is not None:
                    ss.conditions[(doc.file, doc.index, path)] = cond
    problems = run_checks(ss)
    if not any(d.is_error for d in problems) and not any(d.is_error for d in res.diagnostics):
        from compiler.lowering import lower

        lower(ss)  # a tree that checks clean always lowers


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(yaml_chars, max_size=300))
def test_random_text_never_raises(text: str) -> None:
    _check(text)


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(SEEDS), st.integers(0, 10_000), st.integers(1, 20), st.text(yaml_chars, max_size=20))
def test_mutated_example_specs_never_raise(seed: str, pos: int, cut: int, insert: str) -> None:
    i = pos % (len(seed) + 1)
    _check(seed[:i] + insert + seed[i + cut:])


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(list(KINDS)), spec_like)
def test_random_documents_of_every_kind_never_raise(kind: str, body: object) -> None:
    doc = {"kind": kind, **body} if isinstance(body, dict) else {"kind": kind, "x": body}
    import json

    _check(json.dumps(doc))


# gtm.yaml: environments, ownership markers, mappings, portal extras, custom checks of any shape are
# diagnostics (GTM2xx), never an exception
ws_keys = st.sampled_from(["version", "name", "specs", "environments", "default_environment", "ownership",
                           "impact_limits", "checks", "portal", "provider", "token_env", "base_url", "path",
                           "mappings", "owners", "emails", "label_prefix", "prefix", "adopt", "timeout_s",
                           "deadline_s", "lock_wait_s", "max_concurrency", "local", "sandbox", "../x", "x"])
ws_like = st.recursive(scalars, lambda c: st.one_of(st.lists(c, max_size=4), st.dictionaries(ws_keys, c, max_size=5)),
                       max_leaves=30)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(ws_keys, ws_like, max_size=6))
def test_random_workspace_files_never_raise(body: dict[str, object]) -> None:
    from compiler.project import load_workspace

    root = TMP / "ws"
    root.mkdir(exist_ok=True)
    (root / "gtm.yaml").write_text(json.dumps({"version": 1, "name": "fuzz", **body}))
    ws, _doc, diags = load_workspace(root)
    assert ws is not None or any(d.is_error for d in diags)
    assert all(d.code.startswith("GTM") for d in diags)
