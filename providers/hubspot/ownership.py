"""Which HubSpot flows gtm made: the marker it stores, and flows that share a name.

Names are not proof of ownership: anyone can call a workflow ``gtm-mql``.  Every flow body gtm
builds carries its neutral spec in ``customProperties.gtm_spec`` (see
:mod:`compiler.backends.hubspot_flows`); a live flow without it was made by someone else, and gtm
neither updates nor deletes it unless ``ownership.adopt`` in ``gtm.yaml`` names it.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from compiler.diagnostics import Diagnostic, error
from compiler.ir import Resource

MARKER_KEY = "gtm_spec"  # compiler.backends.hubspot_flows.SPEC_KEY


def has_gtm_marker(flow: dict[str, Any]) -> bool:
    """Does the live flow carry the spec gtm stores in every flow it writes?"""
    custom = flow.get("customProperties")
    return isinstance(custom, dict) and isinstance(custom.get(MARKER_KEY), str) and bool(custom[MARKER_KEY])


def same_name_flows(flows: list[Resource]) -> list[Diagnostic]:
    """An error for each name that two or more live flows share (gtm could not tell which is its own)."""
    by_name: dict[str, list[Resource]] = defaultdict(list)
    for f in flows:
        by_name[f.name].append(f)
    out: list[Diagnostic] = []
    for name, same in sorted(by_name.items()):
        if len(same) < 2:
            continue
        ids = ", ".join(f"{f.live_id}{' (made by gtm)' if f.marker else ''}" for f in same)
        out.append(error(
            "GTM621", f'{len(same)} workflows in HubSpot are named "{name}" (ids {ids}); gtm cannot tell which one '
                      "it manages, so it changes none of them", address=f"workflow.{name}",
            hint="rename or delete the extra workflows in HubSpot so the name is unique, then plan again"))
    return out
