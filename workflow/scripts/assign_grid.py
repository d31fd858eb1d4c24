"""Give each item of a set one grid cell: grid_assignment.csv.

The method is flas or las (sorting the embeddings) or pca_assign (the
original: PCA coordinates assigned to cells).
"""

import time

import numpy as np
import pandas as pd

from deeparrange import store
from deeparrange.io import save_csv
from deeparrange.layout import arrange
from deeparrange.provenance import write_json
from deeparrange.rulelog import logged

DESCRIPTIONS = {
    "pca_assign": "PCA to 2-D, scaled to the grid, linear sum assignment "
    "minimising the total Euclidean distance moved",
    "flas": "Fast Linear Assignment Sorting of the embeddings (Barthel et al. 2023)",
    "las": "Linear Assignment Sorting of the embeddings (Barthel et al. 2023)",
}

with logged(snakemake) as log:
    coords = np.load(snakemake.input.pca)
    embeddings = np.load(snakemake.input.embeddings)
    items = store.read_items(snakemake.input.h5)
    params = snakemake.params
    rows, cols, method = params.rows, params.cols, params.method
    log.info(
        "arranging %d items on a %dx%d grid with %s", len(coords), rows, cols, method
    )

    began = time.perf_counter()
    cells = arrange(embeddings, coords, rows, cols, method, params.seed, params.dims)
    seconds = time.perf_counter() - began
    log.info("%s took %.2f s", method, seconds)

    row, col = np.divmod(cells, cols)
    table = pd.DataFrame(
        {
            "item": items["item"],
            "label": items["label"],
            "character": items["text"],
            "row": row,
            "col": col,
            "x": coords[:, 0],
            "y": coords[:, 1],
        }
    )
    save_csv(snakemake.output.cells, table)
    write_json(
        snakemake.output.meta,
        {
            "method": method,
            "description": DESCRIPTIONS[method],
            "rows": rows,
            "cols": cols,
            "seed": params.seed,
            "dims": None if method == "pca_assign" else params.dims,
        },
    )
    write_json(snakemake.output.timing, {"method": method, "seconds": seconds})
