"""pks: production and capacity planning for Swedish healthcare regions."""
__version__ = "0.1.0"
