"""Render a glyph set to results/{set}/glyphs/ and list the items left out."""

from deeparrange.io import save_csv
from deeparrange.pack import missing_table, write_glyph_folder
from deeparrange.rulelog import logged

with logged(snakemake) as log:
    params = snakemake.params
    no_ink, _ = write_glyph_folder(
        params.texts,
        snakemake.input.font,
        snakemake.output.glyphs,
        params.scale,
        workers=snakemake.threads,
    )

    left_out = missing_table(params.lacking, no_ink)
    if len(left_out):
        log.warning(
            "left out %d items: %s", len(left_out), " ".join(left_out["codepoints"])
        )
    if no_ink and params.on_missing == "error":
        raise ValueError(
            f"font {snakemake.input.font} draws no ink for {len(no_ink)} of the "
            f"set's characters ({' '.join(left_out['codepoints'][-len(no_ink) :])});"
            " remove them from the set or set missing: skip"
        )
    save_csv(snakemake.output.missing, left_out)
