"""pks.optimise."""
