"""Issue 10's "done when", checked on every golden and fixture tree on both providers.

* no line of any plan format ends in "…" or holds a JSON blob (a condition, an action list, a
  formula): text and Markdown lines carry no JSON object or key, JSON plans no string that is
  JSON or a HubSpot formula;
* ``gtm show`` of the saved plan prints byte-for-byte what ``plan`` printed, in every format;
* ``gtm validate`` and ``gtm plan`` answer the same from a subdirectory of the workspace.

The trees: the golden plan trees (``tests/golden/trees``: a fresh plan, and an update plan after
applying ``before/``), the example after the update edits of the golden update plans, and every
fixture tree of plan-time diagnostics (``tests/fixtures/leaf_diagnostics``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from providers.hubspot.emulator.server import EmulatorServer
from tests.conftest import REPO, gtm
from tests.hubspot.conftest import TOKEN, TOKEN_ENV, write_workspace
from tests.views.test_update_goldens import _edit

TREES = REPO / "tests" / "golden" / "trees"
LEAF_FIXTURES = REPO / "tests" / "fixtures" / "leaf_diagnostics"
GOLDENS = [*sorted((REPO / "tests" / "views" / "golden").rglob("update.*")),
           *sorted(TREES.glob("*/expected/plan.*"))]
FORMATS = ("text", "markdown", "json", "github")
JSON_IN_LINE = re.compile(r'\{"|\[\{|"[A-Za-z_]+":\s')
BLOB_KEYS = frozenset({"formula", "calculationFormula", "filterBranch", "listFilterBranch", "filterBranches",
                       "goalFilterBranch", "enrollmentCriteria"})


def _text_problems(text: str) -> list[str]:
    return [ln for ln in text.splitlines() if ln.rstrip().endswith("…") or JSON_IN_LINE.search(ln)]


def _json_problems(v: Any, path: str = "") -> Iterator[str]:
    if isinstance(v, dict):
        for k, x in v.items():
            if k in BLOB_KEYS:
                yield f"{path}.{k}: a HubSpot blob"
            yield from _json_problems(x, f"{path}.{k}")
    elif isinstance(v, list):
        for i, x in enumerate(v):
            yield from _json_problems(x, f"{path}[{i}]")
    elif isinstance(v, str):
        if v.rstrip().endswith("…"):
            yield f"{path}: cut short: {v[-40:]!r}"
        if v[:1] in "{[":
            try:
                json.loads(v)
            except ValueError:
                pass
            else:
                yield f"{path}: JSON in a string: {v[:60]!r}"


def _problems(text: str, fmt: str) -> list[str]:
    return list(_json_problems(json.loads(text))) if fmt == "json" else _text_problems(text)


@pytest.mark.parametrize("golden", GOLDENS, ids=lambda p: str(p.relative_to(REPO)))
def test_no_golden_plan_line_is_cut_or_json(golden: Path) -> None:
    fmt = "json" if golden.suffix == ".json" else "text"
    assert _problems(golden.read_text(encoding="utf-8"), fmt) == []


def _trees() -> list[str]:
    return [*(f"golden/{p.name}" for p in sorted(TREES.iterdir()) if p.is_dir()), "update-edits",
            *(f"leaf/{p.name}" for p in sorted(LEAF_FIXTURES.iterdir()) if p.is_dir())]


def _specs(tree: str, ws: Path) -> None:
    """Put the tree's specs in ``ws/specs`` (after applying its ``before/``, for an update tree)."""
    kind, _, name = tree.partition("/")
    target = ws / "specs"
    if target.exists():
        shutil.rmtree(target)
    if kind == "golden" and not (TREES / name / "use-example").exists():
        if (TREES / name / "before").exists():
            shutil.copytree(TREES / name / "before", target)
            assert gtm("apply", "--auto-approve").exit_code == 0
            shutil.rmtree(target)
        shutil.copytree(TREES / name / "specs", target)
        return
    shutil.copytree(REPO / "specs", target)
    if tree == "update-edits":
        assert gtm("apply", "--auto-approve").exit_code == 0
        _edit(ws)
    elif kind == "leaf":
        for f in (LEAF_FIXTURES / name / "specs").iterdir():
            shutil.copy(f, target / f.name)


def _check(ws: Path) -> None:
    problems: dict[str, list[str]] = {}
    for fmt in FORMATS:
        planned = gtm("plan", "--format", fmt, "--out", "saved.plan")
        problems[fmt] = _problems(planned.stdout, fmt)
        if not (ws / "saved.plan").exists():  # a plan with errors is not saved
            assert planned.exit_code == 1, planned.output
            continue
        shown = gtm("show", "saved.plan", "--format", fmt)
        assert shown.exit_code == 0, shown.output
        assert shown.stdout == planned.stdout, fmt
        os.remove(ws / "saved.plan")
    assert problems == {fmt: [] for fmt in FORMATS}
    # from a subdirectory: the same answers (file names are relative to where gtm runs, as git's are)
    top = [_resolved(gtm(cmd, "--format", "json"), ws) for cmd in ("validate", "plan")]
    os.chdir(ws / "specs")
    try:
        below = [_resolved(gtm(cmd, "--format", "json"), ws / "specs") for cmd in ("validate", "plan")]
    finally:
        os.chdir(ws)
    assert below == top


def _resolved(r: Any, cwd: Path) -> tuple[int, Any]:
    """A JSON answer with every ``file`` made absolute (it is relative to the directory gtm ran in)."""
    def walk(v: Any) -> Any:
        if isinstance(v, dict):
            return {k: str((cwd / x).resolve()) if k == "file" and isinstance(x, str) else walk(x)
                    for k, x in v.items()}
        if isinstance(v, list):
            return [walk(x) for x in v]
        return v
    return r.exit_code, walk(json.loads(r.stdout))


@pytest.mark.parametrize("provider", ["local", "emulator"])
@pytest.mark.parametrize("tree", _trees())
def test_plans_of_every_tree_are_whole_and_show_reprints_them(tree: str, provider: str, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    ws = tmp_path / "ws"
    if provider == "local":
        ws.mkdir()
        gtm_yaml = TREES / tree.partition("/")[2] / "gtm.yaml"
        shutil.copy(gtm_yaml if gtm_yaml.exists() else REPO / "gtm.yaml", ws / "gtm.yaml")
        monkeypatch.chdir(ws)
        _specs(tree, ws)
        _check(ws)
        return
    with EmulatorServer(token=TOKEN, seed=True) as emu:
        write_workspace(ws, emu.base_url)
        monkeypatch.setenv(TOKEN_ENV, TOKEN)
        monkeypatch.chdir(ws)
        _specs(tree, ws)
        _check(ws)

