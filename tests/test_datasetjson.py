"""Dataset-JSON v1.1 files of the ADaM datasets, for the bundled study and the pharmaverse
example: valid against the CDISC schema, the same records as the XPT files, the metadata of
define.xml, and the same bytes when written again."""

from __future__ import annotations

import json
import math
from pathlib import Path

import jsonschema
import pyreadstat
import pytest
from lxml import etree
from written_adam import ADAM, STUDIES, written_study

from oncocsr.submission.datasetjson import write_dataset_json
from oncocsr.submission.define import write_define

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[1] / "schemas" / "dataset-json-1.1.schema.json").read_text()
)
NS = {"odm": "http://www.cdisc.org/ns/odm/v1.3"}


@pytest.fixture(scope="module", params=sorted(STUDIES))
def written(request, tmp_path_factory):
    """A study's written ADaM datasets with their Dataset-JSON files (json/) and define.xml."""
    study = written_study(request.param, tmp_path_factory)
    datasets = study.datasets()
    (study.folder / "json").mkdir(exist_ok=True)
    for dataset in datasets:
        write_dataset_json(
            dataset, study.study, study.cut, study.folder / "json" / f"{dataset.name}.json"
        )
    write_define(datasets, study.study, study.cut, study.folder / "define.xml")
    return study, datasets


def document(study, name: str) -> dict:
    return json.loads((study.folder / "json" / f"{name}.json").read_text(encoding="utf-8"))


def test_every_file_is_valid_dataset_json_1_1(written):
    study, _ = written
    validator = jsonschema.validators.validator_for(SCHEMA)(SCHEMA)
    for name in ADAM:
        content = document(study, name)
        errors = [error.message for error in validator.iter_errors(content)]
        assert errors == [], name
        assert content["datasetJSONVersion"] == "1.1.0"
        assert content["datasetJSONCreationDateTime"] == f"{study.cut['cutoff']}T00:00:00"
        assert content["metaDataRef"] == "../define.xml"


def test_the_schema_rejects_what_the_standard_does_not_allow(written):
    """The schema is strict enough to catch a wrong file (else the test above proves nothing)."""
    study, _ = written
    validator = jsonschema.validators.validator_for(SCHEMA)(SCHEMA)
    content = document(study, "adsl")
    content["columns"][0]["dataType"] = "text"
    assert list(validator.iter_errors(content))
    del content["itemGroupOID"]
    assert len(list(validator.iter_errors(content))) == 2


def test_the_records_are_those_of_the_xpt(written):
    study, datasets = written
    for dataset in datasets:
        frame, _ = pyreadstat.read_xport(str(study.folder / f"{dataset.name}.xpt"))
        content = document(study, dataset.name)
        assert content["records"] == len(content["rows"]) == len(frame)
        assert [column["name"] for column in content["columns"]] == list(frame.columns)
        for index, column in enumerate(content["columns"]):
            cells = [row[index] for row in content["rows"]]
            xpt = frame[column["name"]].tolist()
            if column["dataType"] == "string":
                # SAS transport has no missing text apart from blank.
                assert [cell or "" for cell in cells] == xpt, column["name"]
            elif column["dataType"] == "date":
                assert column["targetDataType"] == "integer"
                assert cells == [None if isinstance(d, float) else d.isoformat() for d in xpt]
            else:
                assert cells == [None if math.isnan(x) else x for x in xpt], column["name"]
                if column["dataType"] == "integer":
                    assert all(isinstance(cell, int) for cell in cells if cell is not None)


def test_columns_carry_the_metadata_of_define_xml(written):
    study, datasets = written
    tree = etree.parse(str(study.folder / "define.xml"))
    items = {item.get("OID"): item for item in tree.iterfind(".//odm:ItemDef", NS)}
    mdv = tree.find(".//odm:MetaDataVersion", NS)
    for dataset in datasets:
        content = document(study, dataset.name)
        group = tree.find(f".//odm:ItemGroupDef[@Name='{dataset.upper}']", NS)
        assert content["itemGroupOID"] == group.get("OID")
        assert content["studyOID"] == tree.find("odm:Study", NS).get("OID")
        assert content["metaDataVersionOID"] == mdv.get("OID")
        refs = group.findall("odm:ItemRef", NS)
        assert [c["itemOID"] for c in content["columns"]] == [r.get("ItemOID") for r in refs]
        for column, ref in zip(content["columns"], refs, strict=True):
            item = items[ref.get("ItemOID")]
            label = item.find("odm:Description/odm:TranslatedText", NS).text
            assert column["label"] == label
            assert column.get("keySequence") == (int(ref.get("KeySequence") or 0) or None)
            if column["dataType"] == "string":
                assert column["length"] == int(item.get("Length"))
            display = item.get("{http://www.cdisc.org/ns/def/v2.1}DisplayFormat")
            assert column.get("displayFormat") == display


def test_writing_again_gives_the_same_bytes(written, tmp_path):
    study, _ = written
    # Read back from the files, as a rebuild would.
    for dataset in study.datasets():
        path = tmp_path / f"{dataset.name}.json"
        write_dataset_json(dataset, study.study, study.cut, path)
        assert path.read_bytes() == (study.folder / "json" / path.name).read_bytes(), path.name
