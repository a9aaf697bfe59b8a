"""The embedded local provider: an SQLite file seeded like a fresh HubSpot portal."""

from providers.local.provider import LocalProvider

__all__ = ["LocalProvider"]
