"""A unit's roster for a year, with CSV import."""
