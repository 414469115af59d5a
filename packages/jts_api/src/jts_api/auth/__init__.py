"""Authentication: argon2 password hashing, signed tokens, and the public-field gate."""
