"""Figures 14.2.2 (forest) and 14.2.8 (waterfall, spider, swimmer): drawn objects and SVG bytes."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import matplotlib.pyplot as plt
import matplotlib.text
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_rgba

from oncocsr import ard
from oncocsr.dates import DAYS_PER_MONTH
from oncocsr.tlf import figures

START = pd.Timestamp("2020-01-01")
SUBGROUPS = [
    {"variable": "AGEGR1", "label": "Age group", "levels": ["<50", ">=50"]},
    {"variable": "ECOGBL", "label": "Baseline ECOG", "levels": ["0", "1"]},
]
DESIGN = {"p0": 0.1, "p1": 0.25, "alpha": 0.05, "power": 0.8, "arms": []}


def on_day(n: float) -> pd.Timestamp:
    """Date of study day ``n`` (day 1 = first dose)."""
    return START + pd.Timedelta(days=n - 1)


def colour(code: str) -> tuple:
    return to_rgba(figures.RESPONSES[code][1])


@pytest.fixture
def tumour():
    """ADTR and ADRS of five subjects; E is not in the FAS."""
    best = {"A": 35.0, "B": -50.0, "C": 150.0, "D": -10.0, "E": 80.0}
    cbor = {"A": "PD", "B": "PR", "C": "PD", "D": "SD", "E": "SD"}
    bpchg = pd.DataFrame(
        {"USUBJID": list(best), "PARAMCD": "BPCHG", "AVAL": list(best.values())}
    ).assign(FASFL=lambda f: np.where(f["USUBJID"] == "E", "", "Y"))
    sums = pd.DataFrame(
        [
            ("A", "Y", -3, np.nan),
            ("A", "", 42, 35.0),
            ("B", "Y", -5, np.nan),
            ("B", "", 42, -20.0),
            ("B", "", 84, -50.0),
            ("D", "Y", -2, np.nan),  # D has no post-baseline sum: no line
        ],
        columns=["USUBJID", "ABLFL", "ADY", "PCHG"],
    ).assign(PARAMCD="SUMDIAM", FASFL="Y")
    adrs = pd.DataFrame(
        {"USUBJID": list(cbor), "PARAMCD": "CBOR", "AVALC": list(cbor.values()), "FASFL": "Y"}
    )
    return pd.concat([bpchg, sums], ignore_index=True), adrs


def subjects(n: int, responders: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """ADSL, ADRS and ADTTE of ``n`` subjects treated 10, 20, ... days; the first
    ``responders`` have a confirmed PR from day 43."""
    ids = [f"S{i:03d}" for i in range(n)]
    adsl = pd.DataFrame(
        {
            "USUBJID": ids,
            "SUBJID": [i[1:] for i in ids],
            "FASFL": "Y",
            "TRTSDT": START,
            "TRTEDT": [on_day(10 * (i + 1)) for i in range(n)],
            "LSTALVDT": on_day(700),
            "DTHDT": pd.NaT,
            "EOTSTT": "DISCONTINUED",
        }
    )
    responder = np.arange(n) < responders
    adrs = pd.concat(
        [
            pd.DataFrame(
                {"USUBJID": ids, "PARAMCD": "CBOR", "AVALC": np.where(responder, "PR", "SD")}
            ),
            pd.DataFrame(
                {
                    "USUBJID": ids,
                    "PARAMCD": "CRSP",
                    "AVALC": np.where(responder, "Y", "N"),
                    "ADT": np.where(responder, on_day(43), pd.NaT),
                }
            ),
        ],
        ignore_index=True,
    )
    adtte = pd.DataFrame(
        {"USUBJID": ids, "PARAMCD": "PFS", "CNSR": 1, "ADT": on_day(700), "EVNTDESC": ""}
    )
    return adsl, adrs, adtte


def subgroup_ard(with_nan: bool = False) -> pd.DataFrame:
    """ARD of the ORR of the FAS and of two subgroups (ECOG listed before age in the data, age
    first in the SAP); ``with_nan`` gives ECOG 1 an ORR without a CI."""
    common = {"tlf_id": "14.2.2", "population": "FAS", "group": "Arm", "source_dataset": "ADRS"}
    common |= {"filter": "", "method": "", "input_sha256": ""}
    frames = [
        ard.rows(
            analysis_id="ORR-FAS",
            variable="CRSP",
            stats={
                "N": (10, ""),
                "n": (3, ""),
                "estimate": (0.3, ""),
                "lcl": (0.07, ""),
                "ucl": (0.65, ""),
            },
            **common,
        )
    ]
    levels = {"ECOGBL=0": (4, 1), "ECOGBL=1": (6, 2), "AGEGR1=>=50": (3, 1), "AGEGR1=<50": (7, 2)}
    for variable, (total, responders) in levels.items():
        missing = with_nan and variable == "ECOGBL=1"
        rate = responders / total
        stats = {
            "N": (total, ""),
            "n": (responders, ""),
            "orr": (rate, ""),
            "orr_lcl": (None if missing else rate / 3, ""),
            "orr_ucl": (None if missing else min(1.0, 2 * rate), ""),
        }
        frames.append(ard.rows(analysis_id="SUBGROUP", variable=variable, stats=stats, **common))
    return ard.combine(frames)


def draw(helper, *args, **kwargs) -> plt.Figure:
    with plt.rc_context(figures.STYLE):
        return helper(*args, **kwargs)


def by_gid(figure: plt.Figure) -> dict:
    return {artist.get_gid(): artist for artist in figure.axes[0].collections}


def test_waterfall_bars_sorted_descending_coloured_by_response_and_truncated(tumour):
    figure = draw(figures._waterfall, *tumour)
    bars = by_gid(figure)["bars"]
    tops = [path.vertices[1, 1] for path in bars.get_paths()]
    # E is not in the FAS; C (+150%) is truncated at the axis limit.
    assert tops == [figures.LIMIT, 35.0, -10.0, -50.0]
    expected = [colour(code) for code in ("PD", "PD", "SD", "PR")]
    assert np.allclose(bars.get_facecolors(), expected)
    truncated = [c for c in figure.axes[0].collections if c.get_label().startswith("Above")]
    assert [offset[0] for offset in truncated[0].get_offsets()] == [0]
    plt.close(figure)


def test_waterfall_marks_the_components_of_the_first_progression_and_no_pd_line(tumour):
    adtr, adrs = tumour
    # A (+35%) progressed by target lesions and a new lesion; B (-50% from baseline) by target
    # lesions regrowing over the nadir (RECIST 1.1: the nadir, not the baseline); C (+150%,
    # truncated) by non-target lesions; D did not progress.
    first = pd.DataFrame(
        [
            (subject, code, value)
            for subject, codes in {"A": "YNY", "B": "YNN", "C": "NYN", "D": "NNN"}.items()
            for code, value in zip(["PDTRG", "PDNTRG", "PDNEWL"], codes, strict=True)
        ],
        columns=["USUBJID", "PARAMCD", "AVALC"],
    ).assign(FASFL="Y")
    figure = draw(figures._waterfall, pd.concat([adtr, first], ignore_index=True), adrs)
    markers = {gid: artist.get_offsets().tolist() for gid, artist in by_gid(figure).items()}
    # Bars in order C, A, D, B at x 0..3. Beyond each bar's end by 5 points of %, the next
    # component 6 further; C's truncated bar carries its triangle at LIMIT + 5, its marker
    # goes to LIMIT + 10 and is clipped to the axis at LIMIT + 8.
    assert markers["PDTRG"] == [[1, 40.0], [3, -55.0]]
    assert markers["PDNTRG"] == [[0, figures.LIMIT + 8]]
    assert markers["PDNEWL"] == [[1, 46.0]]
    # No reference line at +20%: progression is from the nadir; the -30% PR line stays.
    levels = {line.get_ydata()[0] for line in figure.axes[0].get_lines()}
    assert 20 not in levels and -30 in levels
    legend = [text.get_text() for legend in figure.legends for text in legend.get_texts()]
    assert "PD: new lesion" in legend and not any(t.startswith("Not collected") for t in legend)
    plt.close(figure)


def test_waterfall_says_which_progression_components_were_not_collected(tumour):
    adtr, adrs = tumour
    first = pd.DataFrame({"USUBJID": ["A"], "PARAMCD": "PDTRG", "AVALC": "Y", "FASFL": "Y"})
    figure = draw(figures._waterfall, pd.concat([adtr, first], ignore_index=True), adrs)
    legend = [text.get_text() for legend in figure.legends for text in legend.get_texts()]
    assert "Not collected: non-target lesions, new lesions" in legend
    plt.close(figure)


def test_spider_starts_at_zero_and_skips_subjects_without_follow_up(tumour):
    figure = draw(figures._spider, *tumour)
    lines = by_gid(figure)["lines"]
    segments = sorted(lines.get_segments(), key=len)
    assert len(segments) == 2  # A and B; D has a baseline only
    months = 42 / DAYS_PER_MONTH
    assert np.allclose(segments[0], [[0, 0], [months, 35.0]])
    assert np.allclose(segments[1], [[0, 0], [months, -20.0], [2 * months, -50.0]])
    # PD first, so the responder's line is drawn on top.
    assert np.allclose(lines.get_colors(), [colour("PD"), colour("PR")])
    plt.close(figure)


def test_swimmer_shows_every_subject_up_to_the_limit_longest_on_top():
    figure = draw(figures._swimmer, *subjects(figures.SWIMMER_MAX, responders=2))
    labels = [tick.get_text() for tick in figure.axes[0].get_yticklabels()]
    assert len(labels) == figures.SWIMMER_MAX
    assert labels[-1] == f"{figures.SWIMMER_MAX - 1:03d}"  # the longest treatment, at the top
    assert figure.axes[0].get_title(loc="left") == ""
    plt.close(figure)


def test_swimmer_shows_confirmed_responders_only_above_the_limit():
    figure = draw(figures._swimmer, *subjects(figures.SWIMMER_MAX + 1, responders=5))
    labels = [tick.get_text() for tick in figure.axes[0].get_yticklabels()]
    assert sorted(labels) == ["000", "001", "002", "003", "004"]
    title = figure.axes[0].get_title(loc="left")
    assert title == f"Confirmed responders only: 5 of {figures.SWIMMER_MAX + 1} subjects"
    plt.close(figure)


def test_swimmer_caps_responders_at_the_limit_by_treatment_duration():
    figure = draw(figures._swimmer, *subjects(200, responders=100))
    labels = [tick.get_text() for tick in figure.axes[0].get_yticklabels()]
    # Responders 040 to 099 are treated longest.
    assert sorted(labels) == [f"{i:03d}" for i in range(40, 100)]
    assert figure.axes[0].get_title(loc="left").startswith(f"The {figures.SWIMMER_MAX} confirmed")
    plt.close(figure)


def test_swimmer_markers_response_onset_progression_death_and_ongoing():
    adsl, adrs, adtte = subjects(3, responders=1)
    adsl["DTHDT"] = [on_day(200), pd.NaT, on_day(50)]
    adsl["EOTSTT"] = ["DISCONTINUED", "ONGOING", "DISCONTINUED"]
    adrs = pd.concat(
        [
            adrs,
            pd.DataFrame({"USUBJID": ["S000"], "PARAMCD": "PD", "AVALC": "Y", "ADT": on_day(150)}),
        ],
        ignore_index=True,
    )
    # S000: clinical progression before the radiological PD; S002: the PFS event is a death.
    adtte["CNSR"] = [0, 1, 0]
    adtte["ADT"] = [on_day(120), on_day(700), on_day(50)]
    adtte["EVNTDESC"] = ["Clinical progression (DS)", "", "Death"]
    figure = draw(figures._swimmer, adsl, adrs, adtte)
    markers = {
        gid: artist.get_offsets()[:, 0] * DAYS_PER_MONTH for gid, artist in by_gid(figure).items()
    }
    assert np.allclose(markers["onset"], [43])
    assert np.allclose(markers["progression"], [120])
    assert np.allclose(sorted(markers["death"]), [50, 200])
    assert len(markers["ongoing"]) == 1
    plt.close(figure)


def test_swimmer_shows_a_single_dose_subject_and_one_without_last_dose_date():
    adsl, adrs, adtte = subjects(3, responders=0)
    # S000: one dose (first = last dose date, one day of treatment); S001: no last-dose date.
    adsl["TRTEDT"] = [START, pd.NaT, on_day(300)]
    figure = draw(figures._swimmer, adsl, adrs, adtte)
    axis = figure.axes[0]
    span = np.diff(axis.get_xlim())[0]
    widths = {round(bar.get_y() + bar.get_height() / 2): bar.get_width() for bar in axis.patches}
    labels = [tick.get_text() for tick in axis.get_yticklabels()]
    # Last follow-up on day 700 (23.0 months) sets the axis: one day (0.03 months, 0.14% of
    # it) was a bar too thin to see and a missing last dose no bar at all; both now get the
    # minimum bar, S002 its 300 days (9.86 months).
    assert labels == ["001", "000", "002"]
    assert np.allclose([widths[0], widths[1]], figures.MIN_BAR * 700 / DAYS_PER_MONTH)
    assert widths[0] / span > 0.005
    assert np.isclose(widths[2], 300 / DAYS_PER_MONTH)
    plt.close(figure)


def test_forest_rows_follow_the_sap_order_under_the_fas_row():
    figure = draw(figures._forest, subgroup_ard(), subgroups=SUBGROUPS, design=DESIGN)
    texts = [t.get_text() for t in figure.axes[0].texts]
    labels = [
        t.strip()
        for t in texts
        if t.strip() in {"Full analysis set", "Age group", "<50", "≥50", "Baseline ECOG", "0", "1"}
    ]
    assert labels == ["Full analysis set", "Age group", "<50", "≥50", "Baseline ECOG", "0", "1"]
    assert "30.0 (7.0, 65.0)" in texts and "3/10" in texts
    plt.close(figure)


def test_forest_subgroup_without_ci_is_drawn_as_not_estimable():
    figure = draw(figures._forest, subgroup_ard(with_nan=True), subgroups=SUBGROUPS, design=DESIGN)
    texts = [t.get_text() for t in figure.axes[0].texts]
    assert "33.3 (NE, NE)" in texts
    plt.close(figure)


@pytest.mark.parametrize("name", ["waterfall", "spider", "swimmer", "forest"])
def test_svg_is_valid_deterministic_and_has_text_as_paths(name, tumour):
    swimmer = subjects(4, responders=1)
    calls = {
        "waterfall": lambda: figures.waterfall_figure(*tumour),
        "spider": lambda: figures.spider_figure(*tumour),
        "swimmer": lambda: figures.swimmer_figure(*swimmer),
        "forest": lambda: figures.forest_figure(
            subgroup_ard(with_nan=True), subgroups=SUBGROUPS, design=DESIGN
        ),
    }
    svg = calls[name]()
    assert ET.fromstring(svg).tag == "{http://www.w3.org/2000/svg}svg"
    assert svg == calls[name]()
    assert b"<text" not in svg and b"<dc:date>" not in svg


def test_large_study_rasterises_the_subject_layer_only():
    n = figures.RASTER_ABOVE + 1
    ids = [f"S{i:05d}" for i in range(n)]
    adtr = pd.DataFrame(
        {"USUBJID": ids, "PARAMCD": "BPCHG", "AVAL": np.linspace(-100, 60, n), "FASFL": "Y"}
    )
    adrs = pd.DataFrame({"USUBJID": ids, "PARAMCD": "CBOR", "AVALC": "SD"})
    svg = figures.waterfall_figure(adtr, adrs)
    assert svg.count(b"<image") == 1
    assert svg == figures.waterfall_figure(adtr, adrs)


def test_figures_without_data_still_render(tumour):
    adtr, adrs = tumour
    empty = adtr.iloc[:0]
    assert ET.fromstring(figures.waterfall_figure(empty, adrs)) is not None
    assert ET.fromstring(figures.spider_figure(empty, adrs)) is not None
    figure = draw(figures._swimmer, *subjects(figures.SWIMMER_MAX + 1, responders=0))
    assert figure.axes[0].get_yticklabels() == []
    assert figure.axes[0].texts[0].get_text() == "No subject to show"
    plt.close(figure)


# Text a figure must show as it is: between two '$', matplotlib's mathtext parsed it as TeX, and
# an unknown macro stopped the figure (issue 15: a SUBJID crashed the swimmer plot).
MATHTEXT = [r"$\undefinedmacro{$", r"$x^$", r"$\frac{$"]


def km_inputs(arms: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """ADTTE (PFS, two subjects per arm) and the KM ARD rows the figure reads, of ``arms``."""
    adtte = pd.DataFrame(
        {
            "USUBJID": [f"{i}-{arm}" for arm in arms for i in range(2)],
            "ACTARM": [arm for arm in arms for _ in range(2)],
            "PARAMCD": "PFS",
            "FASFL": "Y",
            "AVAL": [90.0, 200.0] * len(arms),
            "CNSR": [0, 1] * len(arms),
        }
    )
    stats = {"median": (3.0, ""), "n_risk_0m": (2, ""), "n_risk_3m": (1, "")}
    common = {"tlf_id": "14.2.5", "population": "FAS", "source_dataset": "ADTTE"}
    common |= {"filter": "", "method": "", "input_sha256": ""}
    frames = [
        ard.rows(analysis_id="KM-PFS", group=arm, variable="AVAL", stats=stats, **common)
        for arm in arms
    ]
    return adtte, ard.combine(frames)


def test_text_from_the_data_is_never_parsed_as_mathtext(tumour):
    """SUBJID, arm, subgroup and level names holding '$...$' render as text in every figure."""
    adsl, adrs, adtte = subjects(3, responders=1)
    adsl["SUBJID"] = MATHTEXT
    adsl["ACTARM"] = [MATHTEXT[0], MATHTEXT[0], MATHTEXT[1]]
    adtr, tumour_adrs = tumour
    adtr = adtr.assign(ACTARM=MATHTEXT[2])
    forest = subgroup_ard()
    forest = pd.concat([forest, forest.assign(group=MATHTEXT[0])], ignore_index=True)
    forest["variable"] = forest["variable"].str.replace("<50", MATHTEXT[1], regex=False)
    forest["result_id"] = [
        ard.result_id(*row)
        for row in forest[["analysis_id", "group", "variable", "stat_name"]].itertuples(index=False)
    ]
    subgroups = [{**SUBGROUPS[0], "label": MATHTEXT[2], "levels": [MATHTEXT[1]]}]
    km_adtte, km_ard = km_inputs(MATHTEXT[:2])
    svgs = [
        figures.swimmer_figure(adsl, adrs, adtte),
        figures.swimmer_figure(adsl, adrs, adtte, arm="ACTARM"),
        figures.waterfall_figure(adtr, tumour_adrs, "ACTARM"),
        figures.spider_figure(adtr, tumour_adrs, "ACTARM"),
        figures.forest_figure(forest, subgroups=subgroups, design=DESIGN),
        figures.km_figure(km_adtte, km_ard, paramcd="PFS", label="PFS", conf_level=0.95),
    ]
    assert all(ET.fromstring(svg).tag == "{http://www.w3.org/2000/svg}svg" for svg in svgs)
    # Drawn as the characters they are: every text of the figure, tick labels included (made
    # when it is drawn, as to_svg does inside the style), is plain text.
    with plt.rc_context(figures.STYLE):
        figure = figures._swimmer(adsl, adrs, adtte)
        figure.canvas.draw()
    texts = [text for text in figure.findobj(matplotlib.text.Text) if text.get_text()]
    assert {tick.get_text() for tick in figure.axes[0].get_yticklabels()} == set(MATHTEXT)
    assert texts and not any(text.get_parse_math() for text in texts)
    plt.close(figure)
