"""Rules checks_report and adam_checks_report: every finding of a cut's data checks (ADaM
conformance checks) as one readable HTML report."""

from oncocsr.joblog import job_log

note = job_log(snakemake)

from pathlib import Path

from oncocsr.atomic import write_text
from oncocsr.findings import SEVERITIES, read_findings
from oncocsr.report import environment

SHOWN_PER_CHECK = 500

summaries, findings = read_findings(snakemake.input)
checks = []
for (severity, check_id), group in findings.groupby(["severity", "id"], sort=False):
    checks.append(
        {
            "id": check_id,
            "severity": severity,
            "count": len(group),
            "message": group["message"].iloc[0],
            "rows": group.head(SHOWN_PER_CHECK).to_dict("records"),
        }
    )
totals = {severity: int((findings["severity"] == severity).sum()) for severity in SEVERITIES}
html = (
    environment(Path(snakemake.scriptdir).parent / "reports")
    .get_template("checks.html.j2")
    .render(
        title=snakemake.params.title,
        verdict=snakemake.params.verdict,
        proceed=snakemake.params.proceed,
        study=snakemake.params.study,
        cut=snakemake.params.cut,
        summaries=summaries,
        checks=checks,
        totals=totals,
    )
)
write_text(snakemake.output[0], html)
note(f"{len(findings)} findings in {len(checks)} checks")
