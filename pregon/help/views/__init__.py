"""Help centre screens."""
