"""Simon's two-stage designs for a single-arm phase II trial (Simon 1989; SAP sections 1, 6).

Stage 1 treats n1 subjects and stops for futility with r1 or fewer responses; otherwise n in all
are treated and H0 (p <= p0) is rejected with more than r responses. The search is written here
because no pinned dependency provides it (R's clinfun::ph2simon is the usual reference); it is
vectorised over (r1, r) for each (n1, n) pair.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from functools import lru_cache

import numpy as np


@dataclass(frozen=True)
class SimonDesign:
    r1: int
    n1: int
    r: int
    n: int
    alpha: float
    power: float
    en0: float
    pet0: float

    def as_dict(self) -> dict:
        return asdict(self)


def _binomial_tables(n_max: int, p: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """P(X = x), P(X > x) and P(X <= x) of B(m, p) for every m, x in 0..n_max (rows m,
    columns x)."""
    # One vectorised scipy call per table instead of several per (n1, n) pair of the search,
    # which spent most of its time in scipy's per-call overhead; the values are the same.
    binom = _binom()
    m = np.arange(n_max + 1)[:, None]
    x = np.arange(n_max + 1)[None, :]
    return binom.pmf(x, m, p), binom.sf(x, m, p), binom.cdf(x, m, p)


def _binom():
    # Imported on first use: scipy.stats takes 1 to 2 s to import, and the workflow imports this
    # module at every start for has_design, which needs no scipy.
    from scipy import stats

    return stats.binom


def _plain_binomial_tables(n_max: int, p: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``_binomial_tables`` from log-gamma with numpy, without scipy: exact to about 1e-13,
    enough for has_design, which allows for that (never for the designs themselves)."""
    m = np.arange(n_max + 1)[:, None]
    x = np.arange(n_max + 1)[None, :]
    lgamma = np.vectorize(math.lgamma)
    inside = x <= m
    log_pmf = (
        lgamma(m + 1.0)
        - lgamma(x + 1.0)
        - lgamma(np.where(inside, m - x, 0) + 1.0)
        + x * math.log(p)
        + np.where(inside, m - x, 0) * math.log1p(-p)
    )
    pmf = np.where(inside, np.exp(log_pmf), 0.0)
    cdf = np.cumsum(pmf, axis=1)
    return pmf, np.clip(1.0 - cdf, 0.0, 1.0), cdf


def _reject_probability(n1: int, n: int, tables: tuple[np.ndarray, ...]) -> np.ndarray:
    """P(reject H0) for every (r1, r): X1 > r1 and X1 + X2 > r, where X1 ~ B(n1, p) and
    X2 ~ B(n - n1, p), from ``_binomial_tables`` at p."""
    pmf, sf, _ = tables
    x1 = np.arange(n1 + 1)
    first = pmf[n1, : n1 + 1]
    # P(X2 > k) for k = r - x1 over all r in 0..n; k < 0 gives 1.
    r = np.arange(n + 1)
    k = r[None, :] - x1[:, None]
    survival = np.where(k < 0, 1.0, sf[n - n1, np.clip(k, 0, None)])
    joint = first[:, None] * survival
    # Sum over x1 > r1: reversed cumulative sum, shifted by one.
    tail = np.cumsum(joint[::-1], axis=0)[::-1]
    return np.vstack([tail[1:], np.zeros((1, n + 1))])


def _feasible(n1: int, n: int, null, alternative, alpha: float, power: float):
    """Type I error and power of every (r1, r) at (n1, n), and which of them meet the targets."""
    size = _reject_probability(n1, n, null)
    reach = _reject_probability(n1, n, alternative)
    r1_grid, r_grid = np.meshgrid(np.arange(n1 + 1), np.arange(n + 1), indexing="ij")
    feasible = (size <= alpha) & (reach >= power) & (r_grid >= r1_grid) & (r1_grid < n1)
    return size, reach, feasible


def has_design(
    p0: float, p1: float, alpha: float = 0.05, power: float = 0.80, n_max: int = 100
) -> bool:
    """Whether :func:`search_designs` can find a design: it stops at the first feasible one and
    needs no scipy, so the workflow can check a study's hypothesis at every start (0.2 s). The
    targets are widened by 1e-9, far above the tables' rounding, so that a design the search
    finds is never refused here."""
    if not 0 < p0 < p1 < 1:
        return False
    null, alternative = _plain_binomial_tables(n_max, p0), _plain_binomial_tables(n_max, p1)
    return any(
        _feasible(n1, n, null, alternative, alpha + 1e-9, power - 1e-9)[2].any()
        for n in range(2, n_max + 1)
        for n1 in range(1, n)
    )


