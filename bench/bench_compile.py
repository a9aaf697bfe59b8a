"""Benchmark: CLI start-up, `gtm validate` on generated trees of 3k to 300k lines (with PyYAML's
C loader on the same files as the baseline, the time exponent and peak memory), and plan/apply on
the 30k tree against the local provider.  Prints figures; asserts nothing.

    .venv/bin/python bench/bench_compile.py [--repeat 5] [--scales 0.1,1,3,10]
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_specs import generate

GTM = [sys.executable, "-c", "from gtm.cli import main; main()"]
PYYAML = [sys.executable, "-c",
          "import glob, yaml\n"
          "for f in sorted(glob.glob('specs/**/*.yaml', recursive=True)):\n"
          "    list(yaml.load_all(open(f, encoding='utf-8').read(), Loader=yaml.CSafeLoader))\n"]


def timed(cmd: list[str], cwd: Path) -> tuple[float, int, int]:
    """Wall seconds, exit code and peak resident memory (KiB) of one run."""
    t = time.perf_counter()
    p = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(p.pid, 0)
    return time.perf_counter() - t, os.waitstatus_to_exitcode(status), int(usage.ru_maxrss)


def median_of(cmd: list[str], cwd: Path, repeat: int) -> tuple[float, int, int]:
    runs = [timed(cmd, cwd) for _ in range(repeat)]
    return statistics.median(r[0] for r in runs), runs[-1][1], max(r[2] for r in runs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--scales", default="0.1,1,3,10", help="tree sizes as multiples of the ~32k-line tree")
    a = ap.parse_args()
    root_dir = Path(__file__).resolve().parent.parent
    os.environ["PYTHONPATH"] = str(root_dir) + os.pathsep + os.environ.get("PYTHONPATH", "")
    bad: list[str] = []
    with tempfile.TemporaryDirectory() as d:
        base = Path(d)
        print("start-up (median of", a.repeat, "runs)")
        for label, args in (("gtm --version", ["--version"]), ("gtm --help", ["--help"])):
            t, rc, _ = median_of(GTM + args, base, a.repeat)
            print(f"  {label:14} {t:6.3f} s")
            if rc != 0:
                bad.append(label)
        print()
        print(f"{'tree lines':>10} {'files':>5} {'validate s':>10} {'pyyaml C s':>10} {'ratio':>6} "
              f"{'peak MiB':>8} {'lines/s':>9}")
        points: list[tuple[int, float]] = []
        for scale in (float(s) for s in a.scales.split(",")):
            tree = base / f"tree-{scale}"
            lines = generate(tree, scale)
            files = len(list((tree / "specs").glob("*.yaml")))
            t, rc, mem = median_of([*GTM, "validate"], tree, a.repeat)
            ty, _, _ = median_of(PYYAML, tree, a.repeat)
            points.append((lines, t))
            print(f"{lines:10,} {files:5} {t:10.3f} {ty:10.3f} {t / ty:6.2f} {mem / 1024:8.0f} {lines / t:9,.0f}")
            if rc != 0:
                bad.append(f"validate at scale {scale}")
        if len(points) >= 2:
            (l0, t0), (l1, t1) = points[1 if len(points) > 2 else 0], points[-1]
            print(f"time exponent from {l0:,} to {l1:,} lines: {math.log(t1 / t0) / math.log(l1 / l0):.2f} "
                  "(1.0 = linear)")
        print()
        tree = base / "tree-plan"
        lines = generate(tree, 1.0)
        print(f"local provider on the {lines:,}-line tree")
        for label, args, want in (("gtm plan (fresh portal)", ["plan"], 0),
                                  ("gtm apply --auto-approve", ["apply", "--auto-approve"], 0),
                                  ("gtm plan (no changes)", ["plan", "--detailed-exitcode"], 0)):
            reps = 1 if label.startswith("gtm apply") else a.repeat
            t, rc, mem = median_of(GTM + args, tree, reps)
            print(f"  {label:26} {t:7.2f} s  peak {mem / 1024:5.0f} MiB  exit {rc}")
            if rc != want:
                bad.append(label)
    if bad:
        print(f"WARNING: unexpected exit codes for: {', '.join(bad)}")
        sys.exit(1)


if __name__ == "__main__":
    main()
