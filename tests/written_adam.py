"""The ADaM datasets of a study written as the pipeline writes them (Parquet and XPT, by
write_adam), for the tests of the submission files made from them (define.xml, Dataset-JSON)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pytest
from inprocess import ROOT, derive_study

from oncocsr.adam.contracts import write_adam
from oncocsr.studyconfig import load_study
from oncocsr.submission.datasets import AdamDataset, read_adam

ADAM = ["adsl", "adrs", "adtr", "adtte", "adae", "adex"]
# Each study by its config and the cut the tests build.
STUDIES = {
    "bundled": (ROOT / "config" / "config.yaml", "primary"),
    "pharmaverse": (ROOT / "config" / "studies" / "pharmaverse.yaml", "pharmaverse"),
}


@dataclass(frozen=True)
class WrittenStudy:
    """A study's ADaM datasets as written in ``folder``, with what the submission files need
    from its config: the ``study`` section, the cut's settings and the SUPPDM labels."""

    folder: Path
    study: dict
    cut: dict
    labels: dict

    def datasets(self) -> list[AdamDataset]:
        return [
            read_adam(
                name, self.folder / f"{name}.parquet", self.folder / f"{name}.xpt", self.labels
            )
            for name in ADAM
        ]


_written: dict[str, WrittenStudy] = {}


def written_study(name: str, tmp_path_factory) -> WrittenStudy:
    """The ADaM datasets of study ``name`` (a key of STUDIES), derived and written once per
    test session; skips when the study's snapshot is not beside the repository."""
    if name not in _written:
        config, cut_name = STUDIES[name]
        study = load_study(config)
        settings, cut = study.settings(cut_name), study.cut(cut_name)
        snapshot = (ROOT / cut["snapshot"]).resolve()
        if not snapshot.is_dir():
            pytest.skip(f"snapshot not beside the repository: {snapshot}")
        folder = tmp_path_factory.mktemp(name) / "adam"
        folder.mkdir()
        labels = settings["baseline"]["supplemental"]
        frames = derive_study(snapshot, cut["cutoff"], settings)
        for dataset in ADAM:
            outputs = SimpleNamespace(
                parquet=folder / f"{dataset}.parquet", xpt=folder / f"{dataset}.xpt"
            )
            write_adam(frames[dataset], dataset, outputs, cut["cutoff"], labels)
        _written[name] = WrittenStudy(folder, study.study["study"], cut, labels)
    return _written[name]
