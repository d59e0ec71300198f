"""Metadata of the simulated SDTM: each domain's variables in SDTMIG 3.4 order with their SDTMIG
labels, and the standard dataset labels (SDTMIG 3.4 sections 5 to 7, the domain specifications).

Writing a variable that has no label here is an error naming domain and variable, so that every
variable of the snapshot carries its SDTMIG label.
"""

from __future__ import annotations

import pandas as pd

DATASET_LABELS = {
    "AE": "Adverse Events",
    "CM": "Concomitant/Prior Medications",
    "DD": "Death Details",
    "DM": "Demographics",
    "DS": "Disposition",
    "EX": "Exposure",
    "MH": "Medical History",
    "QS": "Questionnaires",
    "RS": "Disease Response and Clin Classification",
    "SS": "Subject Status",
    "SUPPDM": "Supplemental Qualifiers for DM",
    "SV": "Subject Visits",
    "TA": "Trial Arms",
    "TE": "Trial Elements",
    "TR": "Tumor/Lesion Results",
    "TS": "Trial Summary",
    "TU": "Tumor/Lesion Identification",
    "TV": "Trial Visits",
    "VS": "Vital Signs",
}

_IDENTIFIERS = {
    "STUDYID": "Study Identifier",
    "DOMAIN": "Domain Abbreviation",
    "USUBJID": "Unique Subject Identifier",
}
_VISIT = {"VISITNUM": "Visit Number", "VISIT": "Visit Name"}
_EPOCH = {"EPOCH": "Epoch"}


def _seq(domain: str) -> dict[str, str]:
    return {f"{domain}SEQ": "Sequence Number"}


