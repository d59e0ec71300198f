"""A simulated SDTM snapshot on disk: the domains and ``simulation.json`` (seed, dates, options,
true parameters)."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path

from oncocsr.io import xpt_stamp
from oncocsr.simulate.latent import DEFAULT_PARAMETERS, TRUTH_DOC, true_parameters
from oncocsr.simulate.options import DEFAULT_OPTIONS, SimulationOptions
from oncocsr.simulate.records import STUDYID, study_dates
from oncocsr.simulate.study import simulate_study
from oncocsr.simulate.writers import write_sdtm, write_sdtm_csv


def run(
    n_treated: int,
    seed: int,
    out_dir: str | Path,
    quiet: bool = False,
    options: SimulationOptions = DEFAULT_OPTIONS,
) -> dict:
    """Simulate a study and write its SDTM snapshot and ``simulation.json`` into ``out_dir``.

    A one-arm study's ``truth`` and ``parameters`` are those of the study; a randomised study's
    are given per arm code.
    """
    params = DEFAULT_PARAMETERS

    def report(done: int, total: int) -> None:
        print(f"simulate: {done:,}/{total:,} treated subjects", file=sys.stderr, flush=True)

    domains = simulate_study(
        n_treated, seed, params, progress=None if quiet else report, options=options
    )
    dates = study_dates(params)
    if options.file_format == "csv":
        write_sdtm_csv(domains, out_dir)
    else:
        write_sdtm(domains, out_dir, xpt_stamp(dates["snapshot"]))
    arms = options.study_arms
    if len(arms) == 1:
        truth, parameters = true_parameters(params), asdict(params)
    else:
        truth = {arm.code: true_parameters(arm.parameters(params)) for arm in arms}
        parameters = {arm.code: asdict(arm.parameters(params)) for arm in arms}
    meta = {
        "study": STUDYID,
        "seed": seed,
        "treated_subjects": n_treated,
        "screened_subjects": len(domains["DM"]),
        **dates,
        "options": asdict(options),
        "truth": truth,
        "truth_definition": TRUTH_DOC,
        "parameters": parameters,
    }
    if len(arms) > 1:
        meta["arms"] = {arm.code: arm.name for arm in arms}
    Path(out_dir, "simulation.json").write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n")
    return meta
