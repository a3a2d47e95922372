"""Dispatch Console: the after-hours dispatch desk for managed IT providers."""

__version__ = "0.1.0"
