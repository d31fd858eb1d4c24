"""Read an image folder into results/{set}/letters.h5; list skipped files."""

import pandas as pd

from deeparrange import store
from deeparrange.images import load_folder
from deeparrange.io import save_csv
from deeparrange.rulelog import logged

with logged(snakemake) as log:
    params = snakemake.params
    background = tuple(int(params.background[i : i + 2], 16) for i in (1, 3, 5))
    folder = load_folder(params.folder, fit=params.fit, background=background)

    items = pd.DataFrame(
        {
            "label": folder.labels,
            "text": [""] * len(folder.labels),
            "codepoints": [""] * len(folder.labels),
            "name": folder.labels,
        }
    )
    attrs = {
        "set": snakemake.wildcards.set,
        "kind": "folder",
        "folder": params.folder,
        "fit": params.fit,
        "background": params.background,
    }
    store.write_set(
        snakemake.output.h5, folder.images, items, attrs, thumbnails=folder.thumbnails
    )
    save_csv(snakemake.output.skipped, folder.skipped)
    log.info("packed %d images, skipped %d", len(items), len(folder.skipped))
