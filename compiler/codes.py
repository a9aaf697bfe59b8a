"""The registry of stable diagnostic codes.

Codes never change meaning once released.  Ranges:

* ``GTM0xx`` loading (bytes, YAML syntax, document shape)
* ``GTM1xx`` schema (keys, types, values) of a single document
* ``GTM2xx`` the workspace file ``gtm.yaml`` and environments
* ``GTM3xx`` references and identity across documents
* ``GTM4xx`` semantic checks of one kind (durations, probabilities, bands, stages)
* ``GTM5xx`` lowering and backend expressibility
* ``GTM6xx`` planning, providers and apply safety
* ``GTM7xx`` phase quality gates (see :mod:`compiler.gates`)
"""

from __future__ import annotations

CODES: dict[str, str] = {
    # loading
    "GTM001": "YAML syntax error",
    "GTM002": "duplicate key in a mapping",
    "GTM003": "tab character used for indentation",
    "GTM004": "file is not valid UTF-8",
    "GTM005": "alias expansion exceeds the limit (alias bomb)",
    "GTM006": "nesting deeper than the limit",
    "GTM007": "file holds no document",
    "GTM008": "file larger than the limit",
    "GTM009": "file holds binary data",
    "GTM010": "document is not a mapping",
    "GTM011": "document has no kind",
    "GTM012": "unknown kind",
    "GTM013": "file cannot be read",
    "GTM014": "spec directory missing or empty",
    "GTM015": "input (links file, record, saved plan, journal) larger than the limit",
    "GTM016": "input is not UTF-8 text or is nested too deeply",
    "GTM017": "more spec files than the limit (nothing is planned from part of a tree)",
    "GTM018": "a directory in the spec tree cannot be read",
    "GTM019": "an entry in the spec tree is not a regular file (skipped)",
    # schema
    "GTM101": "unknown key",
    "GTM102": "missing required key",
    "GTM103": "wrong type",
    "GTM104": "invalid value",
    "GTM105": "invalid identifier (expected a lower-case slug)",
    "GTM106": "invalid duration (expected 30m, 4h, 2d)",
    "GTM107": "invalid regular expression",
    "GTM108": "invalid condition",
    # workspace
    "GTM201": "workspace file gtm.yaml missing",
    "GTM202": "unknown environment",
    "GTM203": "invalid environment configuration",
    "GTM204": "invalid custom check",
    "GTM220": "invalid mapping in gtm.yaml (an id that is not a HubSpot id, or a reserved name)",
    "GTM230": "ownership marker (name or label prefix) too short or not distinctive",
    "GTM231": "environment name is not a safe name (it names files under .gtm/)",
    # references and identity
    "GTM301": "unknown persona",
    "GTM302": "unknown ICP",
    "GTM303": "unknown tier",
    "GTM304": "unknown SLA",
    "GTM305": "unknown stage",
    "GTM306": "unknown band",
    "GTM307": "unknown property",
    "GTM308": "unknown pipeline",
    "GTM310": "duplicate id",
    "GTM311": "kind may appear only once per object",
    "GTM340": "property declared twice (or one gtm derives from another kind)",
    "GTM341": "unknown property group",
    "GTM342": "property group declared twice",
    "GTM343": "property both declared and listed in removed_properties",
    # semantics
    "GTM401": "probability out of range or not a multiple of 0.1",
    "GTM402": "score bands overlap",
    "GTM403": "score bands leave a gap",
    "GTM404": "stage order is invalid",
    "GTM405": "duration must be positive",
    "GTM406": "invalid UTM convention",
    "GTM407": "invalid range (min greater than max)",
    "GTM408": "condition does not fit the object",
    "GTM409": "lifecycle stage value not in the portal",
    "GTM410": "identifier too long for the CRM",
    "GTM412": "value is not an option of the enumeration property",
    "GTM420": "spec test: an expectation does not hold",
    "GTM421": "spec test expects an unknown band, tier, route, SLA, sequence or alert",
    "GTM422": "spec test case expects nothing",
    "GTM423": "duplicate case id in a spec test",
    "GTM430": "field_type does not fit the property type",
    "GTM431": "options on a property that is not an enumeration",
    "GTM432": "option value appears twice",
    "GTM433": "HubSpot-defined property or group cannot be declared, changed or deleted",
    "GTM434": "custom field or group without gtm's prefix needs adopt: true",
    # lowering
    "GTM501": "condition cannot be expressed as a HubSpot list filter",
    "GTM502": "condition cannot be expressed as a HubSpot calculation formula",
    "GTM503": "intent has no HubSpot API; not applied",
    "GTM504": "a HubSpot calculation formula would use a function outside HubSpot's documented syntax",
    "GTM510": "email slug not mapped to a HubSpot marketing email in this environment",
    "GTM511": "task assignee not mapped to a HubSpot owner in this environment",
    "GTM512": "notification recipient not mapped to a HubSpot user or team in this environment",
    "GTM513": "re-enrolment asked for, but the enrolment has no property filter to re-enrol on",
    "GTM514": "a mapped id does not exist in the portal",
    "GTM515": "mapped ids cannot be checked: the token cannot list owners or marketing emails",
    # planning and apply
    "GTM601": "provider error",
    "GTM602": "lifecycle stages are read-only",
    "GTM603": "destructive change needs --allow-destroy",
    "GTM604": "saved plan is stale",
    "GTM605": "another apply holds the lock",
    "GTM606": "authentication failed",
    "GTM607": "saved plan does not match these specs or this environment",
    "GTM608": "apply stopped midway; journal written",
    "GTM609": "resource not owned by gtm",
    "GTM610": "invalid plan file",
    "GTM611": "stage removal needs moved_to",
    "GTM613": "--target matches no resource",
    "GTM614": "cannot write a file",
    "GTM620": "a live object named like gtm's was not made by gtm (name collision)",
    "GTM621": "two live objects share one name",
    "GTM622": "the CRM did not answer a request in time (timeout_s)",
    "GTM623": "the command ran past its deadline (deadline_s / --deadline)",
    "GTM660": "gtm fmt cannot format a file without changing its meaning or losing a comment",
    "GTM661": "gtm import would overwrite an existing spec file (use --force or --into)",
    "GTM662": "gtm import: the imported specs do not validate; nothing written",
    "GTM663": "gtm import: a live object no spec kind expresses (listed, not imported)",
    "GTM650": "records cannot be read for business impact (missing read scope or provider error)",
    "GTM651": "business impact is estimated from a sample (more records than --impact-limit)",
    # phase quality gates (compiler.gates)
    "GTM710": "gate: no ICP is defined",
    "GTM711": "gate: a buying-committee role has no persona",
    "GTM712": "gate: a persona lacks pains, triggers or objections",
    "GTM713": "gate: a catch-all tier is not last",
    "GTM714": "gate: a tier is unreachable",
    "GTM715": "gate: a tier has no personalization",
    "GTM720": "gate: a stage lacks entry or exit criteria",
    "GTM721": "gate: stage probabilities do not rise to closed-won 1.0 / closed-lost 0.0",
    "GTM722": "gate: scoring references an unknown property, persona or ICP",
    "GTM723": "gate: score bands do not cover the scale without overlap",
    "GTM724": "gate: the UTM convention does not cover source, medium and campaign",
    "GTM725": "gate: a persona has no sequence",
    "GTM726": "gate: a sequence step asks for more trust than it has earned",
    "GTM727": "gate: lead scoring has no spec tests",
    "GTM728": "gate: tiers have no spec tests",
    "GTM729": "gate: a spec test fails",
    "GTM730": "gate: a route to sales has no SLA with a breach action",
    "GTM731": "gate: an open stage with max_days has no alert",
    "GTM732": "gate: a sequence has no exit condition",
    "GTM740": "gate: the live CRM does not match the specs (drift)",
}


def describe(code: str) -> str:
    """The one-line meaning of a code (empty for custom gate codes)."""
    return CODES.get(code, "")
