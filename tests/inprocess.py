"""The pipeline's derivations in one process, as its rules chain them (ingest and checks, then
ADSL, ADRS, ADTR, ADTTE, ADAE, ADEX): for tests of study shapes that do not need Snakemake."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from oncocsr.adam.adae import derive_adae
from oncocsr.adam.adex import derive_adex
from oncocsr.adam.adrs import derive_adrs
from oncocsr.adam.adsl import derive_adsl
from oncocsr.adam.adtr import derive_adtr
from oncocsr.adam.adtte import derive_adtte
from oncocsr.ingest import check_snapshot

ROOT = Path(__file__).resolve().parents[1]


def derive_study(snapshot: str | Path, cutoff: str, settings: dict) -> dict[str, pd.DataFrame]:
    """Findings and ADaM datasets of a snapshot under a cut's settings (``findings``, ``adsl``,
    ``adrs``, ``adtr``, ``adtte``, ``adae``, ``adex``)."""
    domains, findings = check_snapshot(snapshot, cutoff, ROOT / "schemas" / "sdtm", settings)
    response, safety = settings["response"], settings["safety"]
    adsl = derive_adsl(domains, cutoff, settings)
    adrs = derive_adrs(
        domains["RS"], adsl, cutoff=cutoff, window_days=settings["orr"]["window_days"], **response
    )
    progression = settings["terms"]["ds"]["clinical_progression"]
    return {
        "findings": findings,
        "adsl": adsl,
        "adrs": adrs,
        "adtr": derive_adtr(
            domains.get("TR"), adsl, evaluator=response["evaluator"], cutoff=cutoff
        ),
        "adtte": derive_adtte(adsl, adrs, domains["DS"], progression, **settings["pfs"]),
        "adae": derive_adae(
            domains["AE"],
            domains["EX"],
            adsl,
            window_days=safety["teae_window_days"],
            grade=safety["grade"],
            aesi=safety["aesi"],
        ),
        "adex": derive_adex(domains["EX"], adsl, **settings["exposure"]),
    }
