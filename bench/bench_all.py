"""Every figure the README's "Benchmarks" section quotes, in one run: validate on the 3k to 300k
trees beside PyYAML's C loader (ratios, exponent, peak memory) and plan/apply on the local
provider (``bench_compile.py``), HubSpot plans against the request floor at 50 ms latency
(``bench_hubspot.py --no-naive``), and the emulator's reads of a 7,500-contact portal
(``bench_emulator.py``).  Prints figures; asserts nothing.  About 15 minutes on 2 shared cores.

    .venv/bin/python bench/bench_all.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=5, help="runs per figure (medians)")
    a = ap.parse_args()
    steps = (
        ("bench_compile.py", ["--repeat", str(a.repeat)]),
        ("bench_hubspot.py", ["--no-naive", "--repeat", str(a.repeat)]),
        ("bench_emulator.py", ["--repeat", str(max(1, a.repeat // 2))]),
    )
    failed = []
    for script, args in steps:
        print(f"== {script} {' '.join(args)}", flush=True)
        t = time.perf_counter()
        done = subprocess.run([sys.executable, str(HERE / script), *args])
        print(f"   ({time.perf_counter() - t:.0f} s)\n", flush=True)
        if done.returncode != 0:
            failed.append(script)
    if failed:
        print(f"WARNING: failed: {', '.join(failed)}")
        sys.exit(1)


if __name__ == "__main__":
    main()
