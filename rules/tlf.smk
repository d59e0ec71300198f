TABLES = {
    "14.2.1": {"kind": "response", "sources": "ADRS, ADSL"},
    "14.2.5": {"kind": "km", "paramcd": "PFS", "sources": "ADTTE, ADSL"},
    "14.2.7": {"kind": "km", "paramcd": "OS", "sources": "ADTTE, ADSL"},
}
FIGURES = {
    "14.2.5": {"paramcd": "PFS", "label": "Progression-free survival"},
    "14.2.7": {"paramcd": "OS", "label": "Overall survival"},
}
TLF_CODE = library("tlf/tables", "tlf/render", "report", "ard", "endpoints")


rule tlf_table:
    input:
        ard="results/{cut}/ard/ard.parquet",
    output:
        "results/{cut}/tlf/{tlf}.html",
    log:
        "results/{cut}/logs/tlf_table_{tlf}.log",
    wildcard_constraints:
        tlf="|".join(re.escape(tlf) for tlf in TABLES),
    conda:
        ENVIRONMENT
    params:
        spec=lambda wildcards: TABLES[wildcards.tlf],
        p0=config["design"]["p0"],
        landmarks=config["km"]["landmarks_months"],
        cut=cut_params,
        templates=str(REPO / "reports"),
        code=code_hash("scripts/tlf_table.py", "reports/table.html.j2", *TLF_CODE),
    script:
        "../scripts/tlf_table.py"


rule tlf_km_figure:
    input:
        adtte="results/{cut}/adam/adtte.parquet",
        ard="results/{cut}/ard/ard.parquet",
    output:
        "results/{cut}/tlf/{tlf}.svg",
    log:
        "results/{cut}/logs/tlf_km_figure_{tlf}.log",
    wildcard_constraints:
        tlf="|".join(re.escape(tlf) for tlf in FIGURES),
    conda:
        ENVIRONMENT
    params:
        spec=lambda wildcards: FIGURES[wildcards.tlf],
        conf_level=config["km"]["conf_level"],
        code=code_hash(
            "scripts/tlf_km_figure.py", *library("tlf/figures", "tlf/tables", "ard")
        ),
    script:
        "../scripts/tlf_km_figure.py"
