"""Draw results/{set}/figures/arrangement_clusters.png: the grid by cluster."""

import numpy as np
import pandas as pd

from deeparrange import store
from deeparrange.figures import (
    caption_for,
    cluster_colour,
    mosaic,
    save_png,
    with_caption,
)
from deeparrange.provenance import read_json
from deeparrange.rulelog import logged

with logged(snakemake) as log:
    cells = pd.read_csv(snakemake.input.cells, keep_default_na=False)
    clusters = pd.read_csv(snakemake.input.clusters, keep_default_na=False)
    layout = read_json(snakemake.input.layout_meta)
    embedding = read_json(snakemake.input.embedding_meta)
    source = store.read_provenance(snakemake.input.h5)
    rows, cols = layout["rows"], layout["cols"]
    labels = clusters["cluster"].to_numpy()

    image = mosaic(
        snakemake.input.h5,
        cells["row"] * cols + cells["col"],
        rows,
        cols,
        labels=labels,
    )
    caption = caption_for(
        snakemake.wildcards.set,
        len(cells),
        rows,
        cols,
        embedding,
        layout,
        source.get("font") or source.get("folder") or source.get("vectors", "?"),
    )
    caption.details += f"; k-means, k = {labels.max() + 1}"
    sizes = np.bincount(labels)
    legend = [
        (cluster_colour(c), f"cluster {c} ({sizes[c]})") for c in range(len(sizes))
    ]
    page = with_caption(image, caption, legend)
    log.info(
        "cluster figure %dx%d px, %d clusters", page.width, page.height, len(sizes)
    )
    save_png(
        page,
        snakemake.output[0],
        {
            "Title": caption.title,
            "Description": caption.details,
            "Weights": embedding.get("weights", "?"),
        },
    )
