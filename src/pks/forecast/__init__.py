"""pks.forecast."""
