"""Pack the PNGs of results/{set}/glyphs/ into results/{set}/letters.h5."""

from deeparrange.pack import font_provenance, pack_glyph_folder
from deeparrange.rulelog import logged

with logged(snakemake) as log:
    attrs = {
        "set": snakemake.wildcards.set,
        "kind": "glyphs",
        "scale": snakemake.params.scale,
        **font_provenance(snakemake.input.font),
    }
    count = pack_glyph_folder(
        snakemake.params.texts, snakemake.input.glyphs, snakemake.output[0], attrs
    )
    log.info("packed %d glyphs into %s", count, snakemake.output[0])
