"""Benchmark: how long `gtm validate` and `gtm plan` take on a generated ~30,000-line spec tree
against the local provider.  Prints figures; asserts nothing.

    .venv/bin/python bench/bench_compile.py [--scale 1.0] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_specs import generate


def timed(cmd: list[str], cwd: Path) -> tuple[float, int]:
    t = time.perf_counter()
    r = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    return time.perf_counter() - t, r.returncode


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    gtm = [sys.executable, "-c", "from gtm.cli import main; main()"]
    env_root = Path(__file__).resolve().parent.parent
    os.environ["PYTHONPATH"] = str(env_root) + os.pathsep + os.environ.get("PYTHONPATH", "")
    with tempfile.TemporaryDirectory() as d:
        root = Path(d)
        lines = generate(root, a.scale)
        files = len(list((root / "specs").glob("*.yaml")))
        print(f"spec tree: {lines:,} lines in {files} files")
        rows = []
        for label, args in (("gtm --version (startup)", ["--version"]), ("gtm validate", ["validate"]),
                            ("gtm plan (fresh portal)", ["plan"]),
                            ("gtm apply --auto-approve", ["apply", "--auto-approve"]),
                            ("gtm plan (no changes)", ["plan", "--detailed-exitcode"])):  # exit 0 expected
            times = []
            rc = 0
            reps = 1 if label.startswith("gtm apply") else a.repeat
            for _ in range(reps):
                t, rc = timed(gtm + args, root)
                times.append(t)
            rows.append((label, statistics.median(times), min(times), rc))
        print(f"{'command':32} {'median s':>9} {'min s':>7} {'exit':>5}")
        for label, med, mn, rc in rows:
            print(f"{label:32} {med:9.2f} {mn:7.2f} {rc:5d}")
        print(f"lines per second (validate, median): {lines / rows[1][1]:,.0f}")
        bad = [label for label, _m, _n, rc in rows if rc != 0 and "no changes" not in label]
        if bad or rows[-1][3] != 0:
            print(f"WARNING: unexpected exit codes for: {', '.join(bad) or 'plan (no changes)'}")
            sys.exit(1)


if __name__ == "__main__":
    main()
