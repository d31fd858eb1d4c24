"""Project results/{set}/embeddings.npy to 2-D with PCA: pca.npy [n, 2]."""

import numpy as np

from deeparrange.io import save_npy
from deeparrange.projection import pca_2d
from deeparrange.provenance import write_json
from deeparrange.rulelog import logged

with logged(snakemake) as log:
    embeddings = np.load(snakemake.input[0])
    coords, ratio = pca_2d(embeddings)
    log.info(
        "PCA of %s: explained variance ratio %.4f, %.4f",
        embeddings.shape,
        ratio[0],
        ratio[1],
    )
    save_npy(snakemake.output.pca, coords)
    write_json(
        snakemake.output.meta,
        {
            "method": "PCA, 2 components, full SVD",
            "sign": "largest-magnitude loading of each component positive",
            "explained_variance_ratio": [round(float(r), 8) for r in ratio],
        },
    )
