"""Submission files of a data cut's ADaM datasets: Define-XML 2.1 with its HTML rendering, and
CDISC Dataset-JSON v1.1, generated from the ADaM metadata (schemas/adam.yaml) and the written
datasets (DESIGN.md, output contract)."""
