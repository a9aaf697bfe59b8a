"""Formula figures for every calculated property of the example and test trees.

Prints, per property: the length of the formula gtm sends to HubSpot (characters), how many
leaves and ``is_present`` guards it holds, the time to compile it (calculation → normal form →
formula) and to read it back (parse + rebuild + recompile), and the emulator's evaluation time
per record over generated records.  Run: ``.venv/bin/python bench/bench_formula.py``.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from compiler.lowering import lower  # noqa: E402
from compiler.project import load_project  # noqa: E402
from providers.hubspot import normalize as nz  # noqa: E402
from providers.hubspot.emulator import formula as emulator  # noqa: E402
from providers.hubspot.provider import HubSpotProvider, _read_calculations  # noqa: E402
from providers.hubspot.write import property_body  # noqa: E402

TREES = {
    "example": REPO / "specs",
    "changes": REPO / "tests" / "golden" / "trees" / "changes" / "specs",
    "scaffold": REPO / "tests" / "golden" / "trees" / "scaffold" / "specs",
}
RECORDS = 2000


def _record(rng: random.Random, names: set[str]) -> dict[str, str | None]:
    pool = ["", "3", "12", "1000", "VP Operations", "vp operations", "LOGISTICS_AND_SUPPLY_CHAIN", "US", "true",
            "false", "demo request", "100-500"]
    return {n: rng.choice([None, *pool]) for n in names}


def _best(fn, repeat: int = 5) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    rng = random.Random(7)
    print(f"{'tree':9} {'property':30} {'chars':>6} {'guards':>6} {'compile ms':>10} {'read ms':>8} "
          f"{'eval us/rec':>11}")
    longest = 0
    for tree, spec_dir in TREES.items():
        project = load_project(REPO, spec_dir)
        if not project.ok:
            print(f"{tree}: does not load", file=sys.stderr)
            continue
        resources = list(lower(project.specs).resources)
        provider = HubSpotProvider("pat-bench", "http://127.0.0.1:9")
        compile_s = _best(lambda: provider.realize(resources), 3)  # noqa: B023
        realized, _ = provider.realize(resources)
        for r in realized:
            formula = provider.formula_for(r) if r.type == "property" else None
            if not formula:
                continue
            longest = max(longest, len(formula))
            body = property_body(r.name, r.attributes, True, formula)
            live = {"name": r.name, "label": body["label"], "type": body["type"], "fieldType": body["fieldType"],
                    "groupName": body["groupName"], "description": body["description"], "options": body["options"],
                    "calculationFormula": formula}
            props = [nz.prop(str(r.object), live)]
            read_s = _best(lambda: _read_calculations(str(r.object), props))  # noqa: B023
            back = _read_calculations(str(r.object), props)[0].attributes["calculation"]
            assert back == r.attributes["calculation"], f"{r.address} does not read back"
            expr = emulator.parse(formula)
            names = emulator.referenced_properties(expr)
            recs = [_record(rng, names) for _ in range(RECORDS)]
            t = time.perf_counter()
            for rec in recs:
                emulator.evaluate(expr, rec)
            per = (time.perf_counter() - t) / RECORDS * 1e6
            print(f"{tree:9} {r.name:30} {len(formula):6d} {formula.count('is_present('):6d} "
                  f"{compile_s * 1000:10.1f} {read_s * 1000:8.2f} {per:11.1f}")
    print(f"longest formula: {longest} characters")
    print(f"compile ms: realize() of the whole tree (best of 3); read ms: one property read back (best of 5); "
          f"eval: mean over {RECORDS} generated records")


if __name__ == "__main__":
    main()
