"""Rule checks_gate: stop the run, before any ADaM, when a data check found an error."""

import json
import sys

from oncocsr.findings import SEVERITIES, format_finding, read_findings

summaries, findings = read_findings(snakemake.input.findings)
errors = findings[findings["severity"] == "error"]
if len(errors):
    # One line per failed check, files that could not be read first: they explain the rest.
    errors = errors.assign(_file_level=~errors["id"].str.startswith("FILE."))
    first = errors.sort_values("_file_level", kind="stable").drop_duplicates("id")
    lines = [
        f"{format_finding(row)} ({(errors['id'] == row['id']).sum()} finding(s))"
        for row in first.head(10).to_dict("records")
    ]
    sys.exit(
        f"Data checks found {len(errors)} error(s) in {errors['id'].nunique()} check(s); "
        "no analysis datasets were produced.\n"
        + "\n".join(lines)
        + f"\nFull report: {snakemake.input.report}"
    )
counts = {severity: int((findings["severity"] == severity).sum()) for severity in SEVERITIES}
with open(snakemake.output[0], "w") as handle:
    json.dump({"passed": True, "counts": counts}, handle, sort_keys=True)
    handle.write("\n")
