"""A study's configuration: validated against schemas/config.schema.yaml, with the SAP
parameters resolved per data cut (DESIGN.md: a study is one config file).

Defaults are filled in at study level only. A cut's own SAP sections override the study's, key
by key, and the merged settings of every cut are validated again, so an override can neither
break the schema nor silently fall back to a default that the study changed.
"""

from __future__ import annotations

import copy
import datetime
import functools
import math
import re
from pathlib import Path

import jsonschema
import yaml

SCHEMA = Path(__file__).resolve().parent.parent / "schemas" / "config.schema.yaml"
# Keys of a cut that are the cut itself, not SAP overrides.
CUT_KEYS = ("snapshot", "cutoff", "description")
# A cut's name is a folder under results/ and a file name in the locks folder. Letters, digits,
# '-' and '_' only: no separator and no '.', so no name can make a path that leaves either
# folder ("..", "../x"), hide a folder or end in a dot; 64 characters keep "<cut>.lock.json"
# within every file system's name limit. Matched whole (fullmatch): the schema's pattern is
# searched, and its "$" lets a trailing newline through.
CUT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
CUT_NAME_RULE = "letters, digits, '-' and '_' (at most 64), starting with a letter or digit"
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class ConfigError(ValueError):
    """A configuration that does not fit the schema; the message names the key and the file."""


def check_cut_name(name: object) -> str:
    """``name`` if it is a valid cut name (:data:`CUT_NAME`), else a :class:`ConfigError`."""
    if not isinstance(name, str) or not CUT_NAME.fullmatch(name):
        raise ConfigError(f"{name!r} is not a valid cut name ({CUT_NAME_RULE})")
    return name


