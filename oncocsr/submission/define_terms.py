"""The parts of define.xml that come from the values in the data: codelists of the terms the
datasets use, and the value-level metadata of AVAL and AVALC per parameter (PARAMCD)."""

from __future__ import annotations

import odmlib.define_2_1.model as DEFINE
import pandas as pd

from oncocsr.adam.metadata import MetadataError, text_length
from oncocsr.submission.datasets import NUMERIC_LENGTH, AdamDataset, Identifiers

# Define-XML 2.1 data types; a numeric ADaM date is an integer (days since 1960) shown with its SAS
# display format.
DATA_TYPES = {"text": "text", "integer": "integer", "float": "float", "date": "integer"}
# The BDS variables whose metadata depends on the parameter (ADaMIG 1.3, BDS analysis values).
PARAMETER_VALUES = ("AVAL", "AVALC")


def description(text: str) -> DEFINE.Description:
    """A Description with ``text`` as its one English TranslatedText."""
    element = DEFINE.Description()
    element.TranslatedText.append(DEFINE.TranslatedText(_content=text, lang="en"))
    return element


def method(oid: str, target: str, text: str) -> DEFINE.MethodDef:
    """A computation method: the metadata's derivation text, which cites the SAP section."""
    return DEFINE.MethodDef(
        OID=oid, Name=f"Algorithm for {target}", Type="Computation", Description=description(text)
    )


def terms(values: pd.Series, kind: str) -> list[str]:
    """The distinct values of a column as coded values: blanks and missing values left out,
    sorted (numbers by value), integers without a decimal point."""
    present = pd.unique(values.dropna().to_numpy())
    if kind == "text":
        return sorted({str(value) for value in present} - {""})
    numbers = sorted({float(value) for value in present})
    return [str(int(n)) if kind == "integer" else repr(n) for n in numbers]


def _enumerated(oid: str, name: str, kind: str, coded: list[str]) -> DEFINE.CodeList:
    codelist = DEFINE.CodeList(OID=oid, Name=name, DataType=DATA_TYPES[kind])
    for order, value in enumerate(coded, start=1):
        codelist.EnumeratedItem.append(DEFINE.EnumeratedItem(CodedValue=value, OrderNumber=order))
    return codelist


def _parameter_codelist(dataset: AdamDataset) -> DEFINE.CodeList | None:
    """PARAMCD of a BDS dataset, each code decoded by its PARAM."""
    frame = dataset.frame
    decodes = frame.drop_duplicates("PARAMCD").set_index("PARAMCD")["PARAM"]
    codes = terms(frame["PARAMCD"], "text")
    if not codes:
        return None
    codelist = DEFINE.CodeList(
        OID=f"CL.{dataset.upper}.PARAMCD", Name=f"Parameter Code ({dataset.upper})", DataType="text"
    )
    for order, code in enumerate(codes, start=1):
        item = DEFINE.CodeListItem(CodedValue=code, OrderNumber=order)
        item.Decode = DEFINE.Decode()
        item.Decode.TranslatedText.append(DEFINE.TranslatedText(_content=decodes[code], lang="en"))
        codelist.CodeListItem.append(item)
    return codelist


def codelists(datasets: list[AdamDataset]) -> tuple[dict[tuple[str, str], str], list]:
    """The codelists of the cut: one per codelist name of the metadata with the terms that the
    variables naming it use in any dataset, and PARAMCD per dataset decoded by PARAM.

    Returns the codelist OID of each (dataset, variable) that has one, and the codelists sorted
    by OID. A codelist whose variables hold no value is left out, and so are the references to it.
    """
    values: dict[str, set[str]] = {}
    kinds: dict[str, str] = {}
    users: dict[str, list[tuple[str, str]]] = {}
    refs: dict[tuple[str, str], str] = {}
    lists = []
    for dataset in datasets:
        for variable in dataset.variables:
            if variable.name == "PARAMCD" and "PARAM" in dataset.frame:
                paramcd = _parameter_codelist(dataset)
                if paramcd is not None:
                    lists.append(paramcd)
                    refs[(dataset.name, "PARAMCD")] = paramcd.OID
                continue
            if not variable.codelist:
                continue
            kind = DATA_TYPES[variable.type]
            if kinds.setdefault(variable.codelist, kind) != kind:
                raise MetadataError(
                    f"{dataset.upper}.{variable.name}: codelist {variable.codelist} holds"
                    f" {kinds[variable.codelist]} values elsewhere, {kind} here"
                )
            values.setdefault(variable.codelist, set()).update(
                terms(dataset.frame[variable.name], kind)
            )
            users.setdefault(variable.codelist, []).append((dataset.name, variable.name))
    for name, coded in values.items():
        if not coded:
            continue
        key = float if kinds[name] != "text" else str
        lists.append(_enumerated(f"CL.{name}", name, kinds[name], sorted(coded, key=key)))
        refs.update(dict.fromkeys(users[name], f"CL.{name}"))
    return refs, sorted(lists, key=lambda codelist: codelist.OID)


