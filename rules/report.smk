rule csr:
    input:
        ard="results/{cut}/ard/ard.parquet",
        adtte="results/{cut}/adam/adtte.parquet",
        tables=expand("results/{{cut}}/tlf/{tlf}.html", tlf=sorted(TABLES)),
        figures=expand("results/{{cut}}/tlf/{tlf}.svg", tlf=sorted(FIGURES)),
        checks=lambda wildcards: expand(
            "results/{cut}/checks/{name}.json",
            cut=wildcards.cut,
            name=[*checked_domains(wildcards.cut), "cross"],
        ),
    output:
        "results/{cut}/csr.pdf",
    log:
        "results/{cut}/logs/csr.log",
    conda:
        ENVIRONMENT
    params:
        study=config["study"],
        design=config["design"],
        window_days=config["orr"]["window_days"],
        listing_max_rows=config["report"]["listing_max_rows"],
        figures=FIGURES,
        cut=cut_params,
        pipeline=PIPELINE,
        templates=str(REPO / "reports"),
        code=code_hash(
            "scripts/csr.py",
            "reports/csr.html.j2",
            "reports/csr.css",
            "reports/figure.html.j2",
            "reports/listing.html.j2",
            *TLF_CODE,
        ),
    script:
        "../scripts/csr.py"
