"""Rule adsl: checked SDTM -> ADSL (SAP sections 2, 3, 6)."""

from oncocsr.adam.adsl import derive_adsl
from oncocsr.adam.common import read_domains
from oncocsr.io import write_parquet

domains = read_domains(snakemake.input)
adsl = derive_adsl(
    domains, snakemake.params.cut["cutoff"], reference_start=snakemake.params.reference_start
)
write_parquet(adsl, snakemake.output[0])
with open(snakemake.log[0], "w") as log:
    print(f"ADSL: {len(adsl)} subjects, FAS {(adsl['FASFL'] == 'Y').sum()}", file=log)
