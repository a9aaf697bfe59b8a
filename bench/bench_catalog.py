"""Benchmark: what the catalog of a fresh portal costs — loading its data files, the offline
property/option checks (GTM307/GTM412) on the generated ~30k-line tree, and seeding a new local
database from it.  Prints figures; asserts nothing.

    .venv/bin/python bench/bench_catalog.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from gen_specs import generate


def median_ms(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - t) * 1000)
    return statistics.median(runs)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()

    from compiler import catalog
    from compiler.portal import all_extras, check_conditions
    from compiler.project import load_project
    from providers.local import store

    def load_all() -> None:
        catalog._load.cache_clear()
        for obj in catalog.OBJECTS:
            catalog._load(obj)

    print(f"catalog: {sum(len(catalog.properties(o)) for o in catalog.OBJECTS)} properties in "
          f"{len(catalog.OBJECTS)} files")
    print(f"  load all four data files      {median_ms(load_all, args.repeat):8.2f} ms")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        lines = generate(root, 1.0)
        project = load_project(root, check=False)
        n = sum(1 for s in project.specs.specs for _ in project.specs.condition_sites(s))
        extras = all_extras(project.workspace)
        print(f"  offline checks, {lines:,}-line tree ({n:,} conditions)"
              f" {median_ms(lambda: check_conditions(project.specs, extras, 'gtm_'), args.repeat):8.2f} ms")
        i = 0

        def seed() -> None:
            nonlocal i
            i += 1
            store.connect(root / f"seed{i}.db").close()

        print(f"  seed a new local database     {median_ms(seed, args.repeat):8.2f} ms")


if __name__ == "__main__":
    main()
