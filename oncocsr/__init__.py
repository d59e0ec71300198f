"""oncocsr: a reproducible clinical study report pipeline for single-arm RECIST 1.1 trials."""

__version__ = "0.1.0"