VARIABLES: dict[str, dict[str, str]] = {
    "AE": _IDENTIFIERS
    | _seq("AE")
    | {
        "AETERM": "Reported Term for the Adverse Event",
        "AEDECOD": "Dictionary-Derived Term",
        "AEBODSYS": "Body System or Organ Class",
        "AESOC": "Primary System Organ Class",
        "AESEV": "Severity/Intensity",
        "AESER": "Serious Event",
        "AEACN": "Action Taken with Study Treatment",
        "AEREL": "Causality",
        "AEOUT": "Outcome of Adverse Event",
        "AESCONG": "Congenital Anomaly or Birth Defect",
        "AESDISAB": "Persist or Signif Disability/Incapacity",
        "AESDTH": "Results in Death",
        "AESHOSP": "Requires or Prolongs Hospitalization",
        "AESLIFE": "Is Life Threatening",
        "AESMIE": "Other Medically Important Serious Event",
        "AETOXGR": "Standard Toxicity Grade",
    }
    | _EPOCH
    | {
        "AESTDTC": "Start Date/Time of Adverse Event",
        "AEENDTC": "End Date/Time of Adverse Event",
        "AESTDY": "Study Day of Start of Adverse Event",
        "AEENDY": "Study Day of End of Adverse Event",
    },
    "CM": _IDENTIFIERS
    | _seq("CM")
    | {
        "CMGRPID": "Group ID",
        "CMTRT": "Reported Name of Drug, Med, or Therapy",
        "CMCAT": "Category for Medication",
        "CMSCAT": "Subcategory for Medication",
    }
    | _EPOCH
    | {
        "CMSTDTC": "Start Date/Time of Medication",
        "CMENDTC": "End Date/Time of Medication",
        "CMSTDY": "Study Day of Start of Medication",
        "CMENDY": "Study Day of End of Medication",
    },
    "DD": _IDENTIFIERS
    | _seq("DD")
    | {
        "DDTESTCD": "Death Detail Assessment Short Name",
        "DDTEST": "Death Detail Assessment Name",
        "DDORRES": "Result or Finding as Collected",
        "DDSTRESC": "Character Result/Finding in Std Format",
        "DDEVAL": "Evaluator",
        "DDDTC": "Date/Time of Collection",
        "DDDY": "Study Day of Collection",
    },
    "DM": _IDENTIFIERS
    | {
        "SUBJID": "Subject Identifier for the Study",
        "RFSTDTC": "Subject Reference Start Date/Time",
        "RFENDTC": "Subject Reference End Date/Time",
        "RFXSTDTC": "Date/Time of First Study Treatment",
        "RFXENDTC": "Date/Time of Last Study Treatment",
        "RFICDTC": "Date/Time of Informed Consent",
        "RFPENDTC": "Date/Time of End of Participation",
        "DTHDTC": "Date/Time of Death",
        "DTHFL": "Subject Death Flag",
        "SITEID": "Study Site Identifier",
        "AGE": "Age",
        "AGEU": "Age Units",
        "SEX": "Sex",
        "RACE": "Race",
        "ETHNIC": "Ethnicity",
        "ARMCD": "Planned Arm Code",
        "ARM": "Description of Planned Arm",
        "ACTARMCD": "Actual Arm Code",
        "ACTARM": "Description of Actual Arm",
        "COUNTRY": "Country",
        "DMDTC": "Date/Time of Collection",
        "DMDY": "Study Day of Collection",
    },
    "DS": _IDENTIFIERS
    | _seq("DS")
    | {
        "DSTERM": "Reported Term for the Disposition Event",
        "DSDECOD": "Standardized Disposition Term",
        "DSCAT": "Category for Disposition Event",
        "DSSCAT": "Subcategory for Disposition Event",
    }
    | _EPOCH
    | {
        "DSSTDTC": "Start Date/Time of Disposition Event",
        "DSSTDY": "Study Day of Start of Disposition Event",
    },
    "EX": _IDENTIFIERS
    | _seq("EX")
    | {
        "EXTRT": "Name of Treatment",
        "EXDOSE": "Dose",
        "EXDOSU": "Dose Units",
        "EXDOSFRM": "Dose Form",
        "EXROUTE": "Route of Administration",
        "EXADJ": "Reason for Dose Adjustment",
    }
    | _VISIT
    | _EPOCH
    | {
        "EXSTDTC": "Start Date/Time of Treatment",
        "EXENDTC": "End Date/Time of Treatment",
        "EXSTDY": "Study Day of Start of Treatment",
        "EXENDY": "Study Day of End of Treatment",
    },
    # SDTMIG 3.4 MH has no --STDY: its study day is MHDY, of the collection date (MHDTC).
    "MH": _IDENTIFIERS
    | _seq("MH")
    | {
        "MHTERM": "Reported Term for the Medical History",
        "MHDECOD": "Dictionary-Derived Term",
        "MHCAT": "Category for Medical History",
        "MHSTDTC": "Start Date/Time of Medical History Event",
        "MHENRTPT": "End Relative to Reference Time Point",
        "MHENTPT": "End Reference Time Point",
    },
    "QS": _IDENTIFIERS
    | _seq("QS")
    | {
        "QSTESTCD": "Question Short Name",
        "QSTEST": "Question Name",
        "QSCAT": "Category of Question",
        "QSORRES": "Finding in Original Units",
        "QSSTRESC": "Character Result/Finding in Std Format",
        "QSSTRESN": "Numeric Finding in Standard Units",
    }
    | _VISIT
    | _EPOCH
    | {"QSDTC": "Date/Time of Finding", "QSDY": "Study Day of Finding"},
    "RS": _IDENTIFIERS
    | _seq("RS")
    | {
        "RSTESTCD": "Assessment Short Name",
        "RSTEST": "Assessment Name",
        "RSCAT": "Category for Assessment",
        "RSORRES": "Result or Finding in Original Units",
        "RSSTRESC": "Character Result/Finding in Std Format",
        "RSSTRESN": "Numeric Result/Finding in Standard Units",
        "RSEVAL": "Evaluator",
    }
    | _VISIT
    | _EPOCH
    | {"RSDTC": "Date/Time of Assessment", "RSDY": "Study Day of Assessment"},
    "SS": _IDENTIFIERS
    | _seq("SS")
    | {
        "SSTESTCD": "Status Short Name",
        "SSTEST": "Status Name",
        "SSORRES": "Result or Finding in Original Units",
        "SSSTRESC": "Character Result/Finding in Std Format",
        "VISIT": "Visit Name",
    }
    | _EPOCH
    | {"SSDTC": "Date/Time of Assessment", "SSDY": "Study Day of Assessment"},
    "SUPPDM": {
        "STUDYID": "Study Identifier",
        "RDOMAIN": "Related Domain Abbreviation",
        "USUBJID": "Unique Subject Identifier",
        "IDVAR": "Identifying Variable",
        "IDVARVAL": "Identifying Variable Value",
        "QNAM": "Qualifier Variable Name",
        "QLABEL": "Qualifier Variable Label",
        "QVAL": "Data Value",
        "QORIG": "Origin",
        "QEVAL": "Evaluator",
    },
    "SV": _IDENTIFIERS
    | _VISIT
    | {
        "SVPRESP": "Pre-specified",
        "SVOCCUR": "Occurrence",
        "VISITDY": "Planned Study Day of Visit",
        "SVSTDTC": "Start Date/Time of Observation",
        "SVENDTC": "End Date/Time of Observation",
        "SVSTDY": "Study Day of Start of Observation",
        "SVENDY": "Study Day of End of Observation",
    },
    "TA": {
        "STUDYID": "Study Identifier",
        "DOMAIN": "Domain Abbreviation",
        "ARMCD": "Planned Arm Code",
        "ARM": "Description of Planned Arm",
        "TAETORD": "Planned Order of Element within Arm",
        "ETCD": "Element Code",
        "ELEMENT": "Description of Element",
        "TABRANCH": "Branch",
        "TATRANS": "Transition Rule",
        "EPOCH": "Epoch",
    },
    "TE": {
        "STUDYID": "Study Identifier",
        "DOMAIN": "Domain Abbreviation",
        "ETCD": "Element Code",
        "ELEMENT": "Description of Element",
        "TESTRL": "Rule for Start of Element",
        "TEENRL": "Rule for End of Element",
    },
    "TR": _IDENTIFIERS
    | _seq("TR")
    | {
        "TRGRPID": "Group ID",
        "TRLNKID": "Link ID",
        "TRTESTCD": "Tumor/Lesion Assessment Short Name",
        "TRTEST": "Tumor/Lesion Assessment Test Name",
        "TRORRES": "Result or Finding in Original Units",
        "TRORRESU": "Original Units",
        "TRSTRESC": "Character Result/Finding in Std Format",
        "TRSTRESN": "Numeric Result/Finding in Standard Units",
        "TRSTRESU": "Standard Units",
        "TRSTAT": "Completion Status",
        "TRREASND": "Reason Not Done",
        "TREVAL": "Evaluator",
    }
    | _VISIT
    | _EPOCH
    | {
        "TRDTC": "Date/Time of Tumor/Lesion Measurement",
        "TRDY": "Study Day of Tumor/Lesion Measurement",
    },
    "TS": {
        "STUDYID": "Study Identifier",
        "DOMAIN": "Domain Abbreviation",
        "TSSEQ": "Sequence Number",
        "TSGRPID": "Group ID",
        "TSPARMCD": "Trial Summary Parameter Short Name",
        "TSPARM": "Trial Summary Parameter",
        "TSVAL": "Parameter Value",
        "TSVALNF": "Parameter Value Null Flavor",
        "TSVALCD": "Parameter Value Code",
        "TSVCDREF": "Name of the Reference Terminology",
        "TSVCDVER": "Version of the Reference Terminology",
    },
    "TU": _IDENTIFIERS
    | _seq("TU")
    | {
        "TULNKID": "Link ID",
        "TUTESTCD": "Tumor/Lesion ID Short Name",
        "TUTEST": "Tumor/Lesion ID Test Name",
        "TUORRES": "Tumor/Lesion ID Result",
        "TUSTRESC": "Tumor/Lesion ID Result Std. Format",
        "TULOC": "Location of the Tumor/Lesion",
        "TUMETHOD": "Method of Identification",
        "TUEVAL": "Evaluator",
    }
    | _VISIT
    | _EPOCH
    | {
        "TUDTC": "Date/Time of Tumor/Lesion Identification",
        "TUDY": "Study Day of Tumor/Lesion Identification",
    },
    "TV": {
        "STUDYID": "Study Identifier",
        "DOMAIN": "Domain Abbreviation",
        "VISITNUM": "Visit Number",
        "VISIT": "Visit Name",
        "VISITDY": "Planned Study Day of Visit",
        "ARMCD": "Planned Arm Code",
        "TVSTRL": "Visit Start Rule",
    },
    "VS": _IDENTIFIERS
    | _seq("VS")
    | {
        "VSTESTCD": "Vital Signs Test Short Name",
        "VSTEST": "Vital Signs Test Name",
        "VSORRES": "Result or Finding in Original Units",
        "VSORRESU": "Original Units",
        "VSSTRESC": "Character Result/Finding in Std Format",
        "VSSTRESN": "Numeric Result/Finding in Standard Units",
        "VSSTRESU": "Standard Units",
        "VSLOBXFL": "Last Observation Before Exposure Flag",
    }
    | _VISIT
    | _EPOCH
    | {"VSDTC": "Date/Time of Measurements", "VSDY": "Study Day of Vital Signs"},
}


def in_sdtmig_order(frame: pd.DataFrame, domain: str) -> pd.DataFrame:
    """``frame``'s variables in the order of the domain's SDTMIG specification; a variable the
    metadata has no label for is an error naming domain and variable."""
    known = VARIABLES[domain]
    unknown = [column for column in frame.columns if column not in known]
    if unknown:
        raise ValueError(f"{domain}: no SDTMIG label for {', '.join(unknown)}")
    return frame[[column for column in known if column in frame.columns]]
