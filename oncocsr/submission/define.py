"""define.xml of a cut's ADaM datasets: Define-XML 2.1 built with odmlib from the ADaM metadata
(schemas/adam.yaml) and the written datasets, and define.html, its rendering by the CDISC
stylesheet that defineutils ships.

Everything in it comes from the metadata, the data and the study config, in a fixed order with
OIDs named after datasets and variables, and its creation time is the cutoff: a rebuild of the
same cut gives the same bytes (DESIGN.md, determinism).
"""

from __future__ import annotations

from pathlib import Path

import odmlib.define_2_1.model as DEFINE
from defineutils import definehtml
from lxml import etree

from oncocsr import __version__
from oncocsr.adam.metadata import MetadataError, Variable, load_metadata
from oncocsr.atomic import writes_atomically
from oncocsr.submission.datasets import AdamDataset, Identifiers, cutoff_datetime
from oncocsr.submission.define_terms import DATA_TYPES, codelists, description, method, value_lists

DEFINE_VERSION = "2.1.0"
# The CDISC Define-XML 2.1 stylesheet (Lex Jansen, MIT licence) as defineutils ships it.
STYLESHEET = Path(definehtml.__file__).parent / "define2-1.xsl"


def comment(oid: str, text: str) -> DEFINE.CommentDef:
    return DEFINE.CommentDef(OID=oid, Description=description(text))


def origin(variable: Variable) -> DEFINE.Origin:
    """def:Origin of a variable: its type, the sponsor as the source of what the pipeline
    derives or assigns, and a predecessor's source variable as its description."""
    if variable.origin == "Predecessor":
        element = DEFINE.Origin(Type="Predecessor")
        if variable.source:
            element.Description = description(variable.source)
        return element
    return DEFINE.Origin(Type=variable.origin, Source="Sponsor")


class DefineBuilder:
    """Collects the elements of one MetaDataVersion, dataset by dataset."""

    def __init__(self, datasets: list[AdamDataset], ids: Identifiers):
        self.ids = ids
        self.codelist_refs, self.codelists = codelists(datasets)
        self.item_defs: list[DEFINE.ItemDef] = []
        self.methods: list[DEFINE.MethodDef] = []
        self.comments: list[DEFINE.CommentDef] = []
        self.value_lists: list[DEFINE.ValueListDef] = []
        self.where_clauses: list[DEFINE.WhereClauseDef] = []

    def item_group(self, dataset: AdamDataset) -> DEFINE.ItemGroupDef:
        """The ItemGroupDef of a dataset, with the ItemDefs, methods, comments and value-level
        metadata of its variables collected on the way."""
        spec, name = dataset.spec, dataset.upper
        lists, clauses, vlm_items, vlm_methods = value_lists(dataset, self.ids)
        self.value_lists += lists
        self.where_clauses += clauses
        listed = {value_list.OID for value_list in lists}
        required = set(spec.get("required", []))
        refs = []
        for order, variable in enumerate(dataset.variables, start=1):
            ref = DEFINE.ItemRef(
                ItemOID=self.ids.item(name, variable.name),
                OrderNumber=order,
                Mandatory="Yes" if variable.name in required else "No",
            )
            key = dataset.key_sequence(variable.name)
            if key:
                ref.KeySequence = key
            if variable.origin == "Derived":
                ref.MethodOID = self.variable_method(dataset, variable)
            refs.append(ref)
            value_list = f"VL.{name}.{variable.name}"
            self.item_defs.append(
                self.item_def(dataset, variable, value_list if value_list in listed else None)
            )
        # Children in the order of the schema (odmlib's validate checks the order they were set).
        group = DEFINE.ItemGroupDef(
            OID=self.ids.item_group(name),
            Name=name,
            SASDatasetName=name,
            # Keyed by the subject alone (ADSL): one record per subject, not repeating.
            Repeating="No" if spec["keys"] == ["USUBJID"] else "Yes",
            IsReferenceData="No",
            Purpose="Analysis",
            Structure=spec["structure"],
            StandardOID="STD.ADAMIG",
            ArchiveLocationID=f"LF.{name}",
            Description=description(spec["label"]),
            ItemRef=refs,
            Class=DEFINE.Class(
                Name=spec["class"],
                SubClass=[DEFINE.SubClass(Name=spec["subclass"])] if spec.get("subclass") else [],
            ),
            leaf=DEFINE.leaf(
                ID=f"LF.{name}",
                href=f"{dataset.name}.xpt",
                title=DEFINE.title(_content=f"{dataset.name}.xpt"),
            ),
        )
        if spec.get("sap"):
            group.CommentOID = f"COM.{name}"
            sections = "sections" if "," in str(spec["sap"]) else "section"
            text = f"Derivations: SAP {sections} {spec['sap']}; keys {', '.join(spec['keys'])}."
            self.comments.append(comment(group.CommentOID, text))
        self.item_defs += vlm_items
        self.methods += vlm_methods
        return group

    def variable_method(self, dataset: AdamDataset, variable: Variable) -> str:
        if not variable.derivation:
            raise MetadataError(
                f"{dataset.upper}.{variable.name}: origin Derived without a derivation; define.xml"
                " needs its method (schemas/adam.yaml)"
            )
        oid = f"MT.{dataset.upper}.{variable.name}"
        self.methods.append(method(oid, f"{dataset.upper}.{variable.name}", variable.derivation))
        return oid

    def item_def(
        self, dataset: AdamDataset, variable: Variable, value_list: str | None
    ) -> DEFINE.ItemDef:
        """The ItemDef of a variable: type, length as written, label, origin, codelist, the
        comment of an assigned value and the reference to its value-level metadata."""
        name = dataset.upper
        item = DEFINE.ItemDef(
            OID=self.ids.item(name, variable.name),
            Name=variable.name,
            DataType=DATA_TYPES[variable.type],
            Length=dataset.lengths[variable.name],
            SASFieldName=variable.name,
            Description=description(variable.label),
        )
        if variable.display_format:
            item.DisplayFormat = variable.display_format
        if variable.origin == "Assigned" and variable.derivation:
            item.CommentOID = f"COM.{name}.{variable.name}"
            self.comments.append(comment(item.CommentOID, variable.derivation))
        codelist = self.codelist_refs.get((dataset.name, variable.name))
        if codelist:
            item.CodeListRef = DEFINE.CodeListRef(CodeListOID=codelist)
        item.Origin.append(origin(variable))
        if value_list:
            item.ValueListRef = DEFINE.ValueListRef(ValueListOID=value_list)
        return item


