"""Manifest, service worker and offline page."""
