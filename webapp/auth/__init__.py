"""Sign-up, login, consent, and a member's own data."""