@lru_cache(maxsize=16)
def search_designs(
    p0: float, p1: float, alpha: float = 0.05, power: float = 0.80, n_max: int = 100
) -> dict:
    """The optimal (smallest expected size under p0) and minimax (smallest n, then expected
    size) designs with type I error <= ``alpha`` and power >= ``power``."""
    if not 0 < p0 < p1 < 1:
        raise ValueError(f"need 0 < p0 < p1 < 1, got p0={p0}, p1={p1}")
    best: dict[str, SimonDesign | None] = {"optimal": None, "minimax": None}
    null, alternative = _binomial_tables(n_max, p0), _binomial_tables(n_max, p1)
    for n in range(2, n_max + 1):
        for n1 in range(1, n):
            # EN0 = n1 + (1 - PET0)(n - n1) >= n1, so once n1 passes the best EN0 so far no
            # design from here on can improve the optimal one. Nor the minimax one: at a larger n
            # it cannot, and while n is the minimax n both are the same design.
            optimal = best["optimal"]
            if optimal is not None and n1 > optimal.en0 + 1e-9:
                break
            size, reach, feasible = _feasible(n1, n, null, alternative, alpha, power)
            if not feasible.any():
                continue
            pet0 = null[2][n1, : n1 + 1]
            en0 = n1 + (1 - pet0) * (n - n1)
            # Within a row (one r1) every feasible r has the same n and EN0, so only the first
            # can replace the best so far: one candidate per row instead of one per cell.
            for r1 in np.flatnonzero(feasible.any(axis=1)):
                r = int(np.argmax(feasible[r1]))
                design = SimonDesign(
                    int(r1),
                    n1,
                    int(r),
                    n,
                    float(size[r1, r]),
                    float(reach[r1, r]),
                    float(en0[r1]),
                    float(pet0[r1]),
                )
                optimal = best["optimal"]
                if optimal is None or design.en0 < optimal.en0 - 1e-12:
                    best["optimal"] = design
                minimax = best["minimax"]
                if minimax is None or (design.n, design.en0) < (minimax.n, minimax.en0 - 1e-12):
                    best["minimax"] = design
    if best["optimal"] is None:
        raise ValueError(f"no design with n <= {n_max} meets alpha={alpha} and power={power}")
    return best


def _stage1(design: SimonDesign, p: float) -> np.ndarray:
    return _binom().pmf(np.arange(design.n1 + 1), design.n1, p)


def tail_probability(design: SimonDesign, stage: int, responses: int, p: float) -> float:
    """P(T >= t) under the stagewise ordering (Koyama & Chen 2008): every outcome that goes on to
    stage 2 ranks above every outcome that stops at stage 1; within a stage, more responses rank
    higher. ``responses`` is the cumulative number at the stage where the trial ended."""
    first = _stage1(design, p)
    continues = np.arange(design.r1 + 1, design.n1 + 1)
    if stage == 1:
        return float(first[continues].sum() + first[responses : design.r1 + 1].sum())
    needed = responses - continues
    return float((first[continues] * _binom().sf(needed - 1, design.n - design.n1, p)).sum())


def point_probability(design: SimonDesign, stage: int, responses: int, p: float) -> float:
    """P(T = t): the probability of exactly this outcome."""
    first = _stage1(design, p)
    if stage == 1:
        return float(first[responses])
    continues = np.arange(design.r1 + 1, design.n1 + 1)
    return float(
        (first[continues] * _binom().pmf(responses - continues, design.n - design.n1, p)).sum()
    )


def two_stage_inference(
    design: SimonDesign, stage: int, responses: int, p0: float, conf_level: float = 0.95
) -> dict:
    """Inference that respects the two-stage design (Koyama & Chen 2008): the stagewise-ordering
    p-value for H0: p <= p0, the median-unbiased estimate and the exact confidence interval."""
    from scipy.optimize import brentq

    if stage == 1 and not 0 <= responses <= design.r1:
        raise ValueError(
            f"a trial stopped at stage 1 has 0 to {design.r1} responses, not {responses}"
        )
    if stage == 2 and not design.r1 + 1 <= responses <= design.n:
        raise ValueError(
            f"a trial completed has {design.r1 + 1} to {design.n} responses, not {responses}"
        )
    half = (1 - conf_level) / 2
    lowest = stage == 1 and responses == 0
    highest = stage == 2 and responses == design.n
    eps = 1e-12

    def at_least(p: float) -> float:
        return tail_probability(design, stage, responses, p)

    def at_most(p: float) -> float:
        return 1 - at_least(p) + point_probability(design, stage, responses, p)

    # The lowest outcome has P(T >= t) = 1 for every p: its median is where P(T <= t) = 1/2.
    median = at_most if lowest else at_least
    estimate = brentq(lambda p: median(p) - 0.5, eps, 1 - eps, xtol=1e-12)
    lcl = 0.0 if lowest else brentq(lambda p: at_least(p) - half, eps, 1 - eps, xtol=1e-12)
    ucl = 1.0 if highest else brentq(lambda p: at_most(p) - half, eps, 1 - eps, xtol=1e-12)
    return {
        "p_value": at_least(p0),
        "estimate": float(estimate),
        "lcl": float(lcl),
        "ucl": float(ucl),
    }
