"""RECIST 1.1: the response categories with their ADRS AVAL coding (SAP section 4), and the
overall response of a visit from tumour measurements (SAP section 1).

The categories are here, not in the ADRS derivation, so that the tables and endpoints that only
need them do not depend on its code. The overall response is used by the simulator to write RS
from TR, so that response and measurements agree as they do in a real study.
"""

from __future__ import annotations

import numpy as np

# AVAL coding of response categories, best first.
RESPONSE_AVAL = {"CR": 1, "PR": 2, "SD": 3, "NON-CR/NON-PD": 4, "PD": 5, "NE": 6, "MISSING": 7}
# Rows of the best overall response table (14.2.1), in AVAL order.
BOR_CATEGORIES = list(RESPONSE_AVAL)

PR_THRESHOLD = -0.30
PD_RELATIVE = 0.20
PD_ABSOLUTE_MM = 5.0


def overall_response(
    target_sum: np.ndarray,
    baseline_sum: np.ndarray,
    nadir_sum: np.ndarray,
    nontarget_absent: np.ndarray,
    nontarget_progression: np.ndarray,
    new_lesion: np.ndarray,
    not_evaluable: np.ndarray,
) -> np.ndarray:
    """Overall response per visit for target, non-target and new-lesion findings.

    ``nadir_sum`` is the smallest sum before this visit, baseline included. Target PD needs both
    a 20% increase over the nadir and at least 5 mm; a target CR with non-target disease still
    present is a PR (RECIST 1.1 table 1).
    """
    target_pd = (target_sum >= nadir_sum * (1 + PD_RELATIVE)) & (
        target_sum - nadir_sum >= PD_ABSOLUTE_MM
    )
    change = np.divide(
        target_sum - baseline_sum,
        baseline_sum,
        out=np.zeros_like(target_sum, dtype=float),
        where=baseline_sum > 0,
    )
    target_cr = target_sum == 0
    return np.select(
        [
            not_evaluable,
            target_pd | new_lesion | nontarget_progression,
            target_cr & nontarget_absent,
            target_cr | (change <= PR_THRESHOLD),
        ],
        ["NE", "PD", "CR", "PR"],
        default="SD",
    )
