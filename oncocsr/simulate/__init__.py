"""Simulated SDTM for the irinotecan phase II study of SAP section 1.

The simulation has two layers:

* a *latent* layer (``latent``) that draws, per treated subject, the tumour assessment schedule
  (with late, missed and not-evaluable visits), responder status, progression (found at the next
  scan, or clinical), death, withdrawal, discontinuation for adverse events and new anticancer
  therapy, all in days from the first dose;
* an *SDTM* layer (``study``, ``course``, ``tumour``, ``safety``) that turns the latent layer into
  DM, SUPPDM, DS, EX, TU, TR, RS, AE, CM, MH and SS records, with the mess of real trials (partial
  dates, deaths without progression, new therapy before progression, screen failures, enrolled
  subjects never treated), and (``entry``, each from its own random stream) the SDTM of the
  entry criteria and the deaths: baseline height and weight (VS), the setting of each prior
  regimen (CM.CMSCAT) and the primary cause of each death (DD);
* the variables SDTMIG 3.4 expects that follow from those records (``sdtmig``: study days, EPOCH,
  AESOC, seriousness criteria, ...) and the trial design domains TS, TA, TE, TV and SV
  (``trialdesign``), derived without a random draw; ``labels`` holds the SDTMIG variable order
  and labels.

``SimulationOptions`` gives the snapshot the shapes real sponsors' SDTM takes (randomised arms,
AESEV without CTCAE grades, no consent date, iRECIST, ECOG in QS or absent, R-style CSV, VS in
imperial units or absent, no DD).
``true_parameters`` computes, from the latent layer alone and with the SAP's conventions, the
values a correct analysis of a large simulated study must recover (see ``TRUTH_DOC``). Everything
is vectorised over subjects (loops run over visits, cycles, arms or chunks, never over subjects)
so that a 100,000-subject study takes seconds, and it is deterministic for a seed and options.
"""

from oncocsr.simulate.labels import DATASET_LABELS, VARIABLES
from oncocsr.simulate.latent import (
    N_VISITS,
    TRUTH_DOC,
    SimulationParameters,
    simulate_latent,
    true_parameters,
)
from oncocsr.simulate.options import ARMS, Arm, SimulationOptions
from oncocsr.simulate.records import STUDYID, study_dates
from oncocsr.simulate.snapshot import run
from oncocsr.simulate.study import simulate_study
from oncocsr.simulate.writers import format_r_double, write_sdtm, write_sdtm_csv

__all__ = [
    "ARMS",
    "DATASET_LABELS",
    "N_VISITS",
    "STUDYID",
    "TRUTH_DOC",
    "VARIABLES",
    "Arm",
    "SimulationOptions",
    "SimulationParameters",
    "format_r_double",
    "run",
    "simulate_latent",
    "simulate_study",
    "study_dates",
    "true_parameters",
    "write_sdtm",
    "write_sdtm_csv",
]
