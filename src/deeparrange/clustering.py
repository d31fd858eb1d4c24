"""Cluster embeddings with k-means, and write pseudo-sentences per cluster."""

import numpy as np
from sklearn.cluster import KMeans


def kmeans_labels(
    embeddings: np.ndarray, k: int, seed: int = 0, n_init: int = 10
) -> tuple[np.ndarray, float]:
    """Cluster labels [n] in 0..k-1 and the k-means inertia.

    Labels are renumbered in order of first appearance, so that cluster 0
    holds item 0 whatever order k-means found the centres in.
    """
    n = len(embeddings)
    if not 1 <= k <= n:
        raise ValueError(f"clusters={k}, expected between 1 and the {n} items")
    model = KMeans(n_clusters=k, n_init=n_init, random_state=seed)
    raw = model.fit_predict(embeddings.astype(np.float64))
    _, first = np.unique(raw, return_index=True)
    order = np.argsort(np.argsort(first))
    return order[raw].astype(np.int64), float(model.inertia_)


def pseudo_sentences(
    texts: list[str], labels: np.ndarray, length: int = 99, seed: int = 0
) -> list[list[str]]:
    """Per cluster, `length` items drawn from its items and the space."""
    rng = np.random.default_rng(seed)
    sentences = []
    for cluster in range(int(labels.max()) + 1):
        alphabet = [t for t, c in zip(texts, labels, strict=True) if c == cluster]
        alphabet.append(" ")
        picks = rng.integers(0, len(alphabet), size=length)
        sentences.append([alphabet[i] for i in picks])
    return sentences
