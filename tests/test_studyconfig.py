"""Study configs (DESIGN.md: a study is one config file): the schema describes every key,
defaults fill the study level only, a cut overrides the study key by key and is validated."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from oncocsr.studyconfig import (
    ConfigError,
    StudyConfig,
    load_schema,
    load_study,
    read_config,
    with_defaults,
)

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = yaml.safe_load((ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))


def walk(schema: dict, node: dict, path: str = ""):
    """Every property of the schema, resolved, with its dotted path."""
    for key, sub in node.get("properties", {}).items():
        while "$ref" in sub:
            target = schema
            for part in sub["$ref"].removeprefix("#/").split("/"):
                target = target[part]
            sub = {**target, **{k: v for k, v in sub.items() if k != "$ref"}}
        yield f"{path}{key}", sub
        yield from walk(schema, sub, f"{path}{key}.")
        if isinstance(sub.get("items"), dict):
            item = sub["items"]
            if "$ref" in item:
                item = schema["$defs"][item["$ref"].split("/")[-1]]
            yield from walk(schema, item, f"{path}{key}[].")


def test_every_key_of_the_schema_has_a_description():
    schema = load_schema()
    keys = list(walk(schema, schema))
    assert len(keys) > 100
    undocumented = [path for path, sub in keys if not str(sub.get("description", "")).strip()]
    assert undocumented == []


def test_defaults_fill_the_study_but_not_the_overrides_of_a_cut():
    config = copy.deepcopy(BUNDLED)
    config["response"]["sd_min_days"] = 56
    config["cuts"]["irc"] = {
        "snapshot": "data/sdtm/2016-11-27",
        "cutoff": "2016-10-13",
        "response": {"evaluator": "INDEPENDENT ASSESSOR"},
        "reference_start": "randomization",
    }
    study = StudyConfig(config)
    irc, primary = study.settings("irc"), study.settings("primary")
    # The cut's override, and the study's own value (not the schema's default of 42) for the
    # keys the cut does not name.
    assert irc["response"]["evaluator"] == "INDEPENDENT ASSESSOR"
    assert irc["response"]["sd_min_days"] == 56 and irc["reference_start"] == "randomization"
    assert primary["response"]["evaluator"] == "INVESTIGATOR"
    assert primary["reference_start"] == "first_dose"
    assert irc["cut"] == {
        "name": "irc",
        "snapshot": "data/sdtm/2016-11-27",
        "cutoff": "2016-10-13",
        "description": "",
    }
    # Defaults of sections the study does not set: at study level.
    assert primary["km"]["risk_table_step_months"] == 3


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda c: c["cuts"]["primary"].update(cutoff="2016-13-45"), "not a calendar date"),
        (lambda c: c["cuts"].update({"../../pwned": c["cuts"]["primary"]}), "does not match"),
        (lambda c: c["design"].update(p0=0.3), "must be below p1"),
        (lambda c: c["response"].update(evaluator="RADIOLOGIST"), "response.evaluator"),
        (
            lambda c: c["cuts"]["primary"].update(response={"sd_min_days": -1}),
            "cuts.primary.response.sd_min_days",
        ),
        (lambda c: c["cuts"]["primary"].update(km={"convention": "stata"}), "km.convention"),
        (lambda c: c.update(unknown_section={}), "unknown_section"),
    ],
)
def test_invalid_configs_name_the_key(change, message):
    config = copy.deepcopy(BUNDLED)
    change(config)
    with pytest.raises(ConfigError, match=message.replace(".", r"\.").replace("(", r"\(")):
        StudyConfig(config, source="test.yaml")


def test_invalid_yaml_is_reported_with_line_and_column(tmp_path):
    path = tmp_path / "study.yaml"
    path.write_text("study:\n  id: X\n  title: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"study\.yaml: not valid YAML at line \d+, column \d+"):
        read_config(path)


def test_every_committed_study_config_is_valid_and_complete():
    for path in [
        ROOT / "config" / "config.yaml",
        *sorted((ROOT / "config" / "studies").glob("*.yaml")),
    ]:
        study = load_study(path)
        for cut in study.cuts:
            assert study.settings(cut)["study"]["title"]


def test_with_defaults_completes_partial_settings():
    settings = with_defaults({"terms": {"ds": {"consent": None}}})
    assert settings["terms"]["ds"]["consent"] is None
    assert settings["terms"]["ds"]["randomized"] == "RANDOMIZED"
    assert settings["response"]["criterion"] == "RECIST 1.1" and "design" not in settings
