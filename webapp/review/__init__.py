"""Heads confirm, return or reject assessments."""
