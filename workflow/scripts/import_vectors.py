"""Take a vectors set's .npy as its embeddings, and pack what figures draw."""

import h5py
import pandas as pd

from deeparrange import store
from deeparrange.images import BATCH_SIZE, FolderReader
from deeparrange.io import save_npy
from deeparrange.provenance import write_json
from deeparrange.rulelog import logged
from deeparrange.vectors import colour_tiles, load_vectors, read_labels
from deeparrange.weights import file_digest


def readable_thumbnails(reader):
    """The reader's thumbnails in batches; an error if any file is unreadable."""
    for batch in reader:
        yield batch.thumbnails
    if reader.skipped:
        raise ValueError(
            f"{reader.root}: {len(reader.skipped)} images could not be read "
            f"({list(reader.skipped[0])}); a vectors set needs one readable "
            "image per vector"
        )


with logged(snakemake) as log:
    source = snakemake.input.vectors
    vectors = load_vectors(source)
    labels = read_labels(snakemake.input.get("labels"), len(vectors))
    images = snakemake.input.get("images")

    # Images stream from their source in batches; colour tiles are small.
    if not images:
        tiles, drawn = [colour_tiles(vectors)], "colours"
        shape = tiles[0].shape[1:]
    elif isinstance(images, str) and images.endswith((".h5", ".hdf5")):
        with h5py.File(images, "r") as f:
            n, *shape = f["images"].shape
        tiles = (batch for _, batch in store.iter_batches(images, 0, n, BATCH_SIZE))
        drawn = "h5 images"
    else:
        reader = FolderReader(snakemake.params.folder)
        tiles, shape = readable_thumbnails(reader), reader.thumb_shape
        drawn = "folder images"
    log.info("vectors %s from %s, drawn as %s", vectors.shape, source, drawn)

    items = pd.DataFrame(
        {
            "label": labels,
            "text": [""] * len(labels),
            "codepoints": [""] * len(labels),
            "name": labels,
        }
    )
    store.write_set_batches(
        snakemake.output.h5,
        tiles,
        items,
        {
            "set": snakemake.wildcards.set,
            "kind": "vectors",
            "vectors": source,
            "drawn": drawn,
        },
        image_shape=tuple(shape),
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
