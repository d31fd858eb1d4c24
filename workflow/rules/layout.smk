# From embeddings to a grid and clusters: PCA, assignment to cells, k-means.


rule project_embeddings:
    input:
        "results/{set}/embeddings.npy",
    output:
        pca="results/{set}/pca.npy",
        meta="results/{set}/pca.json",
    log:
        "results/{set}/logs/project_embeddings.log",
    conda:
        "../../envs/layout.yaml"
    resources:
        mem_mb=set_mem_mb,
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
    log:
        "results/{set}/logs/assign_grid.log",
    benchmark:
        "results/{set}/benchmarks/assign_grid.tsv"
    conda:
        "../../envs/layout.yaml"
    resources:
        mem_mb=set_mem_mb,
    params:
        rows=lambda wc: SETS[wc.set].rows,
        cols=lambda wc: SETS[wc.set].cols,
        method=config["layout"]["method"],
        dims=config["layout"]["dims"],
        seed=config["seed"],
    script:
        "../scripts/assign_grid.py"


rule cluster_embeddings:
    input:
        embeddings="results/{set}/embeddings.npy",
        h5="results/{set}/letters.h5",
    output:
        clusters="results/{set}/clusters.csv",
        meta="results/{set}/clusters.json",
    log:
        "results/{set}/logs/cluster_embeddings.log",
    conda:
        "../../envs/layout.yaml"
    threads: 2
    resources:
        mem_mb=set_mem_mb,
    params:
        k=lambda wc: SETS[wc.set].clusters,
        seed=config["seed"],
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
    log:
        "results/{set}/logs/measure_layout.log",
    conda:
        "../../envs/layout.yaml"
    resources:
        mem_mb=set_mem_mb,
    params:
        seed=config["seed"],
    script:
        "../scripts/measure_layout.py"
