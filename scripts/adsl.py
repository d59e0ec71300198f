"""Rule adsl: checked SDTM -> ADSL (SAP sections 2, 3, 6)."""

from oncocsr.adam.adsl import derive_adsl
from oncocsr.adam.common import read_domains
from oncocsr.adam.contracts import write_adam

domains = read_domains(snakemake.input)
adsl = derive_adsl(
    domains, snakemake.params.cut["cutoff"], reference_start=snakemake.params.reference_start
)
write_adam(adsl, "adsl", snakemake.output, snakemake.params.cut["cutoff"])
with open(snakemake.log[0], "w") as log:
    print(f"ADSL: {len(adsl)} subjects, FAS {(adsl['FASFL'] == 'Y').sum()}", file=log)
