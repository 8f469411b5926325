"""pks.followup."""