def check_cutoff(value: object) -> str:
    """``value`` if it is a calendar date written YYYY-MM-DD, else a :class:`ConfigError`."""
    try:
        if not isinstance(value, str) or not DATE.fullmatch(value):
            raise ValueError(value)
        datetime.date.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"{value!r} is not a calendar date YYYY-MM-DD") from None
    return value


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader, except that an unquoted date that is not a calendar date
    (``cutoff: 2016-13-45``) is a YAML error at its line and column: the safe loader raises a
    bare ValueError without a position."""

    def construct_yaml_timestamp(self, node):
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as error:
            raise yaml.constructor.ConstructorError(
                None, None, f"{node.value!r} is not a calendar date ({error})", node.start_mark
            ) from error


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)


@functools.cache
def load_schema(path: str | Path = SCHEMA) -> dict:
    """The config schema (read once per process; callers do not change it)."""
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def read_config(path: str | Path) -> dict:
    """A YAML config file as a dict; a YAML error names its line and column."""
    try:
        with open(path, encoding="utf-8") as handle:
            config = yaml.load(handle, Loader=_Loader)
    except OSError as error:
        raise ConfigError(f"{path}: cannot be read ({error.strerror})") from error
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        raise ConfigError(f"{path}: not valid YAML{where}: {problem}") from error
    if not isinstance(config, dict):
        raise ConfigError(f"{path}: a config is a mapping of keys, not {type(config).__name__}")
    return config


def _resolve(schema: dict, root: dict) -> dict:
    """A schema with its $ref (local, "#/$defs/...") followed; sibling keys win."""
    while "$ref" in schema:
        target = root
        for part in schema["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        schema = {**target, **{k: v for k, v in schema.items() if k != "$ref"}}
    return schema


def fill_defaults(instance: dict, schema: dict, root: dict, skip: tuple[str, ...] = ()) -> dict:
    """Fill the schema's defaults into ``instance`` (in place), recursively through objects,
    except under the keys in ``skip``."""
    schema = _resolve(schema, root)
    for key, sub in schema.get("properties", {}).items():
        if key in skip:
            continue
        sub = _resolve(sub, root)
        if key not in instance and "default" in sub:
            instance[key] = copy.deepcopy(sub["default"])
        if isinstance(instance.get(key), dict):
            fill_defaults(instance[key], sub, root)
    return instance


def _path(error: jsonschema.ValidationError) -> str:
    return ".".join(str(part) for part in error.absolute_path) or "(top level)"


def _validate(instance: dict, schema: dict, source: str, where: str = "") -> None:
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(instance), key=lambda e: list(map(str, e.path)))
    if errors:
        lines = [f"  {where}{_path(error)}: {error.message}" for error in errors[:10]]
        raise ConfigError(f"{source} does not fit the config schema:\n" + "\n".join(lines))


def deep_merge(base: dict, override: dict) -> dict:
    """``base`` with ``override`` on top: mappings merge key by key, anything else replaces."""
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def _non_finite(value, path: str = ""):
    """Dotted paths of the NaN and infinite numbers in ``value``: YAML's .nan and JSON's NaN
    pass every bound of the schema (each comparison with NaN is false), and no setting means
    anything at infinity."""
    if isinstance(value, float) and not math.isfinite(value):
        yield path or "(top level)"
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _non_finite(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _non_finite(item, f"{path}[{index}]")


def _check_meaning(settings: dict, source: str, where: str) -> None:
    """Rules the schema cannot state: cut names that are safe folder names, real dates, finite
    numbers, p0 below p1."""
    problems = [f"{where}{path}: not a finite number" for path in _non_finite(settings)]
    for name, cut in settings.get("cuts", {}).items():
        for key, check, value in (
            ("cuts", check_cut_name, name),
            (f"cuts.{name}.cutoff", check_cutoff, cut["cutoff"]),
        ):
            try:
                check(value)
            except ConfigError as error:
                problems.append(f"{key}: {error}")
    if "design" in settings:
        p0, p1 = settings["design"]["p0"], settings["design"]["p1"]
        # A NaN is reported above, once.
        if math.isfinite(p0) and math.isfinite(p1) and p0 >= p1:
            problems.append(
                f"{where}design: p0 = {p0:g} must be below p1 = {p1:g} "
                "(H1 is a better response rate than H0)"
            )
    if problems:
        raise ConfigError(f"{source}:\n" + "\n".join(f"  {line}" for line in problems))


class StudyConfig:
    """A validated study config and the resolved SAP settings of each of its cuts."""

    def __init__(self, config: dict, source: str = "config", schema: dict | None = None):
        schema = schema or load_schema()
        _validate(config, schema, source)
        study = fill_defaults(copy.deepcopy(config), schema, schema, skip=("cuts",))
        _check_meaning(study, source, "")
        self.source = source
        self.study = study
        self.cuts = sorted(study["cuts"])
        self._settings = {}
        for cut in self.cuts:
            overrides = {k: v for k, v in study["cuts"][cut].items() if k not in CUT_KEYS}
            base = {k: v for k, v in study.items() if k != "cuts"}
            merged = deep_merge(base, overrides)
            # The merged settings must be a valid study config in their own right.
            _validate(
                {**merged, "cuts": {cut: study["cuts"][cut]}}, schema, source, f"cuts.{cut}: "
            )
            _check_meaning(merged, source, f"cuts.{cut}: ")
            merged["cut"] = {
                "name": cut,
                "description": "",
                **{k: v for k, v in study["cuts"][cut].items() if k in CUT_KEYS},
            }
            self._settings[cut] = merged

    def settings(self, cut: str) -> dict:
        """Every SAP setting of ``cut`` (the study's, with the cut's overrides), plus ``cut``:
        its name, snapshot, cutoff and description."""
        if cut not in self._settings:
            raise KeyError(f"no cut {cut!r} in {self.source} (cuts: {', '.join(self.cuts)})")
        return self._settings[cut]

    def cut(self, cut: str) -> dict:
        return self.settings(cut)["cut"]

    def check_designs(self) -> None:
        """Raise :class:`ConfigError` unless a Simon two-stage design meets each cut's p0, p1,
        alpha and power, as the response analysis searches for it (oncocsr.endpoints): without
        one, that analysis fails after ADaM. The workflow calls this once at start, in its main
        process, not in every job."""
        from oncocsr.stats.simon import has_design

        problems = []
        for cut in self.cuts:
            design = self._settings[cut].get("design")
            if design and not has_design(
                design["p0"], design["p1"], design["alpha"], design["power"]
            ):
                problems.append(
                    f"cuts.{cut}: design (p0 = {design['p0']:g}, p1 = {design['p1']:g}): no "
                    f"Simon design with n <= 100 meets alpha={design['alpha']} and "
                    f"power={design['power']}"
                )
        if problems:
            raise ConfigError(f"{self.source}:\n" + "\n".join(f"  {line}" for line in problems))


def load_study(path: str | Path) -> StudyConfig:
    """Read and validate a study config file."""
    return StudyConfig(read_config(path), source=str(path))


def with_defaults(settings: dict | None = None) -> dict:
    """``settings`` (some SAP sections of a cut) completed with the schema's defaults for every
    section or key it lacks: what a derivation called outside the workflow (tests, benchmarks)
    sees when it is given only what it tests."""
    schema = load_schema()
    defaults = fill_defaults({}, schema, schema, skip=("cuts", "study", "locks", "waivers"))
    return deep_merge(defaults, settings or {})
