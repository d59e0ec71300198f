KM_FIGURES = {
    "14.2.5": {"paramcd": "PFS", "label": "Progression-free survival"},
    "14.2.7": {"paramcd": "OS", "label": "Overall survival"},
}


# One job writes every section 14 table: they all read the one ARD, so any change reruns all of
# them anyway, and one process instead of sixteen saves ~2 s of imports per table.
rule tlf_tables:
    input:
        ard="results/{cut}/ard/ard.parquet",
    output:
        html=expand("results/{{cut}}/tlf/{tlf}.html", tlf=sorted(TABLES)),
        rtf=expand("results/{{cut}}/tlf/{tlf}.rtf", tlf=sorted(TABLES)),
    log:
        "results/{cut}/logs/tlf_tables.log",
    conda:
        ENVIRONMENT
    threads: 1
    resources:
        mem_mb=memory_mb(5, base=500),
        runtime=runtime_min(0.1),
    params:
        sources=TABLES,
        p0=config["design"]["p0"],
        landmarks=config["km"]["landmarks_months"],
        cut=cut_params,
        code=code_hash("scripts/tlf_tables.py", "reports/table.html.j2"),
    script:
        "../scripts/tlf_tables.py"


# Both KM figures in one job, which imports lifelines and matplotlib once.
rule tlf_km_figures:
    input:
        adtte="results/{cut}/adam/adtte.parquet",
        ard="results/{cut}/ard/ard.parquet",
    output:
        report(
            expand("results/{{cut}}/tlf/{tlf}.svg", tlf=sorted(KM_FIGURES)),
            caption="../reports/captions/km.rst",
            category="Efficacy figures",
        ),
    log:
        "results/{cut}/logs/tlf_km_figures.log",
    conda:
        ENVIRONMENT
    threads: 1
    resources:
        mem_mb=memory_mb(20, base=800),
        runtime=runtime_min(0.1),
    params:
        figures=KM_FIGURES,
        conf_level=config["km"]["conf_level"],
        code=code_hash("scripts/tlf_km_figures.py"),
    script:
        "../scripts/tlf_km_figures.py"


rule tlf_forest:
    input:
        ard="results/{cut}/ard/ard.parquet",
    output:
        report(
            "results/{cut}/tlf/14.2.2.svg",
            caption="../reports/captions/forest.rst",
            category="Efficacy figures",
        ),
    log:
        "results/{cut}/logs/tlf_forest.log",
    conda:
        ENVIRONMENT
    threads: 1
    resources:
        mem_mb=memory_mb(5, base=500),
        runtime=runtime_min(0.02),
    params:
        p0=config["design"]["p0"],
        code=code_hash("scripts/tlf_forest.py"),
    script:
        "../scripts/tlf_forest.py"


rule tlf_waterfall:
    input:
        adtr="results/{cut}/adam/adtr.parquet",
        adrs="results/{cut}/adam/adrs.parquet",
    output:
        waterfall=report(
            "results/{cut}/tlf/14.2.8-waterfall.svg",
            caption="../reports/captions/waterfall.rst",
            category="Efficacy figures",
        ),
        spider=report(
            "results/{cut}/tlf/14.2.8-spider.svg",
            caption="../reports/captions/spider.rst",
            category="Efficacy figures",
        ),
    log:
        "results/{cut}/logs/tlf_waterfall.log",
    conda:
        ENVIRONMENT
    threads: 1
    resources:
        mem_mb=memory_mb(20, base=800),
        runtime=runtime_min(0.1),
    params:
        code=code_hash("scripts/tlf_waterfall.py"),
    script:
        "../scripts/tlf_waterfall.py"


rule tlf_swimmer:
    input:
        adsl="results/{cut}/adam/adsl.parquet",
        adrs="results/{cut}/adam/adrs.parquet",
        adtte="results/{cut}/adam/adtte.parquet",
    output:
        report(
            "results/{cut}/tlf/14.2.8-swimmer.svg",
            caption="../reports/captions/swimmer.rst",
            category="Efficacy figures",
        ),
    log:
        "results/{cut}/logs/tlf_swimmer.log",
    conda:
        ENVIRONMENT
    threads: 1
    resources:
        mem_mb=memory_mb(20, base=800),
        runtime=runtime_min(0.1),
    params:
        code=code_hash("scripts/tlf_swimmer.py"),
    script:
        "../scripts/tlf_swimmer.py"


rule tlf_listing:
    input:
        unpack(listing_inputs),
    output:
        html="results/{cut}/tlf/{listing}.html",
        appendix="results/{cut}/appendices/listing-{listing}.pdf",
    log:
        "results/{cut}/logs/tlf_listing_{listing}.log",
    wildcard_constraints:
        listing="|".join(re.escape(listing) for listing in LISTINGS),
    conda:
        ENVIRONMENT
    threads: 1
    resources:
        mem_mb=memory_mb(40, base=1000),
        runtime=runtime_min(1.0),
    params:
        max_rows=config["report"]["listing_max_rows"],
        appendix_max_rows=config["report"]["appendix_max_rows"],
        study=config["study"],
        cut=cut_params,
        pipeline=PIPELINE,
        code=code_hash(
            "scripts/tlf_listing.py",
            "reports/listing.html.j2",
            "reports/appendix.html.j2",
            "reports/base.html.j2",
            "reports/csr.css",
        ),
    script:
        "../scripts/tlf_listing.py"
