"""Frontdesk: performance appraisal for customer-facing staff."""

__version__ = "0.1.0"