def build_define(datasets: list[AdamDataset], study: dict, cut: dict) -> DEFINE.ODM:
    """The Define-XML 2.1 document of a cut's ADaM datasets; ``study`` is the study config's
    ``study`` section, ``cut`` the cut's settings (name, cutoff, description)."""
    ids = Identifiers(study["id"], cut["name"])
    created = cutoff_datetime(cut["cutoff"])
    odm = DEFINE.ODM(
        FileOID=ids.file_oid("DEFINE"),
        FileType="Snapshot",
        CreationDateTime=created,
        AsOfDateTime=created,
        ODMVersion="1.3.2",
        # The organisation behind the data (the study config's sponsor), when the config names one.
        **({"Originator": study["sponsor"]} if study.get("sponsor") else {}),
        SourceSystem="oncocsr",
        SourceSystemVersion=__version__,
        Context="Submission",
    )
    odm.Study = DEFINE.Study(OID=ids.study_oid)
    odm.Study.GlobalVariables = DEFINE.GlobalVariables(
        StudyName=DEFINE.StudyName(_content=study["id"]),
        StudyDescription=DEFINE.StudyDescription(_content=study["title"]),
        ProtocolName=DEFINE.ProtocolName(_content=study["protocol"]),
    )
    standard = load_metadata()["standard"]
    mdv = DEFINE.MetaDataVersion(
        OID=ids.metadata_version_oid,
        Name=f"{study['id']} ADaM, cut {cut['name']}",
        Description=f"{cut.get('description') or cut['name']}, data cutoff {cut['cutoff']}",
        DefineVersion=DEFINE_VERSION,
    )
    mdv.Standards = DEFINE.Standards()
    mdv.Standards.Standard.append(
        DEFINE.Standard(
            OID="STD.ADAMIG",
            Name=standard["name"],
            Type="IG",
            Version=standard["version"],
            Status="Final",
        )
    )
    terminology = load_metadata()["terminology"]
    mdv.Standards.Standard.append(
        DEFINE.Standard(
            OID="STD.CT",
            Status="Final",
            Name=terminology["name"],
            Type="CT",
            PublishingSet=terminology["publishing_set"],
            Version=terminology["version"],
        )
    )
    builder = DefineBuilder(datasets, ids)
    groups = [builder.item_group(dataset) for dataset in datasets]
    mdv.ValueListDef = builder.value_lists
    mdv.WhereClauseDef = builder.where_clauses
    mdv.ItemGroupDef = groups
    mdv.ItemDef = builder.item_defs
    mdv.CodeList = builder.codelists
    mdv.MethodDef = builder.methods
    mdv.CommentDef = builder.comments
    odm.Study.MetaDataVersion = mdv
    return odm


def define_bytes(odm: DEFINE.ODM) -> bytes:
    """define.xml as written: odmlib's serialisation, indented for a reader (lxml)."""
    tree = etree.fromstring(odm.to_xml_string().encode("utf-8"))
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8", pretty_print=True)


@writes_atomically()
def write_define(datasets: list[AdamDataset], study: dict, cut: dict, path: str | Path) -> None:
    Path(path).write_bytes(define_bytes(build_define(datasets, study, cut)))


@writes_atomically()
def write_define_html(define: str | Path, path: str | Path) -> None:
    """define.html: ``define`` rendered by the CDISC Define-XML 2.1 stylesheet, applied with
    lxml here rather than by defineutils' DefineHtml, which returns nothing on an error."""
    transform = etree.XSLT(etree.parse(str(STYLESHEET)))
    html = transform(etree.parse(str(define)))
    Path(path).write_bytes(bytes(html))
