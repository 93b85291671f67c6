"""Helpers and factories shared by the tests; the conftest files import them."""
