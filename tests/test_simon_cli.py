"""Simon two-stage designs against Simon (1989) and the statisticians' command-line tools."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from oncocsr.stats.simon import has_design, search_designs

# Simon R. Optimal two-stage designs for phase II clinical trials. Control Clin Trials
# 1989;10:1-10, Table 1 (alpha = 0.05, power = 0.80): r1/n1, r/n, EN(p0), PET(p0).
SIMON_1989 = {
    (0.05, 0.25): {"optimal": (0, 9, 2, 17, 12.0, 0.63), "minimax": (0, 12, 2, 16, 13.8, 0.54)},
    (0.10, 0.25): {"optimal": (2, 18, 7, 43, 24.7, 0.73), "minimax": (2, 22, 7, 40, 28.8, 0.62)},
    (0.20, 0.40): {"optimal": (3, 13, 12, 43, 20.6, 0.75), "minimax": (4, 18, 10, 33, 22.3, 0.72)},
}


@pytest.mark.parametrize("rates", sorted(SIMON_1989))
def test_designs_reproduce_simon_1989(rates):
    designs = search_designs(*rates, alpha=0.05, power=0.80)
    for kind, (r1, n1, r, n, en0, pet0) in SIMON_1989[rates].items():
        design = designs[kind]
        assert (design.r1, design.n1, design.r, design.n) == (r1, n1, r, n), kind
        assert round(design.en0, 1) == en0 and round(design.pet0, 2) == pet0
        assert design.alpha <= 0.05 and design.power >= 0.80


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "oncocsr", *args], capture_output=True, text=True)


def test_simon_and_binom_commands_print_json():
    designs = json.loads(cli("simon", "--p0", "0.1", "--p1", "0.25").stdout)
    assert designs["optimal"] | {"en0": 0, "pet0": 0} == {
        "r1": 2,
        "n1": 18,
        "r": 7,
        "n": 43,
        "en0": 0,
        "pet0": 0,
    }
    rate = json.loads(cli("binom", "--responders", "4", "--n", "20").stdout)
    assert rate["lcl"] == pytest.approx(0.05734, abs=5e-5) and rate["ucl"] == pytest.approx(
        0.43661, abs=5e-5
    )


def test_km_command(tmp_path):
    path = tmp_path / "pfs.csv"
    path.write_text("months,dead\n" + "".join(f"{t},1\n" for t in range(1, 7)))
    result = json.loads(
        cli("km", str(path), "--time", "months", "--event", "dead", "--landmarks", "2").stdout
    )
    # Six events at 1..6: S = 0.5 on the flat step [3, 4): median 3.5 (hand calculation).
    assert result["median"] == 3.5 and result["landmarks"][0]["n_risk"] == 5
    assert set(result) == {
        "n",
        "events",
        "median",
        "median_lcl",
        "median_ucl",
        "q25",
        "q25_lcl",
        "q25_ucl",
        "q75",
        "q75_lcl",
        "q75_ucl",
        "followup_median",
        "landmarks",
    }


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        (None, ["--time", "t", "--event", "e"], "cannot be read"),
        ("t,e\n1,1\n", ["--time", "t", "--event", "x"], "no column 'x'"),
        ("t,e\n1,1\nsoon,0\n", ["--time", "t", "--event", "e"], "row 3: 'soon'"),
        ("t,e\n1,1\n2,2\n", ["--time", "t", "--event", "e"], "must be 1 (event) or 0"),
    ],
)
def test_km_command_bad_input_is_one_line_and_exit_2(tmp_path, content, args, message):
    path = tmp_path / "data.csv"
    if content is not None:
        path.write_text(content)
    result = cli("km", str(path), *args)
    assert result.returncode == 2 and result.stdout == ""
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_simon_without_a_design_is_a_clear_error():
    result = cli("simon", "--p0", "0.3", "--p1", "0.2")
    assert result.returncode == 2 and "p0 < p1" in result.stderr


def enumerate_outcomes(design, p):
    """Every outcome (stage, cumulative responses) and its probability, by brute force."""
    from math import comb

    n2 = design.n - design.n1
    outcomes = {}
    for x1 in range(design.n1 + 1):
        p1 = comb(design.n1, x1) * p**x1 * (1 - p) ** (design.n1 - x1)
        if x1 <= design.r1:
            outcomes[(1, x1)] = outcomes.get((1, x1), 0) + p1
            continue
        for x2 in range(n2 + 1):
            p2 = comb(n2, x2) * p**x2 * (1 - p) ** (n2 - x2)
            outcomes[(2, x1 + x2)] = outcomes.get((2, x1 + x2), 0) + p1 * p2
    return outcomes


@pytest.mark.parametrize("outcome", [(1, 0), (1, 2), (2, 3), (2, 7), (2, 8), (2, 12)])
def test_stagewise_p_value_and_estimate(outcome):
    from oncocsr.stats.simon import two_stage_inference

    design = search_designs(0.10, 0.25)["optimal"]
    probabilities = enumerate_outcomes(design, 0.10)
    # Stagewise ordering: (stage, responses) compared as tuples; P(T >= t) summed by brute force.
    expected = sum(prob for key, prob in probabilities.items() if key >= outcome)
    result = two_stage_inference(design, *outcome, p0=0.10)
    assert result["p_value"] == pytest.approx(expected, rel=1e-9)
    # Median unbiased: at the estimate the outcome is the median; limits are exact 2.5% tails.
    at = enumerate_outcomes(design, result["estimate"])
    above = sum(prob for key, prob in at.items() if key >= outcome)
    below = sum(prob for key, prob in at.items() if key <= outcome)
    assert above == pytest.approx(0.5, abs=1e-8) or below == pytest.approx(0.5, abs=1e-8)
    if result["lcl"] > 0:
        tail = sum(
            prob
            for key, prob in enumerate_outcomes(design, result["lcl"]).items()
            if key >= outcome
        )
        assert tail == pytest.approx(0.025, abs=1e-8)
    tail = sum(
        prob for key, prob in enumerate_outcomes(design, result["ucl"]).items() if key <= outcome
    )
    assert tail == pytest.approx(0.025, abs=1e-8)


def test_stage_one_look_and_two_stage_inference_into_the_ard():
    import pandas as pd

    from oncocsr.endpoints import simon_ard
    from oncocsr.stats.simon import two_stage_inference

    design = {"p0": 0.10, "p1": 0.25, "alpha": 0.05, "power": 0.80}
    # 43 subjects dosed on consecutive days, listed in reverse; responders are the 3rd, 10th and
    # 17th treated (stage 1: 3 > r1 = 2, continue) and six later ones: 9 in all.
    responders = {3, 10, 17, 20, 25, 30, 35, 40, 43}
    cbor = pd.DataFrame(
        {
            "USUBJID": [f"S{k:02d}" for k in range(43, 0, -1)],
            "TRTSDT": pd.Timestamp("2015-01-01") + pd.to_timedelta(range(42, -1, -1), unit="D"),
            "AVALC": ["PR" if k in responders else "SD" for k in range(43, 0, -1)],
        }
    )
    rows = simon_ard(cbor, "Total", design, 0.95, "x").set_index("stat_name")["stat_value"]
    assert (rows["n1"], rows["r1"], rows["n"], rows["r"]) == (18, 2, 43, 7)
    assert (rows["stage1_responders"], rows["stage1_continue"], rows["responders"]) == (3, 1, 9)
    plan = search_designs(0.10, 0.25)["optimal"]
    assert rows["p_value"] == pytest.approx(two_stage_inference(plan, 2, 9, 0.10)["p_value"])
    # Not the planned size: no two-stage inference.
    short = simon_ard(cbor.iloc[1:], "Total", design, 0.95, "x").set_index("stat_name")[
        "stat_value"
    ]
    assert short[["p_value", "estimate", "lcl", "ucl"]].isna().all()


@pytest.mark.parametrize(
    "rates", [(0.10, 0.25, 0.05, 0.80), (0.20, 0.40, 0.05, 0.90), (0.10, 0.11, 0.05, 0.80)]
)
def test_has_design_answers_as_the_full_search(rates):
    """The start-up check stops at the first feasible design; it must agree with the search."""
    try:
        search_designs(*rates)
        found = True
    except ValueError:
        found = False
    assert has_design(*rates) is found
