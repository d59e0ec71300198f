"""What the simulated snapshot looks like (``SimulationOptions``) and the arms of a randomised
study (``ARMS``): the shapes real sponsors' SDTM takes, for testing the pipeline on them."""

from __future__ import annotations

from dataclasses import dataclass, replace

from oncocsr.simulate.latent import SimulationParameters

GRADES = ("ctcae", "aesev")
ECOG_DOMAINS = ("rs", "qs", "none")
FILE_FORMATS = ("xpt", "csv")
VITALS_UNITS = ("metric", "imperial", "none")


@dataclass(frozen=True)
class Arm:
    """One arm: codes, the drug given (EXTRT), its dose levels in mg/m2 (a reduction moves to the
    next), the per-cycle adverse-event probability relative to 180 mg/m2, and the generative
    parameters that differ from the study's (``changes``)."""

    code: str
    name: str
    treatment: str
    dose_levels: tuple[float, ...]
    toxicity: float = 1.0
    changes: tuple[tuple[str, float], ...] = ()

    def parameters(self, base: SimulationParameters) -> SimulationParameters:
        return replace(base, **dict(self.changes))


ARMS = (
    Arm("IRI180", "Irinotecan 180 mg/m2", "IRINOTECAN", (180.0, 150.0, 120.0)),
    Arm(
        "IRI120",
        "Irinotecan 120 mg/m2",
        "IRINOTECAN",
        (120.0, 100.0, 80.0),
        toxicity=0.75,
        changes=(
            ("p_response", 0.12),
            ("nonresponder_ttp_median_days", 55.0),
            ("response_duration_median_days", 150.0),
            ("ae_discontinuation_median_days", 3500.0),
        ),
    ),
    # One dose level: a placebo dose is never reduced, only interrupted.
    Arm(
        "PBO",
        "Placebo",
        "PLACEBO",
        (0.0,),
        toxicity=0.2,
        changes=(
            ("p_response", 0.03),
            ("nonresponder_ttp_median_days", 35.0),
            ("response_duration_median_days", 120.0),
            ("post_progression_survival_median_days", 170.0),
            ("ae_discontinuation_median_days", 10000.0),
        ),
    ),
)


@dataclass(frozen=True)
class SimulationOptions:
    """Shape of the simulated SDTM; the defaults are the bundled single-arm study.

    - ``arms``: 1, or 2 or 3 for a study randomised 1:1(:1) in permuted blocks to the first
      ``arms`` of ``ARMS`` (DS RANDOMIZED milestone; ARM is the randomised arm, ACTARM the one
      received);
    - ``grades``: ``ctcae`` (AETOXGR and AESEV) or ``aesev`` (AESEV only, no AETOXGR variable);
    - ``consent``: False for a study that records no consent date (no DM.RFICDTC, no DS
      informed-consent milestone; SAP section 2 then needs the configured fallback);
    - ``irecist``: RS also carries iRECIST overall responses (RSCAT "iRECIST") next to RECIST 1.1,
      with a confirmation scan after a radiological progression;
    - ``ecog``: baseline ECOG in ``rs`` (RSCAT "ECOG"), ``qs`` (QS domain) or ``none``;
    - ``file_format``: ``xpt`` (SAS transport v5) or ``csv`` (as R's readr::write_csv writes);
    - ``vitals``: baseline height and weight in VS in ``metric`` units (cm, kg), ``imperial``
      ones (in, LB, as US sites record them), or ``none`` (no VS domain);
    - ``death_details``: False for a study without a DD domain (cause of death not collected).
    """

    arms: int = 1
    grades: str = "ctcae"
    consent: bool = True
    irecist: bool = False
    ecog: str = "rs"
    file_format: str = "xpt"
    vitals: str = "metric"
    death_details: bool = True

    def __post_init__(self):
        for name, value, allowed in (
            ("arms", self.arms, range(1, len(ARMS) + 1)),
            ("grades", self.grades, GRADES),
            ("ecog", self.ecog, ECOG_DOMAINS),
            ("file_format", self.file_format, FILE_FORMATS),
            ("vitals", self.vitals, VITALS_UNITS),
        ):
            if value not in allowed:
                raise ValueError(f"{name} must be one of {list(allowed)}, not {value!r}")

    @property
    def study_arms(self) -> tuple[Arm, ...]:
        return ARMS[: self.arms]


DEFAULT_OPTIONS = SimulationOptions()
