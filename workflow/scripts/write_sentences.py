"""Write pseudo-sentences drawn from each cluster: sentences.txt and a figure."""

import pandas as pd

from deeparrange.clustering import pseudo_sentences
from deeparrange.figures import save_png, sentences_figure
from deeparrange.io import save_text
from deeparrange.rulelog import logged

with logged(snakemake) as log:
    clusters = pd.read_csv(snakemake.input.clusters, keep_default_na=False)
    params = snakemake.params
    sentences = pseudo_sentences(
        clusters["character"].tolist(),
        clusters["cluster"].to_numpy(),
        params.length,
        params.seed,
    )

    text = "".join(f"cluster {i}: {''.join(s)}\n" for i, s in enumerate(sentences))
    save_text(snakemake.output.text, text)
    page = sentences_figure(sentences, snakemake.input.font)
    log.info("%d sentences of %d items", len(sentences), params.length)
    save_png(page, snakemake.output.figure, {"Title": "pseudo-sentences"})
