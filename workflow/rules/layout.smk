# From embeddings to a grid and clusters: PCA, assignment to cells, k-means.


rule project_embeddings:
    input:
        "results/{set}/embeddings.npy",
    output:
        pca="results/{set}/pca.npy",
        meta="results/{set}/pca.json",
    log:
        "results/{set}/logs/project_embeddings.log",
    resources:
        mem_mb=set_mem_mb,
    conda:
        "../../envs/layout.yaml"
    script:
        "../scripts/project_embeddings.py"


rule assign_grid:
    input:
        pca="results/{set}/pca.npy",
        embeddings="results/{set}/embeddings.npy",
        h5="results/{set}/letters.h5",
    output:
        cells="results/{set}/grid_assignment.csv",
        meta="results/{set}/grid_assignment.json",
        timing="results/{set}/timing/assign_grid.json",
    params:
        rows=lambda wc: SETS[wc.set].rows,
        cols=lambda wc: SETS[wc.set].cols,
        method=config["layout"]["method"],
        seed=config["seed"],
    log:
        "results/{set}/logs/assign_grid.log",
    resources:
        mem_mb=set_mem_mb,
    benchmark:
        "results/{set}/benchmarks/assign_grid.tsv"
    conda:
        "../../envs/layout.yaml"
    script:
        "../scripts/assign_grid.py"


rule cluster_embeddings:
    input:
        embeddings="results/{set}/embeddings.npy",
        h5="results/{set}/letters.h5",
    output:
        clusters="results/{set}/clusters.csv",
        meta="results/{set}/clusters.json",
    params:
        k=lambda wc: SETS[wc.set].clusters,
        seed=config["seed"],
    threads: 2
    log:
        "results/{set}/logs/cluster_embeddings.log",
    resources:
        mem_mb=set_mem_mb,
    conda:
        "../../envs/layout.yaml"
    script:
        "../scripts/cluster_embeddings.py"


rule measure_layout:
    input:
        embeddings="results/{set}/embeddings.npy",
        pca="results/{set}/pca.npy",
        cells="results/{set}/grid_assignment.csv",
        clusters="results/{set}/clusters.csv",
        layout_meta="results/{set}/grid_assignment.json",
        embedding_meta="results/{set}/embeddings.json",
        timing="results/{set}/timing/assign_grid.json",
    output:
        "results/{set}/metrics.json",
    params:
        seed=config["seed"],
    log:
        "results/{set}/logs/measure_layout.log",
    resources:
        mem_mb=set_mem_mb,
    conda:
        "../../envs/layout.yaml"
    script:
        "../scripts/measure_layout.py"
