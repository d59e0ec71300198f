"""Rules checks_gate and adam_gate: stop the run when a check found an error that no waiver of
the cut accepts (or a waiver of the gate's checks accepts nothing): the data checks before any
ADaM, the ADaM conformance checks before the CSR."""

from oncocsr.joblog import job_log

note = job_log(snakemake)

from oncocsr.findings import read_findings
from oncocsr.waivers import gate_waivers, pass_gate, read_waivers, write_gate

params = snakemake.params
_, findings = read_findings(snakemake.input.findings)
record = pass_gate(
    findings,
    gate_waivers(read_waivers(params.waivers), adam=params.adam),
    params.waivers,
    checks=params.checks,
    stops=params.stops,
    report=snakemake.input.report,
)
write_gate(snakemake.output[0], record)
note(f"gate passed: {record['counts']}; {len(record['waivers'])} waiver(s)")
