"""Benchmark: CLI start-up, `gtm validate` on generated trees of 3k to 300k lines (with PyYAML's
C loader on the same files as the baseline, the time exponent and peak memory), and plan/apply on
the 30k tree against the local provider.  Prints figures; asserts nothing.

gtm and PyYAML run alternately, each in a fresh process, so both see the same machine load; the
ratio is the median of the per-round ratios (wall clock), with the CPU-time ratio beside it (less
sensitive to other processes).  Bytecode is cached (one warm-up run); the 32k tree is also run
with gtm's own modules compiled from source every time (a copy without ``__pycache__`` under
``PYTHONDONTWRITEBYTECODE=1``, as on a fresh checkout that may not write bytecode).

    .venv/bin/python bench/bench_compile.py [--repeat 5] [--scales 0.1,1,3,10]
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
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
PACKAGES = ("gtm", "compiler", "providers")


class Run:
    """Wall seconds, CPU seconds, exit code and peak resident memory (KiB) of one process."""

    def __init__(self, cmd: list[str], cwd: Path, env: dict[str, str]) -> None:
        t = time.perf_counter()
        p = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _pid, status, usage = os.wait4(p.pid, 0)
        self.wall = time.perf_counter() - t
        self.cpu = usage.ru_utime + usage.ru_stime
        self.rc = os.waitstatus_to_exitcode(status)
        self.rss = int(usage.ru_maxrss)


def median_of(cmd: list[str], cwd: Path, repeat: int, env: dict[str, str]) -> tuple[float, int, int]:
    runs = [Run(cmd, cwd, env) for _ in range(repeat)]
    return statistics.median(r.wall for r in runs), runs[-1].rc, max(r.rss for r in runs)


def side_by_side(cwd: Path, repeat: int, env: dict[str, str]) -> tuple[list[Run], list[Run]]:
    """``gtm validate`` and PyYAML alternately, ``repeat`` rounds (after one warm-up round)."""
    Run([*GTM, "validate"], cwd, env)
    Run(PYYAML, cwd, env)
    ours: list[Run] = []
    theirs: list[Run] = []
    for _ in range(repeat):
        ours.append(Run([*GTM, "validate"], cwd, env))
        theirs.append(Run(PYYAML, cwd, env))
    return ours, theirs


def row(label: str, ours: list[Run], theirs: list[Run], lines: int) -> str:
    med = statistics.median
    t, ty = med(r.wall for r in ours), med(r.wall for r in theirs)
    ratio = med(a.wall / b.wall for a, b in zip(ours, theirs, strict=True))
    cpu = med(a.cpu / b.cpu for a, b in zip(ours, theirs, strict=True))
    mem = max(r.rss for r in ours) / 1024
    return (f"{label:>10} {t:10.3f} {med(r.cpu for r in ours):7.2f} {ty:10.3f} {ratio:6.2f} {cpu:6.2f} {mem:8.0f} "
            f"{lines / t:9,.0f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--scales", default="0.1,1,3,10", help="tree sizes as multiples of the ~32k-line tree")
    a = ap.parse_args()
    root_dir = Path(__file__).resolve().parent.parent
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(root_dir) + os.pathsep + os.environ.get("PYTHONPATH", "")
    bad: list[str] = []
    with tempfile.TemporaryDirectory() as d:
        base = Path(d)
        print(f"{time.strftime('%Y-%m-%d %H:%M %Z')}, {os.cpu_count()} cores, load average "
              f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}; medians of {a.repeat}")
        print("start-up")
        for label, args in (("gtm --version", ["--version"]), ("gtm --help", ["--help"])):
            t, rc, _ = median_of(GTM + args, base, a.repeat, env)
            print(f"  {label:14} {t:6.3f} s")
            if rc != 0:
                bad.append(label)
        print()
        print("gtm validate beside PyYAML's C loader (load_all of the same files), bytecode cached")
        print("(ratio: of wall times, round by round; cpu: of CPU times; cpu s: gtm's CPU seconds)")
        print(f"{'tree lines':>10} {'validate s':>10} {'cpu s':>7} {'pyyaml C s':>10} {'ratio':>6} {'cpu':>6} "
              f"{'peak MiB':>8} {'lines/s':>9}")
        points: list[tuple[int, float]] = []
        for scale in (float(s) for s in a.scales.split(",")):
            tree = base / f"tree-{scale}"
            lines = generate(tree, scale)
            ours, theirs = side_by_side(tree, a.repeat, env)
            points.append((lines, statistics.median(r.wall for r in ours)))
            print(row(f"{lines:,}", ours, theirs, lines))
            if any(r.rc != 0 for r in ours):
                bad.append(f"validate at scale {scale}")
        if len(points) >= 2:
            (l0, t0), (l1, t1) = points[1 if len(points) > 2 else 0], points[-1]
            print(f"time exponent from {l0:,} to {l1:,} lines: {math.log(t1 / t0) / math.log(l1 / l0):.2f} "
                  "(1.0 = linear)")
        # gtm's own modules compiled from source on every run (no __pycache__, none written)
        fresh = base / "fresh"
        for pkg in PACKAGES:
            shutil.copytree(root_dir / pkg, fresh / pkg, ignore=shutil.ignore_patterns("__pycache__"))
        env_fresh = {**env, "PYTHONDONTWRITEBYTECODE": "1",
                     "PYTHONPATH": str(fresh) + os.pathsep + os.environ.get("PYTHONPATH", "")}
        tree = base / "tree-1.0"
        lines = generate(tree, 1.0)
        ours, theirs = side_by_side(tree, a.repeat, env_fresh)
        print(row(f"{lines:,}", ours, theirs, lines) + "   <- gtm's modules not byte-compiled")
        print()
        tree = base / "tree-plan"
        lines = generate(tree, 1.0)
        print(f"local provider on the {lines:,}-line tree")
        for label, args, want in (("gtm plan (fresh portal)", ["plan"], 0),
                                  ("gtm apply --auto-approve", ["apply", "--auto-approve"], 0),
                                  ("gtm plan (no changes)", ["plan", "--detailed-exitcode"], 0)):
            reps = 1 if label.startswith("gtm apply") else a.repeat
            t, rc, mem = median_of(GTM + args, tree, reps, env)
            print(f"  {label:26} {t:7.2f} s  peak {mem / 1024:5.0f} MiB  exit {rc}")
            if rc != want:
                bad.append(label)
    if bad:
        print(f"WARNING: unexpected exit codes for: {', '.join(bad)}")
        sys.exit(1)


if __name__ == "__main__":
    main()
