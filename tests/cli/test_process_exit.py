"""The console entry point's process-level choices: cycle collection off while loading, back on after,
and `gtm validate` leaving without interpreter teardown — with its whole output and exit code intact."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ENTRY = "from gtm.cli import main; main()"


def test_validate_output_and_exit_code_are_whole_through_a_pipe(example_ws: Path) -> None:
    ok = subprocess.run([sys.executable, "-c", ENTRY, "validate", "--format", "json"], cwd=example_ws,
                        capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0, ok.stderr
    report = json.loads(ok.stdout)
    assert report["valid"] is True and report["error_count"] == 0
    spec = example_ws / "specs" / "icp.yaml"
    spec.write_text(spec.read_text(encoding="utf-8") + "\nunknown_key_here: 1\n", encoding="utf-8")
    bad = subprocess.run([sys.executable, "-c", ENTRY, "validate"], cwd=example_ws,
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 1
    assert bad.stderr.rstrip().endswith("warnings.") and "Validation failed" in bad.stderr


def test_collection_is_back_on_once_the_workspace_is_loaded(example_ws: Path) -> None:
    """Commands that go on working after loading (plan, apply) must not run without the cycle collector."""
    code = ("import atexit, gc, sys\n"
            "atexit.register(lambda: print('collector', gc.isenabled(), gc.get_freeze_count() > 0))\n"
            f"sys.argv = ['gtm', 'plan']\n{ENTRY}\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=example_ws, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "collector True True"
