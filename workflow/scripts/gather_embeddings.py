"""Gather the shards of results/{set}/embeddings/ into embeddings.npy."""

import numpy as np

from deeparrange import store
from deeparrange.io import save_npy
from deeparrange.provenance import read_json, write_json
from deeparrange.rulelog import logged

with logged(snakemake) as log:
    shards = [np.load(path) for path in snakemake.input.shards]
    metas = [
        read_json(path.removesuffix(".npy") + ".json")
        for path in snakemake.input.shards
    ]
    vectors = np.concatenate(shards)
    expected = store.count(snakemake.input.h5)
    if len(vectors) != expected:
        raise ValueError(
            f"shards hold {len(vectors)} vectors for {expected} items; delete "
            f"results/{snakemake.wildcards.set}/embeddings/ and run again"
        )

    # Shard bookkeeping stays out, so the file does not depend on shard_size.
    # An empty shard (a folder set that skipped files) ran no network.
    ran = next((m for m in metas if "device" in m), metas[0])
    info = {k: v for k, v in ran.items() if k not in ("items", "versions")}
    for meta in metas[1:]:
        if meta.get("weights_sha256") != info.get("weights_sha256"):
            raise ValueError(
                "shards were embedded with different weights; "
                "delete the embeddings folder and run again"
            )
    info.update(count=len(vectors), dim=int(vectors.shape[1]))
    log.info("gathered %d shards: %s", len(shards), vectors.shape)
    save_npy(snakemake.output.embeddings, vectors)
    write_json(snakemake.output.meta, info)
