"""Plan-time diagnostics at the exact leaf: one fixture spec tree per reproduction.

Each directory under ``tests/fixtures/leaf_diagnostics/`` holds the spec files that differ from
the example specs (``specs/``) and a ``case.yaml``: the providers to plan on and the errors
expected, each as ``code``, ``at`` (``file:line:col``), the text found there (``token``) and a
piece of the hint (a did-you-mean where a name is close).  The plan must report exactly those
errors (one per defect), on every provider listed; ``warnings``, when given, are checked the same
way among the warnings of the codes they name.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from providers.hubspot.emulator.server import EmulatorServer
from tests.conftest import REPO, gtm
from tests.hubspot.conftest import TOKEN, TOKEN_ENV, write_workspace

CASES = Path(__file__).parent.parent / "fixtures" / "leaf_diagnostics"
PARAMS = [(case.name, provider) for case in sorted(CASES.iterdir())
          for provider in yaml.safe_load((case / "case.yaml").read_text())["providers"]]


def _errors(ws: Path, severity: str = "error") -> list[dict[str, Any]]:
    r = gtm("plan", "--format", "json")
    out = []
    for d in json.loads(r.stdout)["diagnostics"]:
        if d["severity"] != severity:
            continue
        rng = d["range"]
        line = (ws / rng["file"]).read_text().splitlines()[rng["line"] - 1]
        out.append({"code": d["code"], "at": f'{rng["file"]}:{rng["line"]}:{rng["col"]}',
                    "token": line[rng["col"] - 1:rng["end_col"] - 1] if rng.get("end_col") else "",
                    "hint": d.get("hint") or ""})
    return out


@pytest.mark.parametrize(("case", "provider"), PARAMS)
def test_plan_time_diagnostic_points_at_the_leaf(case: str, provider: str, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    spec = yaml.safe_load((CASES / case / "case.yaml").read_text())
    ws = tmp_path / "ws"

    def plan() -> list[dict[str, Any]]:
        for f in (CASES / case / "specs").iterdir():
            shutil.copy(f, ws / "specs" / f.name)
        monkeypatch.chdir(ws)
        codes = {w["code"] for w in spec.get("warnings") or []}
        return _errors(ws) + [w for w in _errors(ws, "warning") if w["code"] in codes]

    if provider == "local":
        ws.mkdir()
        shutil.copy(REPO / "gtm.yaml", ws / "gtm.yaml")
        shutil.copytree(REPO / "specs", ws / "specs")
        got = plan()
    else:
        with EmulatorServer(token=TOKEN, seed=True) as emu:
            write_workspace(ws, emu.base_url)
            monkeypatch.setenv(TOKEN_ENV, TOKEN)
            got = plan()
    want_all = [*spec["errors"], *(spec.get("warnings") or [])]
    assert [(e["code"], e["at"]) for e in got] == [(e["code"], e["at"]) for e in want_all], got
    for e, want in zip(got, want_all, strict=True):
        assert e["token"].startswith(str(want["token"])), (e, want)
        assert str(want.get("hint", "")) in e["hint"], (e, want)
