"""oncocsr: reproducible clinical study report pipeline for single-arm RECIST 1.1 oncology trials."""

__version__ = "0.1.0"
