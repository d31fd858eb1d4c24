# ResNet-50 embeddings: the weights, one job per shard of items, the gathering.


rule download_weights:
    output:
        WEIGHTS_FILE,
    log:
        "resources/weights/download_weights.log",
    localrule: True
    conda:
        "../../envs/embed.yaml"
    script:
        "../scripts/download_weights.py"


rule embed_shard:
    input:
        unpack(get_weights_input),
        h5="results/{set}/letters.h5",
    output:
        embeddings="results/{set}/embeddings/shard-{shard}.npy",
        meta="results/{set}/embeddings/shard-{shard}.json",
    log:
        "results/{set}/logs/embed_shard-{shard}.log",
    benchmark:
        "results/{set}/benchmarks/embed_shard-{shard}.tsv"
    wildcard_constraints:
        set=IMAGE_SET_RE,
    conda:
        "../../envs/embed.yaml"
    threads: 4
    resources:
        gpu=EMBEDDING["gpus"],
        gpu_model=EMBEDDING["gpu_model"] or None,
        mem_mb=embed_mem_mb,
        runtime=embed_runtime,
    params:
        span=get_shard_range,
        weights=EMBEDDING["weights"],
        seed=config["seed"],
        batch_size=EMBEDDING["batch_size"],
        precision=EMBEDDING["precision"],
    script:
        "../scripts/embed_shard.py"


rule gather_embeddings:
    input:
        shards=get_shards,
        h5="results/{set}/letters.h5",
    output:
        embeddings="results/{set}/embeddings.npy",
        meta="results/{set}/embeddings.json",
    log:
        "results/{set}/logs/gather_embeddings.log",
    wildcard_constraints:
        set=IMAGE_SET_RE,
    conda:
        "../../envs/embed.yaml"
    resources:
        mem_mb=set_mem_mb,
    script:
        "../scripts/gather_embeddings.py"
