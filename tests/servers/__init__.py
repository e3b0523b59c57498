"""Loopback fake provider servers and helpers that render the generated package for tests."""