def _parameter_type(dataset: AdamDataset, code: str) -> dict:
    parameters = dataset.spec.get("parameters", {})
    if code not in parameters:
        raise MetadataError(
            f"{dataset.upper}: PARAMCD {code} has no entry under the dataset's parameters in"
            " schemas/adam.yaml; describe it before writing it"
        )
    return parameters[code]


def value_lists(dataset: AdamDataset, ids: Identifiers) -> tuple[list, list, list, list]:
    """Value-level metadata of a BDS dataset: for AVAL and AVALC, one ItemDef per parameter
    whose records hold a value of it, selected by a where clause on PARAMCD, with the
    parameter's derivation as its method where the variable holds the parameter's own type of
    value (text in AVALC, numbers in AVAL) and the variable's derivation otherwise.

    Returns the ValueListDefs, WhereClauseDefs, ItemDefs and MethodDefs, in the order of the
    variables and of PARAMN.
    """
    frame, name = dataset.frame, dataset.upper
    if "PARAMCD" not in frame:
        return [], [], [], []
    variables = {v.name: v for v in dataset.variables if v.name in PARAMETER_VALUES}
    codes = sorted(
        terms(frame["PARAMCD"], "text"), key=lambda code: _parameter_type(dataset, code)["paramn"]
    )
    lists, items, methods = [], [], []
    clauses = {}
    for variable in variables.values():
        value_list = DEFINE.ValueListDef(OID=f"VL.{name}.{variable.name}")
        for code in codes:
            parameter = _parameter_type(dataset, code)
            held = frame.loc[frame["PARAMCD"] == code, variable.name]
            held = held[held != ""] if variable.type == "text" else held.dropna()
            if held.empty:
                continue
            clause = f"WC.{name}.PARAMCD.{code}"
            clauses.setdefault(clause, _where_clause(clause, ids.item(name, "PARAMCD"), code))
            # The parameter's derivation where the variable holds its kind of value; the
            # variable's own (e.g. the numeric code of a text response) otherwise.
            own = (parameter["type"] == "text") == (variable.type == "text")
            oid = f"{ids.item(name, variable.name)}.{code}"
            method_oid = f"MT.{name}.{variable.name}" + (f".{code}" if own else "")
            if own:
                target = f"{name}.{variable.name} where PARAMCD = {code}"
                methods.append(method(method_oid, target, parameter["derivation"]))
            kind = DATA_TYPES[parameter["type"] if own else variable.type]
            items.append(
                DEFINE.ItemDef(
                    OID=oid,
                    Name=variable.name,
                    DataType=kind,
                    Length=text_length(held) if kind == "text" else NUMERIC_LENGTH,
                    SASFieldName=variable.name,
                    Description=description(f"{variable.label}: {code}"),
                    Origin=[DEFINE.Origin(Type="Derived", Source="Sponsor")],
                )
            )
            ref = DEFINE.ItemRef(
                ItemOID=oid,
                OrderNumber=len(value_list.ItemRef) + 1,
                Mandatory="No",
                MethodOID=method_oid,
            )
            ref.WhereClauseRef.append(DEFINE.WhereClauseRef(WhereClauseOID=clause))
            value_list.ItemRef.append(ref)
        if value_list.ItemRef:
            lists.append(value_list)
    return lists, list(clauses.values()), items, methods


def _where_clause(oid: str, paramcd: str, code: str) -> DEFINE.WhereClauseDef:
    check = DEFINE.RangeCheck(Comparator="EQ", SoftHard="Soft", ItemOID=paramcd)
    check.CheckValue.append(DEFINE.CheckValue(_content=code))
    return DEFINE.WhereClauseDef(OID=oid, RangeCheck=[check])
