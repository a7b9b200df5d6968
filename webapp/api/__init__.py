"""JSON API used by the offline-first pages."""
