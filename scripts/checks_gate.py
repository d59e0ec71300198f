"""Rule checks_gate: stop the run, before any ADaM, when a data check found an error that no
waiver of the cut accepts (or a waiver accepts nothing)."""

import json

from oncocsr.findings import SEVERITIES, format_finding, read_findings
from oncocsr.joblog import JobError, job_log
from oncocsr.waivers import apply_waivers, describe, read_waivers

note = job_log(snakemake)
summaries, findings = read_findings(snakemake.input.findings)
waiver_file = snakemake.params.waivers
findings, waivers = apply_waivers(findings, read_waivers(waiver_file))
errors = findings[(findings["severity"] == "error") & (findings["waived"] == "")]
unmatched = [waiver for waiver in waivers if not waiver["matched"]]
if len(errors) or unmatched:
    # One line per failed check, files that could not be read first: they explain the rest.
    errors = errors.assign(_file_level=~errors["id"].str.startswith("FILE."))
    first = errors.sort_values("_file_level", kind="stable").drop_duplicates("id")
    lines = [
        f"{format_finding(row)} ({(errors['id'] == row['id']).sum()} finding(s))"
        for row in first.head(10).to_dict("records")
    ]
    lines += [
        f"[error] WAIVER.UNMATCHED {waiver_file}: the waiver of {describe(waiver)} matches no "
        "error finding; remove it or correct it"
        for waiver in unmatched
    ]
    raise JobError(
        f"Data checks found {len(errors)} error(s) in {errors['id'].nunique()} check(s)"
        + (f" and {len(unmatched)} waiver(s) that match nothing" if unmatched else "")
        + "; no analysis datasets were produced.\n"
        + "\n".join(lines)
        + f"\nFull report: {snakemake.input.report}. A known, true data error can be accepted "
        f"in {waiver_file} (see README, accepted findings)."
    )
counts = {severity: int((findings["severity"] == severity).sum()) for severity in SEVERITIES}
counts["waived"] = int((findings["waived"] != "").sum())
with open(snakemake.output[0], "w") as handle:
    json.dump(
        {"passed": True, "counts": counts, "waiver_file": waiver_file, "waivers": waivers},
        handle,
        sort_keys=True,
        indent=1,
    )
    handle.write("\n")
note(f"gate passed: {counts}; {len(waivers)} waiver(s)")
