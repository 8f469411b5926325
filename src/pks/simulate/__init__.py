"""pks.simulate."""
