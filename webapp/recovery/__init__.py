"""One-time links that let a member set a new password without SMS or e-mail."""
