"""The built-in gate checks of phases 1–4, each with a stable code, a title and a fix hint.

Codes never change meaning: phase 1 is ``GTM71x``, phase 2 ``GTM72x``, phase 3 ``GTM73x``,
phase 4 ``GTM740``.  The check bodies live in one module per phase
(:mod:`~compiler.gates.strategy`, :mod:`~compiler.gates.building`,
:mod:`~compiler.gates.execution`, :mod:`~compiler.gates.drift`).
"""

from __future__ import annotations

from compiler.gates import building, drift, execution, strategy, tested
from compiler.gates.base import GateCheck

BUILTIN_CHECKS: tuple[GateCheck, ...] = (
    # phase 1: strategy & foundation
    GateCheck("GTM710", 1, "ICP present",
              "add an ICP spec with firmographics and the buying-committee personas", strategy.icp_present),
    GateCheck("GTM711", 1, "every buying-committee role has a persona",
              "add a persona for the role under the ICP's personas", strategy.committee_covered),
    GateCheck("GTM712", 1, "personas have pains, triggers and objections",
              "interview people in the role and write down what hurts (pains), what makes them look now "
              "(triggers) and why they would say no (objections)", strategy.personas_complete),
    GateCheck("GTM713", 1, "tiers defined and ordered (a catch-all tier comes last)",
              "move the tier without `when` to the end, or give it a condition", strategy.tiers_ordered),
    GateCheck("GTM714", 1, "every tier is reachable",
              "put the more specific tier first (first match wins), or narrow or remove the shadowed tier",
              strategy.tiers_reachable),
    GateCheck("GTM715", 1, "every tier sets its personalization",
              "set `personalization:` to buyer, account, jtbd or vertical", strategy.tiers_personalized),
    # phase 2: pipeline building
    GateCheck("GTM720", 2, "stages have entry and exit criteria",
              "write what must be true for a deal to enter the stage (entry) and to leave it (exit)",
              building.stage_criteria),
    GateCheck("GTM721", 2, "probabilities rise to closed-won 1.0 / closed-lost 0.0",
              "give open stages non-decreasing probabilities and end with a closed-won (1.0) and a "
              "closed-lost (0.0) stage", building.probabilities_rise),
    GateCheck("GTM722", 2, "scoring references known properties and personas",
              "fix the name so it matches a portal property, a persona or an ICP",
              building.scoring_references),
    GateCheck("GTM723", 2, "score bands cover the scale without overlap",
              "make the bands cover every score exactly once: the lowest without `min`, the highest "
              "without `max`", building.bands_cover),
    GateCheck("GTM724", 2, "UTM convention covers source, medium and campaign",
              "constrain utm_source, utm_medium and utm_campaign with `allowed:` values or a `pattern:`",
              building.utm_covered),
    GateCheck("GTM725", 2, "every persona has a sequence",
              "add a Sequence whose audience names the persona", building.personas_sequenced),
    GateCheck("GTM726", 2, "no sequence step asks for more than one trust level above where it stands",
              "earn trust step by step (read → connect → reply → meeting), or raise start_trust",
              building.trust_respected),
    GateCheck("GTM727", 2, "lead scoring has spec tests",
              "add a `kind: Test` spec with example contacts and their expected score and band",
              tested.scoring_tested),
    GateCheck("GTM728", 2, "tiers have spec tests",
              "add `kind: Test` cases with company records and their expected tier", tested.tiers_tested),
    GateCheck("GTM729", 2, "spec tests pass",
              "run `gtm test`, then fix the specs or the expectation", tested.tests_pass),
    # phase 3: execution
    GateCheck("GTM730", 3, "every route to sales has an SLA with a breach action",
              "give the band an `sla:` and the SLA at least one `on_breach` action",
              execution.sales_routes_have_sla),
    GateCheck("GTM731", 3, "every open stage with max_days has an alert",
              "add an AlertRule on deals with `when: {stage_days_over_max: true}`",
              execution.stage_limits_alerted),
    GateCheck("GTM732", 3, "sequences have exit conditions",
              "add `exit_when:` so contacts who reply or convert leave the sequence",
              execution.sequences_exit),
    # phase 4: analysis
    GateCheck("GTM740", 4, "live CRM matches the specs (no drift)",
              "apply the specs (`gtm apply`) or update them to match the portal", drift.no_drift),
)


def checks_for(phases: tuple[int, ...]) -> list[GateCheck]:
    """The built-in checks of the given phases, in code order."""
    return [c for c in BUILTIN_CHECKS if c.phase in phases]
