"""Response rates: exact Clopper-Pearson interval and one-sided exact binomial test (SAP 6)."""

from __future__ import annotations

from scipy import stats


def response_rate(
    responders: int, n: int, *, p0: float | None = None, conf_level: float = 0.95
) -> dict:
    """Proportion with its exact (Clopper-Pearson) CI and, given ``p0``, the one-sided exact
    p-value for H0: p <= p0 (scipy's ``binomtest``, whose ``exact`` interval is Clopper-Pearson)."""
    if n < 1 or not 0 <= responders <= n:
        raise ValueError(f"need 0 <= responders <= n and n >= 1, got {responders}/{n}")
    # The interval is two-sided whatever the test's alternative: take it from a two-sided test.
    interval = stats.binomtest(responders, n).proportion_ci(
        confidence_level=conf_level, method="exact"
    )
    result = {
        "n": responders,
        "N": n,
        "estimate": responders / n,
        "lcl": float(interval.low),
        "ucl": float(interval.high),
    }
    if p0 is not None:
        result["p_value"] = float(
            stats.binomtest(responders, n, p=p0, alternative="greater").pvalue
        )
    return result
