"""waterfall layer."""
