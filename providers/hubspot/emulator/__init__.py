"""A stateful HTTP emulator of HubSpot's configuration APIs, for tests and ``gtm emulator``.

Public API (:mod:`.server`)::

    from providers.hubspot.emulator.server import EmulatorServer, serve_forever

    with EmulatorServer(token="pat-test", seed=True) as emu:      # 127.0.0.1, free port, daemon thread
        emu.base_url; emu.state; emu.configure(...); emu.stats(); emu.reset_stats()
    serve_forever(host="127.0.0.1", port=8080, token="...", **options)   # blocking

Switches (``configure`` or ``POST /_emulator/config``): ``rate_limit_per_10s``,
``rate_limit_window_ms``, ``daily_limit``, ``latency_ms``, ``error_rate``, ``seed_random``,
``archived_name_reuse``, ``granted_scopes``, ``time_zone`` (the portal's, an IANA name), and the
test-only ``legacy_filter_shapes``.
``GET /_emulator/stats`` and ``POST /_emulator/reset-stats`` expose the counters.  All need the bearer token.

Modules, one job each:

=================  ===========================================================
server             EmulatorServer / serve_forever (werkzeug, threaded)
app                Flask app: auth, limits, faults, scopes, envelope, headers
runtime            the per-server bundle (token, state, config, stats...)
config             the switches and their validation
state / seed       in-memory portal behind one lock / a fresh portal's defaults
errors             HubSpot's error envelope, :class:`errors.ApiError`
requestio          body/query parsing and JSON responses
ratelimit, faults  rolling-window + daily limits (429) / latency and 5xx
stats, scopes      request counters / which scope a route needs
objecttypes        ``contacts`` = ``0-1`` ... name and id resolution
properties         property routes; rules in ``property_rules``
groups             property-group routes
pipelines, stages  pipeline and stage routes; rules in ``pipeline_rules``
lists              list routes; filter trees in ``list_filters``
flows              automation v4 flow routes
records, search    CRM record routes / record search; values in ``record_values``
control            ``/_emulator/*`` routes
account_api        ``GET /account-info/v3/details`` (the portal's time zone)
directory_api      owners and marketing emails (read-only, seeded by ``directory``)
formula            calculation-property formulas (``formula_ast``, ``formula_parser``,
                   ``formula_eval`` behind the :mod:`.formula` facade)
=================  ===========================================================

Not emulated (the provider does not use them): list folders and memberships, pipeline
audits, the lifecycle-stage pipelines, associations, users, sequences, forms,
HubDB, custom object schemas, the date-versioned (``2026-03``...) paths.
"""
