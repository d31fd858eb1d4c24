"""Draw results/{set}/figures/arrangement_clusters.png: the grid by cluster."""

from deeparrange.figures import save_png
from deeparrange.plates import draw_plate
from deeparrange.rulelog import logged

with logged(snakemake) as log:
    page, metadata = draw_plate(
        snakemake.wildcards.set,
        snakemake.input.h5,
        snakemake.input.cells,
        snakemake.input.layout_meta,
        snakemake.input.embedding_meta,
        clusters_csv=snakemake.input.clusters,
    )
    log.info(
        "cluster figure %dx%d px: %s", page.width, page.height, metadata["Description"]
    )
    save_png(page, snakemake.output[0], metadata)
