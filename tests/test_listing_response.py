"""Listing 16.2.1: the overall response by visit next to its RECIST 1.1 components."""

from __future__ import annotations

import pandas as pd

from oncocsr.tlf.listings import tumour_response_listing

T = pd.Timestamp


def response_data(components: bool = True) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Subject A: baseline sum 100 on 2020-01-01; 2020-02-12 (day 42): 60 (nadir 100, -40%);
    2020-03-25 (day 84): 75 = -25% from baseline but +25% over the nadir 60, with a new lesion:
    PD. Subject B is not in the FAS."""
    dates = [T("2020-02-12"), T("2020-03-25")]
    adrs = pd.DataFrame(
        {
            "USUBJID": ["A", "A", "A", "B"],
            "PARAMCD": ["OVR", "OVR", "CBOR", "OVR"],
            "AVALC": ["PR", "PD", "PD", "SD"],
            "ADT": [*dates, pd.NaT, dates[0]],
            "ADY": [42, 84, None, 42],
            "VISIT": ["WEEK 6", "WEEK 12", "", "WEEK 6"],
            "FASFL": ["Y", "Y", "Y", "N"],
        }
    )
    adtr = pd.DataFrame(
        {
            "USUBJID": "A",
            "PARAMCD": "SUMDIAM",
            "ADT": [T("2020-01-01"), *dates],
            "AVAL": [100.0, 60.0, 75.0],
            "NADIR": [None, 100.0, 60.0],
            "PCHG": [None, -40.0, -25.0],
            "PCHGNAD": [None, -40.0, 25.0],
            "AVALC": "",
        }
    )
    if components:
        adtr = pd.concat(
            [
                adtr,
                pd.DataFrame(
                    {
                        "USUBJID": "A",
                        "PARAMCD": ["NTRGRESP", "NTRGRESP", "NEWLIND", "NEWLIND"],
                        "ADT": dates * 2,
                        "AVALC": ["NON-CR/NON-PD", "NON-CR/NON-PD", "N", "Y"],
                    }
                ),
            ],
            ignore_index=True,
        )
    return adrs, adtr


def test_listing_shows_sum_nadir_changes_non_target_and_new_lesion_per_visit():
    listing = tumour_response_listing(*response_data())
    assert listing.columns[4:10] == [
        "Sum (mm)",
        "Nadir (mm)",
        "Change from baseline (%)",
        "Change from nadir (%)",
        "Non-target response",
        "New lesion",
    ]
    assert listing.rows == [
        [
            "A",
            "WEEK 6",
            "2020-02-12",
            "42",
            "60",
            "100",
            "-40",
            "-40",
            "NON-CR/NON-PD",
            "N",
            "PR",
            "PD",
        ],
        [
            "A",
            "WEEK 12",
            "2020-03-25",
            "84",
            "75",
            "60",
            "-25",
            "25",
            "NON-CR/NON-PD",
            "Y",
            "PD",
            "PD",
        ],
    ]
    assert not any("Not collected" in note for note in listing.footnotes)
    assert listing.footnotes[-1].startswith("Non-target response blank: no non-target lesion")


def test_listing_says_which_components_were_not_collected():
    listing = tumour_response_listing(*response_data(components=False))
    assert [row[8:10] for row in listing.rows] == [["", ""], ["", ""]]
    assert listing.footnotes[-1] == "Not collected: non-target response and new lesions."
