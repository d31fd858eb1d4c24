"""Project embeddings to 2-D with PCA, with a sign convention that is fixed."""

import numpy as np
from sklearn.decomposition import PCA


def pca_2d(embeddings: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """PCA coordinates [n, 2] and the explained variance ratio [2].

    Each component's sign is chosen so that its largest-magnitude loading is
    positive, so the picture does not flip between library versions or runs.
    """
    n, d = embeddings.shape
    if n < 2:
        raise ValueError(f"PCA needs at least 2 items, got {n}")
    components = min(2, n, d)
    pca = PCA(n_components=components, svd_solver="full")
    coords = pca.fit_transform(embeddings.astype(np.float64))
    for i, loading in enumerate(pca.components_):
        if loading[np.argmax(np.abs(loading))] < 0:
            coords[:, i] = -coords[:, i]
    ratio = pca.explained_variance_ratio_
    if components < 2:
        coords = np.column_stack([coords, np.zeros(n)])
        ratio = np.append(ratio, 0.0)
    return coords, ratio
