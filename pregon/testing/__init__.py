"""Test helpers that the tests of several apps share."""
