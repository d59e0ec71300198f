"""Safety domains: the cycles given (EX rows) with the toxicity each causes, and the adverse
events (AE) with CTCAE grades, seriousness, causality, action taken and outcome."""

from __future__ import annotations

import numpy as np
import pandas as pd

from oncocsr.simulate.records import choice, records
from oncocsr.simulate.terms import AE_TERMS, FATAL_TERMS

# Days from one cycle's dose to the next, before delays (TE and TV describe the same schedule).
CYCLE_DAYS = 14


def treatment_and_toxicity(
    rng, n, treatment_end, horizon, stop, end_reason, doses, floor, toxicity
):
    """Cycles given (EX) and toxicity per cycle (AE), with the dose changes toxicity causes.

    Per subject: ``doses`` the dose levels of the arm (n x levels), ``floor`` the index of its
    lowest level, ``toxicity`` its per-cycle AE probability relative to 180 mg/m2.
    """
    day = np.zeros(n)
    level = np.zeros(n, dtype=int)
    reduced_next = np.zeros(n, dtype=bool)
    ex, ae = [], []
    probs = np.array([term[3] for term in AE_TERMS])
    grade_cdf = np.cumsum(np.array([term[4] for term in AE_TERMS]), axis=1)
    cycle = 0
    while True:
        # Every treated subject receives the first dose, whatever happens on that day.
        active = np.flatnonzero(
            ((day < treatment_end) & (day <= horizon) & (day < stop)) | (cycle == 0)
        )
        if active.size == 0:
            break
        hour = rng.integers(8, 12, active.size)
        minute = rng.choice([0, 15, 30, 45], active.size)
        ex.append(
            {
                "subject": active,
                "cycle": np.full(active.size, cycle),
                "day": day[active].copy(),
                "dose": doses[active, level[active]],
                "reduced": reduced_next[active].copy(),
                "start_time": np.char.add(
                    np.char.add("T", np.char.zfill(hour.astype(str), 2)),
                    np.char.add(":", np.char.zfill(minute.astype(str), 2)),
                ),
                "end_time": np.char.add(
                    np.char.add("T", np.char.zfill((hour + 1).astype(str), 2)),
                    np.char.add(":", np.char.zfill(((minute + 30) % 60).astype(str), 2)),
                ),
            }
        )
        risk = probs[None, :] * toxicity[active][:, None] * (1.4 if cycle == 0 else 1.0)
        hits = rng.random((active.size, probs.size)) < risk
        subj, term = np.nonzero(hits)
        grade = 1 + (rng.random(subj.size)[:, None] > grade_cdf[term]).sum(axis=1)
        grade = np.minimum(grade, 4)
        severe = grade >= 3
        action = np.where(
            severe,
            choice(
                rng,
                ["DOSE REDUCED", "DRUG INTERRUPTED", "DOSE NOT CHANGED"],
                subj.size,
                p=[0.4, 0.4, 0.2],
            ),
            "DOSE NOT CHANGED",
        )
        at_floor = level[active[subj]] == floor[active[subj]]
        action = np.where((action == "DOSE REDUCED") & at_floor, "DRUG INTERRUPTED", action)
        early = (term == 0) & (rng.random(subj.size) < 0.3)
        onset = np.where(early, 0, rng.integers(1, 13, subj.size))
        ae.append(
            {
                "subject": active[subj],
                "term": term,
                "grade": grade,
                "action": action,
                "day": day[active[subj]] + onset,
                "early": early,
                "dose_hour": hour[subj],
            }
        )
        reduce = np.zeros(n, dtype=bool)
        reduce[active[subj[action == "DOSE REDUCED"]]] = True
        delay = np.zeros(n, dtype=bool)
        delay[active[subj[action == "DRUG INTERRUPTED"]]] = True
        level = np.where(reduce, np.minimum(level + 1, floor), level)
        reduced_next = reduce
        step = CYCLE_DAYS + 7 * delay + 7 * (rng.random(n) < 0.04)
        day = day + step
        cycle += 1
    ex_rows = {key: np.concatenate([part[key] for part in ex]) for key in ex[0]}
    ae_rows = {key: np.concatenate([part[key] for part in ae]) for key in ae[0]}
    # The event that ends treatment for toxicity is an AE with the drug withdrawn.
    idx = np.flatnonzero((end_reason == "ADVERSE EVENT") & (treatment_end <= horizon))
    withdrawn = {
        "subject": idx,
        "term": rng.choice([0, 3, 7], idx.size),
        "grade": rng.choice([3, 4], idx.size, p=[0.8, 0.2]),
        "action": np.full(idx.size, "DRUG WITHDRAWN"),
        "day": treatment_end[idx] - rng.integers(0, 6, idx.size),
        "early": np.zeros(idx.size, dtype=bool),
        "dose_hour": np.full(idx.size, 9),
    }
    ae_rows = {key: np.concatenate([ae_rows[key], withdrawn[key]]) for key in ae_rows}
    return ex_rows, ae_rows


