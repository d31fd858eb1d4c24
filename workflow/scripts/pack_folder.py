"""Read an image folder into results/{set}/letters.h5; list skipped files."""

from deeparrange.images import FolderReader, pack_folder
from deeparrange.io import save_csv
from deeparrange.rulelog import logged

with logged(snakemake) as log:
    params = snakemake.params
    background = tuple(int(params.background[i : i + 2], 16) for i in (1, 3, 5))
    reader = FolderReader(params.folder, fit=params.fit, background=background)

    attrs = {
        "set": snakemake.wildcards.set,
        "kind": "folder",
        "folder": params.folder,
        "fit": params.fit,
        "background": params.background,
    }
    count = pack_folder(reader, snakemake.output.h5, attrs)
    save_csv(snakemake.output.skipped, reader.skipped_table())
    log.info("packed %d images, skipped %d", count, len(reader.skipped))
