"""Take a vectors set's .npy as its embeddings, and pack what figures draw."""

import h5py
import pandas as pd

from deeparrange import store
from deeparrange.images import load_folder
from deeparrange.io import save_npy
from deeparrange.provenance import write_json
from deeparrange.rulelog import logged
from deeparrange.vectors import colour_tiles, load_vectors, read_labels
from deeparrange.weights import file_digest

with logged(snakemake) as log:
    source = snakemake.input.vectors
    vectors = load_vectors(source)
    labels = read_labels(snakemake.input.get("labels"), len(vectors))
    images = snakemake.input.get("images")

    if not images:
        tiles, drawn = colour_tiles(vectors), "colours"
    elif isinstance(images, str) and images.endswith((".h5", ".hdf5")):
        with h5py.File(images, "r") as f:
            tiles, drawn = f["images"][:], "h5 images"
    else:
        folder = load_folder(snakemake.params.folder)
        if len(folder.skipped):
            raise ValueError(
                f"{snakemake.params.folder}: {len(folder.skipped)} images could not "
                f"be read ({folder.skipped.iloc[0].tolist()}); a vectors set needs "
                "one readable image per vector"
            )
        tiles, drawn = folder.thumbnails, "folder images"
    log.info("vectors %s from %s, drawn as %s", vectors.shape, source, drawn)

    items = pd.DataFrame(
        {
            "label": labels,
            "text": [""] * len(labels),
            "codepoints": [""] * len(labels),
            "name": labels,
        }
    )
    store.write_set(
        snakemake.output.h5,
        tiles,
        items,
        {
            "set": snakemake.wildcards.set,
            "kind": "vectors",
            "vectors": source,
            "drawn": drawn,
        },
    )
    save_npy(snakemake.output.embeddings, vectors)
    write_json(
        snakemake.output.meta,
        {
            "weights": "none",
            "source": "vectors",
            "vectors_file": source,
            "vectors_sha256": file_digest(source, "sha256"),
            "count": len(vectors),
            "dim": int(vectors.shape[1]),
        },
    )
