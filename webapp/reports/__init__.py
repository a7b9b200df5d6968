"""Unit percentages, rollups against targets, CSV exports."""
