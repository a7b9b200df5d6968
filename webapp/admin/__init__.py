"""Administrators keep areas, units, years, roles and targets."""
