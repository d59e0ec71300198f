"""Helpers shared by the ADaM rule scripts."""

from __future__ import annotations

import pandas as pd


def read_domains(named_inputs) -> dict[str, pd.DataFrame]:
    """Checked SDTM parquet files of a rule's named inputs, by upper-case domain.

    The ``gate`` input is the data-checks gate, not data.
    """
    return {
        name.upper(): pd.read_parquet(path) for name, path in named_inputs.items() if name != "gate"
    }
