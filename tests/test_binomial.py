"""Clopper-Pearson interval and exact one-sided p-value against independent references."""

from __future__ import annotations

from math import comb

import pytest

from oncocsr.stats.binomial import response_rate


def test_clopper_pearson_matches_published_values():
    # 4/20: exact 95% CI 0.0573 to 0.4366 (e.g. Newcombe 1998, Stat Med 17:857, table II).
    result = response_rate(4, 20)
    assert result["lcl"] == pytest.approx(0.05734, abs=5e-5)
    assert result["ucl"] == pytest.approx(0.43661, abs=5e-5)


def test_zero_and_all_responders_have_one_sided_limits():
    # 0/10: upper limit 1 - 0.025**(1/10); 10/10: lower limit 0.025**(1/10).
    assert response_rate(0, 10)["lcl"] == 0
    assert response_rate(0, 10)["ucl"] == pytest.approx(1 - 0.025 ** (1 / 10), abs=1e-9)
    assert response_rate(10, 10)["lcl"] == pytest.approx(0.025 ** (1 / 10), abs=1e-9)


def test_one_sided_exact_p_value_is_the_upper_binomial_tail():
    # P(X >= 8 | n = 43, p = 0.10) summed by hand.
    expected = sum(comb(43, k) * 0.1**k * 0.9 ** (43 - k) for k in range(8, 44))
    assert response_rate(8, 43, p0=0.10)["p_value"] == pytest.approx(expected, rel=1e-9)
    assert "p_value" not in response_rate(8, 43)


@pytest.mark.parametrize(("k", "n"), [(-1, 10), (11, 10), (0, 0)])
def test_impossible_counts_are_refused(k, n):
    with pytest.raises(ValueError, match="responders"):
        response_rate(k, n)
