"""Golden plan outputs (text and JSON) for several spec trees against a fresh local provider.

Each tree under ``tests/golden/trees/<name>/`` holds ``specs/`` (or uses the repo's example when
it has a ``use-example`` marker), optionally ``before/`` (applied first, to plan updates and
deletes), and ``expected/plan.txt`` / ``expected/plan.json``.  Regenerate with
``GTM_UPDATE_GOLDEN=1``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import REPO, check_golden, gtm

TREES = Path(__file__).parent / "trees"
WS = "version: 1\nname: golden\n"


def _prepare(tree: Path, ws: Path) -> None:
    ws.mkdir()
    if (tree / "use-example").exists():
        shutil.copy(REPO / "gtm.yaml", ws / "gtm.yaml")
        shutil.copytree(REPO / "specs", ws / "specs")
    else:
        (ws / "gtm.yaml").write_text((tree / "gtm.yaml").read_text() if (tree / "gtm.yaml").exists() else WS)
        shutil.copytree(tree / "specs", ws / "specs")


@pytest.mark.parametrize("name", sorted(p.name for p in TREES.iterdir() if p.is_dir()))
def test_golden_plan(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tree = TREES / name
    ws = tmp_path / "ws"
    _prepare(tree, ws)
    monkeypatch.chdir(ws)
    if (tree / "before").exists():
        shutil.rmtree(ws / "specs")
        shutil.copytree(tree / "before", ws / "specs")
        r = gtm("apply", "--auto-approve")
        assert r.exit_code == 0, r.output
        shutil.rmtree(ws / "specs")
        shutil.copytree(tree / "specs", ws / "specs")
    text = gtm("plan", "--detailed-exitcode")
    assert text.exit_code == 2, text.output
    check_golden(tree / "expected" / "plan.txt", text.stdout)
    js = gtm("plan", "--format", "json")
    assert js.exit_code == 0, js.output
    payload = json.loads(js.stdout)
    assert payload["format_version"] == "1.1"
    check_golden(tree / "expected" / "plan.json", js.stdout)
    # applying converges: a second plan is empty
    r = gtm("apply", "--auto-approve", "--allow-destroy")
    assert r.exit_code == 0, r.output
    again = gtm("plan", "--detailed-exitcode")
    assert again.exit_code == 0, again.output
    assert "No changes." in again.stdout
