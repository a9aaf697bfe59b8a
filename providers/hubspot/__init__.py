"""The HubSpot provider and its HTTP emulator."""
