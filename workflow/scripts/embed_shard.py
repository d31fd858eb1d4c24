"""Embed one shard of results/{set}/letters.h5 with ResNet-50: [n, 2048]."""

import numpy as np

from deeparrange import store
from deeparrange.embed import (
    EMBEDDING_DIM,
    Weights,
    build_model,
    configure_device,
    embed_range,
)
from deeparrange.io import save_npy
from deeparrange.provenance import write_json
from deeparrange.rulelog import logged

with logged(snakemake) as log:
    params = snakemake.params
    start, stop = params.span
    # A folder set may pack fewer items than it has files: clip to what is there.
    total = store.count(snakemake.input.h5)
    start, stop = min(start, total), min(stop, total)
    weights = Weights.from_config(
        params.weights, params.seed, snakemake.input.get("weights")
    )
    info = {"items": [start, stop], **weights.describe()}

    if start == stop:
        log.info("shard is empty: the set packed only %d items", total)
        vectors = np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
    else:
        device = configure_device(params.precision, snakemake.threads)
        log.info(
            "device %s, precision %s, weights %s, batch %d",
            device.name,
            device.precision,
            weights.kind,
            params.batch_size,
        )
        model = build_model(weights)
        vectors = embed_range(snakemake.input.h5, start, stop, model, params.batch_size)
        info.update(device=device.name, precision=device.precision)

    info.update(
        batch_size=params.batch_size,
        model="ResNet50(include_top=False, pooling='avg')",
        preprocessing="keras resnet50 (caffe: BGR, ImageNet means)",
    )
    save_npy(snakemake.output.embeddings, vectors)
    write_json(snakemake.output.meta, info)
