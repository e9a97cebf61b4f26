"""Tracking screens: the public pages reached from sent messages, conversions, bounce mailboxes."""
