"""The gtm compiler: load specs, check them, lower them to CRM resources, diff and plan.

This package never imports ``providers`` or ``gtm``.
"""
