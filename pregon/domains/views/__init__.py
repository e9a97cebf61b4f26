"""Sending domains screens."""
