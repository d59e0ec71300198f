"""define.xml and define.html of the ADaM datasets, for the bundled study and the pharmaverse
example: valid Define-XML 2.1, true to the written XPT files and the metadata, and the same
bytes when built again."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pyreadstat
import pytest
from defineutils.validate import DefineSchemaValidator
from lxml import etree, html
from odmlib.define_2_1.rules.metadata_schema import MetadataSchema
from odmlib.oid_generator import create_oid_checker
from written_adam import ADAM, STUDIES, written_study

from oncocsr.adam.metadata import MetadataError
from oncocsr.submission.datasets import Identifiers
from oncocsr.submission.define import build_define, write_define, write_define_html
from oncocsr.submission.define_terms import DATA_TYPES, value_lists

NS = {
    "odm": "http://www.cdisc.org/ns/odm/v1.3",
    "def": "http://www.cdisc.org/ns/def/v2.1",
    "xlink": "http://www.w3.org/1999/xlink",
}


@pytest.fixture(scope="module", params=sorted(STUDIES))
def built(request, tmp_path_factory):
    """A study's written ADaM datasets with define.xml and define.html beside them."""
    study = written_study(request.param, tmp_path_factory)
    datasets = study.datasets()
    write_define(datasets, study.study, study.cut, study.folder / "define.xml")
    write_define_html(study.folder / "define.xml", study.folder / "define.html")
    return study, datasets


def parse(study):
    return etree.parse(str(study.folder / "define.xml"))


def text(element) -> str:
    return element.find("odm:Description/odm:TranslatedText", NS).text


def test_define_xml_is_valid_against_the_define_xml_2_1_schema(built):
    study, datasets = built
    assert "is valid" in DefineSchemaValidator(study.folder / "define.xml").validate_define_file()
    # What the schema does not check: every OID reference resolves, OIDs are unique, elements
    # are in the model's order and conform to it (odmlib's own checks).
    odm = build_define(datasets, study.study, study.cut)
    checker = create_oid_checker("define_2_1")
    assert (
        odm.validate(collect_errors=True, oid_checker=checker, conformance_checker=MetadataSchema())
        == []
    )


def test_header_is_dated_by_the_cutoff_and_names_the_study(built):
    study, _ = built
    root = parse(study).getroot()
    assert root.get("CreationDateTime") == f"{study.cut['cutoff']}T00:00:00"
    assert root.get("FileOID") == f"{study.study['id']}.{study.cut['name']}.DEFINE"
    assert root.find(".//odm:StudyName", NS).text == study.study["id"]
    assert root.find(".//odm:ProtocolName", NS).text == study.study["protocol"]
    mdv = root.find(".//odm:MetaDataVersion", NS)
    assert mdv.get(f"{{{NS['def']}}}DefineVersion").startswith("2.1.")
    standards = {s.get("Name"): s.get("Version") for s in mdv.iterfind(".//def:Standard", NS)}
    assert standards["ADaMIG"] == "1.3" and "CDISC/NCI" in standards


def test_every_variable_is_described_as_the_xpt_holds_it(built):
    study, datasets = built
    tree = parse(study)
    items = {item.get("OID"): item for item in tree.iterfind(".//odm:ItemDef", NS)}
    methods = {m.get("OID"): text(m) for m in tree.iterfind(".//odm:MethodDef", NS)}
    groups = tree.findall(".//odm:ItemGroupDef", NS)
    assert [g.get("Name") for g in groups] == [name.upper() for name in ADAM]
    for group, dataset in zip(groups, datasets, strict=True):
        frame, header = pyreadstat.read_xport(str(study.folder / f"{dataset.name}.xpt"))
        assert group.get("Purpose") == "Analysis"
        assert group.find("def:Class", NS).get("Name") == dataset.spec["class"]
        assert text(group) == header.file_label == dataset.spec["label"]
        href = group.find("def:leaf", NS).get(f"{{{NS['xlink']}}}href")
        assert (study.folder / href).is_file() and href == f"{dataset.name}.xpt"
        refs = group.findall("odm:ItemRef", NS)
        assert [items[r.get("ItemOID")].get("Name") for r in refs] == list(frame.columns)
        keys = {
            items[r.get("ItemOID")].get("Name"): int(r.get("KeySequence"))
            for r in refs
            if r.get("KeySequence")
        }
        assert keys == {key: n for n, key in enumerate(dataset.spec["keys"], start=1)}
        mandatory = {
            items[r.get("ItemOID")].get("Name") for r in refs if r.get("Mandatory") == "Yes"
        }
        assert mandatory == set(dataset.spec["required"]) & set(frame.columns)
        for ref, variable in zip(refs, dataset.variables, strict=True):
            item = items[ref.get("ItemOID")]
            assert text(item) == header.column_names_to_labels[variable.name] == variable.label
            width = header.variable_storage_width[variable.name]
            assert int(item.get("Length")) == width
            origin = item.find("def:Origin", NS)
            assert origin.get("Type") == variable.origin
            if variable.type == "date":
                assert item.get("DataType") == "integer"
                assert item.get(f"{{{NS['def']}}}DisplayFormat") == "DATE9."
                assert header.original_variable_types[variable.name] == "DATE9"
            elif variable.type == "text":
                assert item.get("DataType") == "text"
                assert width == max(1, frame[variable.name].str.encode("utf-8").str.len().max())
            if variable.origin == "Derived":
                assert methods[ref.get("MethodOID")] == variable.derivation
            if variable.origin == "Predecessor" and variable.source:
                assert text(origin) == variable.source


