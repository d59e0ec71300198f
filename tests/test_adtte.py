"""ADTTE: PFS censoring rules and OS on hand-built subjects (SAP section 5)."""

from __future__ import annotations

import pandas as pd
from conftest import START, adsl_for, day, rs_records

from oncocsr.adam.adrs import derive_adrs
from oncocsr.adam.adtte import derive_adtte

PFS = {
    "assessment_interval_days": 42,
    "window_days": 7,
    "censor_new_therapy": True,
    "censor_missed_visits": True,
}


def tte(visits, sap, adsl=None, ds=None, **pfs):
    adsl = adsl if adsl is not None else adsl_for(sorted(visits))
    adrs = derive_adrs(rs_records(visits), adsl, **sap)
    ds = ds if ds is not None else pd.DataFrame(columns=["USUBJID", "DSSEQ", "DSDECOD", "DSSTDTC"])
    adtte = derive_adtte(adsl, adrs, ds, **(PFS | pfs))
    return {(row.USUBJID, row.PARAMCD): row for row in adtte.itertuples()}


def test_radiological_progression_is_an_event_with_its_source(sap_response):
    result = tte({"A": [(43, "SD"), (85, "PD")]}, sap_response)
    pfs = result[("A", "PFS")]
    # AVAL = ADT - STARTDT + 1 = study day of the PD assessment.
    assert (pfs.CNSR, pfs.AVAL, pfs.SRCDOM, pfs.SRCVAR, pfs.SRCSEQ) == (0, 85.0, "RS", "RSDTC", 2.0)


def test_no_event_is_censored_at_last_adequate_assessment(sap_response):
    result = tte({"A": [(43, "SD"), (85, "SD"), (127, "NE")]}, sap_response)
    pfs = result[("A", "PFS")]
    assert (pfs.CNSR, pfs.AVAL) == (4, 85.0)


def test_death_before_first_assessment_is_an_event(sap_response):
    adsl = adsl_for(["A"], DTHDT=START + pd.Timedelta(days=29))
    result = tte({"A": []}, sap_response, adsl=adsl)
    assert (result[("A", "PFS")].CNSR, result[("A", "PFS")].AVAL) == (0, 30.0)
    assert (result[("A", "OS")].CNSR, result[("A", "OS")].AVAL) == (0, 30.0)


def test_no_assessment_and_late_death_is_censored_at_day_1(sap_response):
    # Death on study day 120 is beyond 2 x 42 + 7 = 91 days: rule 1 censors at day 1.
    adsl = adsl_for(["A"], DTHDT=START + pd.Timedelta(days=119))
    pfs = tte({"A": []}, sap_response, adsl=adsl)[("A", "PFS")]
    assert (pfs.CNSR, pfs.AVAL, pfs.SRCDOM) == (1, 1.0, "ADSL")


def test_pd_after_two_missed_assessments_is_censored(sap_response):
    # Last adequate assessment day 43, PD on day 169: gap 126 days > 91 -> rule 3 at day 43.
    result = tte({"A": [(43, "SD"), (169, "PD")], "B": [(43, "SD"), (127, "PD")]}, sap_response)
    assert (result[("A", "PFS")].CNSR, result[("A", "PFS")].AVAL) == (3, 43.0)
    # One missed assessment (gap 84 days) keeps the event.
    assert (result[("B", "PFS")].CNSR, result[("B", "PFS")].AVAL) == (0, 127.0)
    switched_off = tte({"A": [(43, "SD"), (169, "PD")]}, sap_response, censor_missed_visits=False)
    assert switched_off[("A", "PFS")].CNSR == 0


def test_new_therapy_before_progression_is_censored(sap_response):
    adsl = adsl_for(["A"], NTRTDT=START + pd.Timedelta(days=100))
    result = tte({"A": [(43, "SD"), (85, "SD"), (127, "PD")]}, sap_response, adsl=adsl)
    assert (result[("A", "PFS")].CNSR, result[("A", "PFS")].AVAL) == (2, 85.0)
    switched_off = tte(
        {"A": [(43, "SD"), (85, "SD"), (127, "PD")]},
        sap_response,
        adsl=adsl,
        censor_new_therapy=False,
    )
    assert (switched_off[("A", "PFS")].CNSR, switched_off[("A", "PFS")].AVAL) == (0, 127.0)


def test_clinical_progression_counts_for_pfs_but_not_pfs2(sap_response):
    ds = pd.DataFrame(
        {"USUBJID": ["A"], "DSSEQ": [3.0], "DSDECOD": ["PROGRESSIVE DISEASE"], "DSSTDTC": [day(60)]}
    )
    result = tte({"A": [(43, "SD"), (85, "SD")]}, sap_response, ds=ds)
    assert (result[("A", "PFS")].CNSR, result[("A", "PFS")].AVAL, result[("A", "PFS")].SRCDOM) == (
        0,
        60.0,
        "DS",
    )
    assert (result[("A", "PFS2")].CNSR, result[("A", "PFS2")].AVAL) == (4, 85.0)


def test_alive_subject_is_censored_at_last_known_alive(sap_response):
    adsl = adsl_for(["A"], LSTALVDT=START + pd.Timedelta(days=199))
    os_ = tte({"A": [(43, "SD")]}, sap_response, adsl=adsl)[("A", "OS")]
    assert (os_.CNSR, os_.AVAL, os_.SRCVAR) == (1, 200.0, "LSTALVDT")


def test_duration_of_response_starts_at_the_confirmed_response(sap_response):
    # PR on day 43 confirmed on day 85, PD on day 169: DOR = 169 - 43 + 1 = 127 days.
    # A subject without a confirmed response has no DOR record.
    result = tte(
        {"A": [(43, "PR"), (85, "PR"), (127, "SD"), (169, "PD")], "B": [(43, "SD")]}, sap_response
    )
    dor = result[("A", "DOR")]
    assert (dor.CNSR, dor.AVAL, dor.SRCDOM) == (0, 127.0, "RS")
    assert ("B", "DOR") not in result
    # Censored at the last adequate assessment when there is no event.
    ongoing = tte({"A": [(43, "PR"), (85, "PR"), (127, "PR")]}, sap_response)[("A", "DOR")]
    assert (ongoing.CNSR, ongoing.AVAL) == (4, 85.0)


def test_duration_of_response_of_a_pr_later_confirmed_as_cr_starts_at_the_pr(sap_response):
    """SAP section 5, DOR: from the first assessment of the confirmed response. PR on day 43
    confirmed by CR on day 85 (42 days later), CR confirmed on day 127, PD on day 211: CBOR is
    CR (dated at the CR, day 85) but the response, and DOR, start at the PR: 211 - 43 + 1 = 169
    days (starting at the CR would give 127)."""
    visits = {"A": [(43, "PR"), (85, "CR"), (127, "CR"), (169, "CR"), (211, "PD")]}
    adrs = derive_adrs(rs_records(visits), adsl_for(["A"]), **sap_response)
    by = adrs.set_index("PARAMCD")
    assert by.loc["CBOR", "AVALC"] == "CR" and by.loc["CBOR", "ADT"] == pd.Timestamp(day(85))
    assert by.loc["CRSP", "ADT"] == pd.Timestamp(day(43))
    dor = tte(visits, sap_response)[("A", "DOR")]
    assert (dor.CNSR, dor.AVAL) == (0, 169.0)
    assert dor.STARTDT == pd.Timestamp(day(43))
