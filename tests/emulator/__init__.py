"""Tests of the HubSpot emulator, driven through the official client."""
