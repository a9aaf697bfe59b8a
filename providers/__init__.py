"""Provider implementations: local (SQLite) and HubSpot (with its emulator)."""
