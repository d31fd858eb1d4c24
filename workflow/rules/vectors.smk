# Sets given as vectors: the vectors are the embeddings; images only to draw.


rule import_vectors:
    input:
        unpack(get_vector_inputs),
    output:
        h5="results/{set}/letters.h5",
        embeddings="results/{set}/embeddings.npy",
        meta="results/{set}/embeddings.json",
    log:
        "results/{set}/logs/import_vectors.log",
    wildcard_constraints:
        set=VECTOR_SET_RE,
    conda:
        "../../envs/glyphs.yaml"
    resources:
        mem_mb=set_mem_mb,
    params:
        folder=lambda wc: SETS[wc.set].options["images"],
    script:
        "../scripts/import_vectors.py"
