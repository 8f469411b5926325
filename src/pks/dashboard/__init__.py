"""pks.dashboard."""
