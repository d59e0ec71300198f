"""Kaplan-Meier summaries with SAS PROC LIFETEST / R survival conventions (SAP section 6).

lifelines is the engine for the product-limit curve; quantiles, their Brookmeyer-Crowley
confidence intervals on the log-log scale and landmark intervals follow the conventions here,
because lifelines' own defaults differ (no midpoint rule, no log-log quantile CI).
"""

from __future__ import annotations

import numpy as np
from lifelines import KaplanMeierFitter
from scipy import stats

TOLERANCE = 1e-12


def _curve(time: np.ndarray, event: np.ndarray) -> dict:
    """Product-limit curve at the distinct event times, with Greenwood's sum for log-log CIs."""
    fitter = KaplanMeierFitter().fit(time, event_observed=event)
    table = fitter.event_table
    table = table[table["observed"] > 0]
    at_risk = table["at_risk"].to_numpy(dtype=float)
    deaths = table["observed"].to_numpy(dtype=float)
    surv = np.cumprod(1 - deaths / at_risk)
    with np.errstate(divide="ignore", invalid="ignore"):
        greenwood = np.cumsum(deaths / (at_risk * (at_risk - deaths)))
    return {"time": table.index.to_numpy(dtype=float), "surv": surv, "greenwood": greenwood}


def _loglog_band(
    surv: np.ndarray, greenwood: np.ndarray, z: float
) -> tuple[np.ndarray, np.ndarray]:
    """Pointwise log-log limits; undefined (NaN) where S is 0 or 1."""
    inside = (surv > 0) & (surv < 1)
    log_s = np.log(np.where(inside, surv, 0.5))
    se = np.sqrt(np.where(inside, greenwood, 0.0))
    lower = np.where(inside, surv ** np.exp(-z * se / log_s), np.nan)
    upper = np.where(inside, surv ** np.exp(z * se / log_s), np.nan)
    return lower, upper


def _quantile(
    times: np.ndarray, values: np.ndarray, target: float, *, last_time: float, convention: str
) -> float | None:
    """Smallest time at which the step function ``values`` (at ``times``) is at or below
    ``target``; None (not estimable) if it never is (SAP section 6).

    On a flat step exactly at ``target`` the quantile is the midpoint to the next step, in both
    conventions. When that step lasts to the end of the curve (the last observation, at
    ``last_time``, is censored), SAS needs a step strictly below the target and reports NE, while
    R's quantile.survfit takes the midpoint of the step up to ``last_time`` (the CAMIS comparison
    of R and SAS survival, psiaims.github.io/CAMIS/Comp/r-sas_survival.html). Missing values (no
    confidence band where S is 0 or 1) are skipped.
    """
    valid = np.flatnonzero(~np.isnan(values))
    hits = valid[values[valid] <= target + TOLERANCE]
    if hits.size == 0:
        return None
    first = hits[0]
    if abs(values[first] - target) > TOLERANCE:
        return float(times[first])
    later = valid[valid > first]
    if later.size:
        return float((times[first] + times[later[0]]) / 2)
    if convention == "sas":
        return None
    return float((times[first] + last_time) / 2)


def _limit(times: np.ndarray, band: np.ndarray, target: float) -> float | None:
    """SAS: first event time at which a band is at or below ``target``; None (not estimable) if
    never. The Brookmeyer-Crowley interval is the set of times whose pointwise interval holds the
    target, so its ends are event times, without the midpoint rule of the estimate."""
    valid = ~np.isnan(band)
    hits = np.flatnonzero(valid & (band <= target + TOLERANCE))
    return float(times[hits[0]]) if hits.size else None


def km_summary(time, event, *, conf_level=0.95, landmarks=(), convention="sas") -> dict:
    """Median, quartiles with Brookmeyer-Crowley log-log CIs, landmark rates, reverse-KM follow-up.

    ``time`` >= 0 in any unit; ``event`` 1 = event, 0 = censored. Values that cannot be estimated
    are ``None``.
    """
    if convention not in ("sas", "r"):
        raise ValueError(f"unknown convention {convention!r}; expected 'sas' or 'r'")
    time = np.asarray(time, dtype=float)
    event = np.asarray(event)
    if time.shape != event.shape or time.ndim != 1:
        raise ValueError("time and event must be one-dimensional and of the same length")
    if time.size == 0:
        raise ValueError("no subjects")
    if np.isnan(time).any() or (time < 0).any():
        raise ValueError("time must be non-negative and not missing")
    if not np.isin(event, (0, 1)).all():
        raise ValueError("event must be 0 (censored) or 1 (event)")
    event = event.astype(int)
    z = stats.norm.ppf(1 - (1 - conf_level) / 2)
    result = {"n": int(time.size), "events": int(event.sum())}

    curve = _curve(time, event)
    lower, upper = _loglog_band(curve["surv"], curve["greenwood"], z)
    step = {"last_time": float(time.max()), "convention": convention}
    for name, p in (("q25", 0.25), ("median", 0.5), ("q75", 0.75)):
        target = 1 - p
        result[name] = _quantile(curve["time"], curve["surv"], target, **step)
        if convention == "r":
            # quantile.survfit finds the limits with the same step rule on the bands.
            result[f"{name}_lcl"] = _quantile(curve["time"], lower, target, **step)
            result[f"{name}_ucl"] = _quantile(curve["time"], upper, target, **step)
        else:
            result[f"{name}_lcl"] = _limit(curve["time"], lower, target)
            result[f"{name}_ucl"] = _limit(curve["time"], upper, target)

    reverse = _curve(time, 1 - event)
    result["followup_median"] = _quantile(reverse["time"], reverse["surv"], 0.5, **step)

    result["landmarks"] = []
    for t in landmarks:
        entry = {
            "time": float(t),
            "surv": None,
            "lcl": None,
            "ucl": None,
            "n_risk": int((time >= t).sum()),
        }
        # R (summary.survfit with extend) carries the last value past the last follow-up time;
        # the SAS convention reports nothing there.
        if t <= time.max() or convention == "r":
            step = np.searchsorted(curve["time"], t, side="right") - 1
            if step < 0:
                entry["surv"] = 1.0
                # R's curve starts with S = 1 and a degenerate [1, 1] interval before the first
                # observed time; after a censored time with S still 1 it has no interval.
                if convention == "r" and t < time.min():
                    entry["lcl"] = entry["ucl"] = 1.0
            else:
                entry["surv"] = float(curve["surv"][step])
                if not np.isnan(lower[step]):
                    entry["lcl"] = float(lower[step])
                    entry["ucl"] = float(upper[step])
        result["landmarks"].append(entry)
    return result
