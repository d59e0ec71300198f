"""Rule ingest_domain: raw SDTM file -> typed, cut Parquet (DESIGN.md data flow)."""

from oncocsr.ingest import apply_data_cut
from oncocsr.io import domain_of, read_sdtm, sha256_file, write_parquet

raw = snakemake.input[0]
domain = domain_of(raw)
frame = read_sdtm(raw)
cut = apply_data_cut(frame, domain, snakemake.params.cut["cutoff"])
write_parquet(cut, snakemake.output[0])
with open(snakemake.log[0], "w") as log:
    print(
        f"{raw} sha256={sha256_file(raw)} records={len(frame)} after_cut={len(cut)} "
        f"cutoff={snakemake.params.cut['cutoff']}",
        file=log,
    )
