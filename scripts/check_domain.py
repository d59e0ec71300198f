"""Rule check_domain: pandera data checks of one SDTM domain; error-level findings stop the run."""

import json
import sys

import pandas as pd

from oncocsr.checks import check_domain, format_finding, load_spec

spec = load_spec(snakemake.input.spec)
frame = pd.read_parquet(snakemake.input.sdtm)
findings = check_domain(frame, spec, snakemake.input.sdtm)
errors = [finding for finding in findings if finding["severity"] == "error"]
with open(snakemake.log[0], "w") as log:
    for finding in findings:
        print(format_finding(finding), file=log)
if errors:
    shown = "\n".join(format_finding(finding) for finding in errors[:10])
    sys.exit(
        f"{len(errors)} error-level data check finding(s) in {spec['domain']}; "
        f"all findings: {snakemake.log[0]}\n{shown}"
    )
summary = {
    "domain": spec["domain"],
    "records": len(frame),
    "errors": 0,
    "warnings": len(findings),
    "findings": findings,
}
with open(snakemake.output[0], "w") as handle:
    json.dump(summary, handle, indent=2, sort_keys=True)
    handle.write("\n")
