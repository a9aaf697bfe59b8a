"""gtm: GTM configuration as reviewable, safe infrastructure code (the command-line interface)."""

__version__ = "0.1.0"
