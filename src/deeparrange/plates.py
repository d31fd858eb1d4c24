"""A set's figures from its result files: the arrangement, plain or by cluster."""

from pathlib import Path

import numpy as np
import pandas as pd
from PIL import Image

from deeparrange import store
from deeparrange.figures import caption_for, cluster_colour, mosaic, with_caption
from deeparrange.provenance import read_json


def draw_plate(
    set_name: str,
    h5_path: str | Path,
    cells_csv: str | Path,
    layout_json: str | Path,
    embedding_json: str | Path,
    clusters_csv: str | Path | None = None,
) -> tuple[Image.Image, dict[str, str]]:
    """The captioned arrangement, tinted by cluster when clusters are given.

    Returns the page and the text to store in the PNG's metadata.
    """
    cells = pd.read_csv(cells_csv, keep_default_na=False)
    layout = read_json(layout_json)
    embedding = read_json(embedding_json)
    source = store.read_provenance(h5_path)
    rows, cols = layout["rows"], layout["cols"]
    labels = None
    if clusters_csv is not None:
        labels = pd.read_csv(clusters_csv)["cluster"].to_numpy()

    flat = (cells["row"] * cols + cells["col"]).to_numpy()
    image = mosaic(h5_path, flat, rows, cols, labels=labels)
    origin = source.get("font") or source.get("folder") or source.get("vectors", "?")
    caption = caption_for(set_name, len(cells), rows, cols, embedding, layout, origin)
    legend = None
    if labels is not None:
        sizes = np.bincount(labels)
        caption.details += f"; k-means, k = {len(sizes)}"
        legend = [
            (cluster_colour(c), f"cluster {c} ({n})") for c, n in enumerate(sizes)
        ]
    page = with_caption(image, caption, legend)
    metadata = {
        "Title": caption.title,
        "Description": caption.details,
        "Weights": embedding.get("weights", "?"),
    }
    return page, metadata
