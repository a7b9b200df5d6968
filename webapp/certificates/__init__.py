"""Certificates and public verification of a title."""
