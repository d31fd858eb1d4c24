"""Assign each item of results/{set}/pca.npy one grid cell: grid_assignment.csv."""

import numpy as np
import pandas as pd

from deeparrange import store
from deeparrange.assignment import assign_to_grid, cell_centres, scale_to_grid
from deeparrange.io import save_csv
from deeparrange.provenance import write_json
from deeparrange.rulelog import logged

with logged(snakemake) as log:
    coords = np.load(snakemake.input.pca)
    items = store.read_items(snakemake.input.h5)
    rows, cols = snakemake.params.rows, snakemake.params.cols
    log.info("assigning %d items to a %dx%d grid", len(coords), rows, cols)

    cells = assign_to_grid(coords, rows, cols)
    moved = np.linalg.norm(
        scale_to_grid(coords, rows, cols) - cell_centres(rows, cols)[cells], axis=1
    )
    log.info("total distance moved %.3f cells, mean %.3f", moved.sum(), moved.mean())

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
            "method": "pca_assign",
            "description": "PCA to 2-D, scaled to the grid, linear sum assignment "
            "minimising the total Euclidean distance moved",
            "rows": rows,
            "cols": cols,
            "total_distance": round(float(moved.sum()), 6),
        },
    )
