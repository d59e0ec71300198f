"""Rule adsl: checked SDTM -> ADSL (SAP sections 2, 3, 6)."""

from oncocsr.joblog import job_log

note = job_log(snakemake)

from oncocsr.adam.adsl import derive_adsl
from oncocsr.adam.common import read_domains
from oncocsr.adam.contracts import write_adam

cutoff = snakemake.params.cut["cutoff"]
adsl = derive_adsl(read_domains(snakemake.input), cutoff, snakemake.params.settings)
write_adam(adsl, "adsl", snakemake.output, cutoff, snakemake.params.labels)
note(f"ADSL: {len(adsl)} subjects, FAS {(adsl['FASFL'] == 'Y').sum()}")
