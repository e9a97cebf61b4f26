"""Accounts screens: logging in, the profile, two-factor, API tokens, users, the audit log."""