def test_value_level_metadata_of_each_parameter_cites_its_derivation(built):
    study, datasets = built
    tree = parse(study)
    clauses = {
        w.get("OID"): (
            w.find("odm:RangeCheck", NS).get(f"{{{NS['def']}}}ItemOID"),
            w.find("odm:RangeCheck/odm:CheckValue", NS).text,
        )
        for w in tree.iterfind(".//def:WhereClauseDef", NS)
    }
    methods = {m.get("OID"): text(m) for m in tree.iterfind(".//odm:MethodDef", NS)}
    lists = {v.get("OID"): v for v in tree.iterfind(".//def:ValueListDef", NS)}
    checked = 0
    for dataset in datasets:
        parameters = dataset.spec.get("parameters", {})
        if not parameters:
            continue
        name = dataset.upper
        for variable in ("AVAL", "AVALC"):
            if variable not in dataset.frame:
                continue
            held = dataset.frame[dataset.frame[variable].replace("", None).notna()]
            value_list = lists.get(f"VL.{name}.{variable}")
            if held.empty:
                assert value_list is None
                continue
            codes = []
            for ref in value_list.findall("odm:ItemRef", NS):
                item_oid, code = clauses[ref.find("def:WhereClauseRef", NS).get("WhereClauseOID")]
                assert item_oid == f"IT.{name}.PARAMCD"
                codes.append(code)
                own = (parameters[code]["type"] == "text") == (variable == "AVALC")
                if own:
                    assert methods[ref.get("MethodOID")] == parameters[code]["derivation"]
                checked += 1
            assert codes == sorted(set(held["PARAMCD"]), key=lambda c: parameters[c]["paramn"])
    assert checked


def test_codelists_hold_exactly_the_terms_the_data_use(built):
    study, datasets = built
    tree = parse(study)
    codelists = {c.get("OID"): c for c in tree.iterfind(".//odm:CodeList", NS)}
    adsl = datasets[0].frame
    sex = [i.get("CodedValue") for i in codelists["CL.SEX"].iterfind("odm:EnumeratedItem", NS)]
    assert sex == sorted(set(adsl["SEX"]) - {""})
    for dataset in datasets:
        if "PARAMCD" not in dataset.frame:
            continue
        codelist = codelists[f"CL.{dataset.upper}.PARAMCD"]
        decodes = {
            item.get("CodedValue"): item.find("odm:Decode/odm:TranslatedText", NS).text
            for item in codelist.iterfind("odm:CodeListItem", NS)
        }
        pairs = dataset.frame[["PARAMCD", "PARAM"]].drop_duplicates()
        assert decodes == dict(zip(pairs["PARAMCD"], pairs["PARAM"], strict=True))
        assert list(decodes) == sorted(decodes)


def test_define_html_shows_every_dataset_and_variable(built):
    study, datasets = built
    page = html.parse(str(study.folder / "define.html")).getroot()
    for dataset in datasets:
        name = dataset.upper
        # The stylesheet anchors each table at "IG." + the ItemGroupDef's OID.
        table = page.xpath(f'//span[@id="IG.IG.{name}"]/following-sibling::div[1]//table')[0]
        assert dataset.spec["label"] in table.find("caption").text_content()
        assert table.xpath(".//caption//a/@href") == [f"{dataset.name}.xpt"]
        # A variable with value-level metadata has its anchor in its "VLM" toggle.
        rows = table.xpath(".//tr[td[1]//span[@id]]")
        assert [row.xpath("td[1]//span/@id")[0] for row in rows] == [
            f"IG.{name}.IT.{name}.{variable.name}" for variable in dataset.variables
        ]
        for row, variable in zip(rows, dataset.variables, strict=True):
            cells = [cell.text_content().strip() for cell in row.findall("td")]
            assert cells[0].removesuffix("VLM") == variable.name
            assert variable.label in cells and DATA_TYPES[variable.type] in cells


def test_a_rebuild_gives_the_same_bytes(built, tmp_path):
    study, datasets = built
    again = [
        dataclasses.replace(d, frame=pd.read_parquet(study.folder / f"{d.name}.parquet"))
        for d in datasets
    ]
    write_define(again, study.study, study.cut, tmp_path / "define.xml")
    write_define_html(tmp_path / "define.xml", tmp_path / "define.html")
    for name in ("define.xml", "define.html"):
        assert (tmp_path / name).read_bytes() == (study.folder / name).read_bytes(), name


def test_a_parameter_without_metadata_is_an_error_naming_it(built):
    _, datasets = built
    adtte = next(d for d in datasets if d.name == "adtte")
    frame = adtte.frame.copy()
    frame.loc[frame.index[0], "PARAMCD"] = "NEWPARAM"
    with pytest.raises(MetadataError, match="ADTTE: PARAMCD NEWPARAM"):
        value_lists(dataclasses.replace(adtte, frame=frame), Identifiers("S", "cut"))
