# The figures: the arrangement, the same coloured by cluster, pseudo-sentences.


rule draw_arrangement:
    input:
        cells="results/{set}/grid_assignment.csv",
        h5="results/{set}/letters.h5",
        embedding_meta="results/{set}/embeddings.json",
        layout_meta="results/{set}/grid_assignment.json",
    output:
        "results/{set}/figures/arrangement.png",
    log:
        "results/{set}/logs/draw_arrangement.log",
    benchmark:
        "results/{set}/benchmarks/draw_arrangement.tsv"
    conda:
        "../../envs/figures.yaml"
    script:
        "../scripts/draw_arrangement.py"


rule draw_clusters:
    input:
        cells="results/{set}/grid_assignment.csv",
        clusters="results/{set}/clusters.csv",
        h5="results/{set}/letters.h5",
        embedding_meta="results/{set}/embeddings.json",
        layout_meta="results/{set}/grid_assignment.json",
    output:
        "results/{set}/figures/arrangement_clusters.png",
    log:
        "results/{set}/logs/draw_clusters.log",
    conda:
        "../../envs/figures.yaml"
    script:
        "../scripts/draw_clusters.py"


rule write_sentences:
    input:
        clusters="results/{set}/clusters.csv",
        font=lambda wc: SETS[wc.set].font,
    output:
        text="results/{set}/sentences.txt",
        figure="results/{set}/figures/sentences.png",
    log:
        "results/{set}/logs/write_sentences.log",
    wildcard_constraints:
        set=GLYPH_SET_RE,
    conda:
        "../../envs/figures.yaml"
    params:
        length=99,
        seed=config["seed"],
    script:
        "../scripts/write_sentences.py"
