"""The member's self-assessment journey."""
