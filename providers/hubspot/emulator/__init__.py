"""A stateful HTTP emulator of HubSpot's configuration APIs (properties, groups,
pipelines, lists, flows, CRM records) for tests and for ``gtm emulator``.

Start it with :class:`providers.hubspot.emulator.server.EmulatorServer`.
"""
