"""Measure a set's layout (DPQ_16 and neighbour figures): metrics.json.

The original pca_assign layout is measured beside any other method, so that
every run shows what sorting in the full feature space gained.
"""

import time

import numpy as np
import pandas as pd

from deeparrange.layout import arrange, measure
from deeparrange.provenance import read_json, write_json
from deeparrange.rulelog import logged

with logged(snakemake) as log:
    embeddings = np.load(snakemake.input.embeddings)
    grid = pd.read_csv(snakemake.input.cells, keep_default_na=False)
    clusters = pd.read_csv(snakemake.input.clusters)["cluster"].to_numpy()
    layout = read_json(snakemake.input.layout_meta)
    rows, cols, seed = layout["rows"], layout["cols"], snakemake.params.seed
    cells = (grid["row"] * cols + grid["col"]).to_numpy()

    began = time.perf_counter()
    figures = measure(embeddings, cells, rows, cols, clusters, seed)
    report = {
        "set": snakemake.wildcards.set,
        "items": len(cells),
        "grid": {"rows": rows, "cols": cols},
        "layout": {
            "method": layout["method"],
            "seed": seed,
            "seconds": round(read_json(snakemake.input.timing)["seconds"], 3),
        },
        **figures,
    }
    if layout["method"] != "pca_assign":
        baseline = arrange(
            embeddings, np.load(snakemake.input.pca), rows, cols, "pca_assign"
        )
        report["baseline_pca_assign"] = measure(
            embeddings, baseline, rows, cols, clusters, seed
        )
    embedding = read_json(snakemake.input.embedding_meta)
    report["embedding"] = {
        k: embedding[k]
        for k in (
            "weights",
            "weights_seed",
            "weights_file",
            "weights_sha256",
            "vectors_file",
            "device",
            "precision",
        )
        if k in embedding
    }
    report["measure_seconds"] = round(time.perf_counter() - began, 3)
    log.info(
        "DPQ_16 %.4f (%s)%s",
        figures["dpq16"]["dpq"],
        layout["method"],
        f", pca_assign {report['baseline_pca_assign']['dpq16']['dpq']:.4f}"
        if "baseline_pca_assign" in report
        else "",
    )
    write_json(snakemake.output[0], report)