def ae_domain(rng, rows, usubjid, first_dose, cal, latent, horizon, stop) -> pd.DataFrame:
    """AE records of the toxicity rows up to the snapshot or the end of follow-up, plus a fatal
    AE for some of the deaths without progression."""
    keep = (rows["day"] <= np.minimum(horizon, stop)[rows["subject"]]) & (rows["day"] >= 0)
    rows = {key: value[keep] for key, value in rows.items()}
    subject, term, grade = rows["subject"], rows["term"], rows["grade"]
    size = subject.size
    fatal_idx = np.flatnonzero(
        (latent["death"] <= horizon)
        & ~np.isfinite(latent["progression"])
        & (latent["death"] < latent["withdrawal"])
        & (rng.random(len(usubjid)) < 0.4)
    )
    pt = np.array([t[0] for t in AE_TERMS] + [t[0] for t in FATAL_TERMS], dtype=object)
    soc = np.array([t[1] for t in AE_TERMS] + [t[1] for t in FATAL_TERMS], dtype=object)
    verbatim_choice = [rng.choice(t[2], size) for t in AE_TERMS]
    verbatim = np.choose(term, verbatim_choice) if size else np.array([], dtype=object)
    related_p = np.array([t[5] for t in AE_TERMS])[term]
    fatal_term = rng.integers(0, len(FATAL_TERMS), fatal_idx.size)
    start_day = np.concatenate(
        [rows["day"], latent["death"][fatal_idx] - rng.integers(1, 10, fatal_idx.size)]
    )
    all_subject = np.concatenate([subject, fatal_idx])
    all_grade = np.concatenate([grade, np.full(fatal_idx.size, 5)])
    term_index = np.concatenate([term, len(AE_TERMS) + fatal_term])
    duration = rng.integers(2, 15, all_subject.size)
    end_day = start_day + duration
    abs_start = first_dose[all_subject] + start_day
    start_text = cal.partial(abs_start, rng, 0.03)
    early = np.concatenate([rows["early"], np.zeros(fatal_idx.size, dtype=bool)])
    hour = np.concatenate([rows["dose_hour"], np.zeros(fatal_idx.size, dtype=int)]) + rng.integers(
        2, 7, all_subject.size
    )
    start_text = np.where(
        early,
        np.char.add(
            np.char.add(cal.iso(abs_start), "T"),
            np.char.add(np.char.mod("%02d", hour), ":00"),
        ),
        start_text,
    )
    fatal = all_grade == 5
    left_open = rng.random(all_subject.size) < 0.05
    # An event still going on when the subject died (by the snapshot) ends with the death,
    # unresolved: no record of a dead subject ends later (CROSS.ALIVE_AFTER_DEATH).
    death = latent["death"][all_subject]
    died_with_it = ~fatal & ~left_open & (end_day > death) & (death <= horizon[all_subject])
    end_day = np.where(died_with_it, death, end_day)
    ongoing = (end_day > horizon[all_subject]) | left_open
    end_text = np.where(
        fatal,
        cal.iso(first_dose[all_subject] + death),
        np.where(ongoing, "", cal.iso(first_dose[all_subject] + end_day)),
    )
    serious = fatal | (term_index == 4) | ((all_grade >= 3) & (rng.random(all_subject.size) < 0.35))
    related = np.concatenate([rng.random(size) < related_p, rng.random(fatal_idx.size) < 0.5])
    action = np.concatenate([rows["action"], np.full(fatal_idx.size, "DRUG WITHDRAWN")])
    unresolved = (end_text == "") | died_with_it
    outcome = np.where(
        fatal, "FATAL", np.where(unresolved, "NOT RECOVERED/NOT RESOLVED", "RECOVERED/RESOLVED")
    )
    return records(
        {
            "USUBJID": usubjid[all_subject],
            "AETERM": np.concatenate(
                [verbatim, np.array([t[2] for t in FATAL_TERMS], dtype=object)[fatal_term]]
            ),
            "AEDECOD": pt[term_index],
            "AEBODSYS": soc[term_index],
            "AESEV": np.array(["", "MILD", "MODERATE", "SEVERE", "SEVERE", "SEVERE"], dtype=object)[
                all_grade
            ],
            "AETOXGR": all_grade.astype(str),
            "AESER": np.where(serious, "Y", "N"),
            "AEREL": np.where(related, "RELATED", "NOT RELATED"),
            "AEACN": action,
            "AEOUT": outcome,
            "AESDTH": np.where(fatal, "Y", "N"),
            "EPOCH": "TREATMENT",
            "AESTDTC": start_text,
            "AEENDTC": end_text,
            "_day": abs_start,
        }
    )
