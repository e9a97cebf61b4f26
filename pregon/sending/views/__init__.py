"""Sending screens: senders, delivery backends, limits, the test mailbox, "send me a test"."""
