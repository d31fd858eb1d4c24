"""Cluster results/{set}/embeddings.npy with k-means: clusters.csv."""

import numpy as np
import pandas as pd

from deeparrange import store
from deeparrange.clustering import kmeans_labels
from deeparrange.io import save_csv
from deeparrange.provenance import write_json
from deeparrange.rulelog import logged

with logged(snakemake) as log:
    embeddings = np.load(snakemake.input.embeddings)
    items = store.read_items(snakemake.input.h5)
    k, seed = snakemake.params.k, snakemake.params.seed
    if k > len(embeddings):
        raise ValueError(
            f"sets.{snakemake.wildcards.set}.clusters: {k} is more than the "
            f"{len(embeddings)} items the set packed; use a smaller k"
        )

    labels, inertia = kmeans_labels(embeddings, k, seed)
    sizes = np.bincount(labels, minlength=k).tolist()
    log.info(
        "k-means k=%d seed=%d on %s: sizes %s, inertia %.4g",
        k,
        seed,
        embeddings.shape,
        sizes,
        inertia,
    )
    table = pd.DataFrame(
        {
            "item": items["item"],
            "label": items["label"],
            "character": items["text"],
            "cluster": labels,
        }
    )
    save_csv(snakemake.output.clusters, table)
    write_json(
        snakemake.output.meta,
        {
            "method": "k-means on the 2048-d embeddings (scikit-learn, n_init=10)",
            "k": k,
            "seed": seed,
            "sizes": sizes,
            "inertia": float(f"{inertia:.6g}"),
        },
    )
