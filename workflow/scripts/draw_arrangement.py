"""Draw results/{set}/figures/arrangement.png from grid_assignment.csv."""

import pandas as pd

from deeparrange import store
from deeparrange.figures import caption_for, mosaic, save_png, with_caption
from deeparrange.provenance import read_json
from deeparrange.rulelog import logged

with logged(snakemake) as log:
    cells = pd.read_csv(snakemake.input.cells, keep_default_na=False)
    layout = read_json(snakemake.input.layout_meta)
    embedding = read_json(snakemake.input.embedding_meta)
    source = store.read_provenance(snakemake.input.h5)
    rows, cols = layout["rows"], layout["cols"]

    image = mosaic(snakemake.input.h5, cells["row"] * cols + cells["col"], rows, cols)
    caption = caption_for(
        snakemake.wildcards.set,
        len(cells),
        rows,
        cols,
        embedding,
        layout,
        source.get("font") or source.get("folder") or source.get("vectors", "?"),
    )
    page = with_caption(image, caption)
    log.info("arrangement %dx%d px, %s", page.width, page.height, caption.details)
    save_png(
        page,
        snakemake.output[0],
        {
            "Title": caption.title,
            "Description": caption.details,
            "Weights": embedding.get("weights", "?"),
        },
    )
