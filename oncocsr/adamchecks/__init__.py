"""ADaM conformance checks of a cut's analysis datasets, implemented from the CDISC ADaM
Conformance Rules v5.0 (check ids ``ADaM-<rule number>``) and, where a requirement of ADaMIG 1.3,
OCCDS 1.1 or the ADaM BDS for Time-to-Event has no rule number, from the guide's text (ids
``ADaMIG.<variable>``, ``ADaM-TTE.<variable>``). Every id starts with "ADaM": a waiver of one is
judged by the ADaM gate (``oncocsr.waivers``).

Findings are those of the SDTM data checks (``oncocsr.findings``), the dataset in ``file``. An
error is a violation that makes the data wrong or a reviewer's software unable to load them, and
stops the CSR; a warning is data that are right but not written as the standard says.

The checks, by concept: ``structure`` (required variables, names, labels, formats),
``subjects`` (ADSL, subjects and treatments across datasets, the data cut) and ``records``
(flags, parameters, sequence numbers, relative days, censoring).
"""

from __future__ import annotations

import pandas as pd

from oncocsr.adam.metadata import dataset_spec, load_metadata
from oncocsr.adamchecks.base import ADSL, Dataset, Transport, frames, read_transport
from oncocsr.adamchecks.records import RECORD_CHECKS, relative_days
from oncocsr.adamchecks.structure import STRUCTURE_CHECKS
from oncocsr.adamchecks.subjects import (
    adsl_present,
    data_cutoff,
    one_record_per_subject,
    subjects_in_adsl,
    treatments_in_adsl,
)
from oncocsr.findings import sort_findings

__all__ = ["Transport", "check_adam", "read_transport"]


def check_adam(
    datasets: dict[str, pd.DataFrame],
    cutoff: str,
    transports: dict[str, Transport] | None = None,
    spec: dict | None = None,
) -> pd.DataFrame:
    """Every conformance finding of a cut's ADaM datasets (by lower-case name, described in the
    metadata ``spec``), in the findings' stable order; ``transports`` gives what their XPT files
    hold (the checks of labels and formats need it), ``cutoff`` the cut's data cutoff."""
    spec = spec or load_metadata()
    transports = transports or {}
    checked = [
        Dataset(name, frame, dataset_spec(name, spec), transports.get(name))
        for name, frame in sorted(datasets.items())
    ]
    adsl = next((dataset for dataset in checked if dataset.kind == ADSL), None)
    parts = [adsl_present(adsl)]
    for dataset in checked:
        parts += [check(dataset) for check in (*STRUCTURE_CHECKS, *RECORD_CHECKS)]
        if adsl is not None and dataset is not adsl:
            parts += [
                check(dataset, adsl)
                for check in (subjects_in_adsl, treatments_in_adsl, relative_days)
            ]
    if adsl is not None:
        parts += [one_record_per_subject(adsl), data_cutoff(adsl, cutoff)]
    return sort_findings(frames(parts))
