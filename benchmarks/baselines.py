"""The original notebooks' ways, one item at a time, to measure ours against.

Re-implemented from their description for benchmarks/speed.py: glyphs drawn by
matplotlib (one figure per glyph, saved with a tight bounding box), one
model.predict call per image, and a figure of one AnnotationBbox per item.
"""

import io
from pathlib import Path

import numpy as np


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def render_original(
    texts: list[str], font_path: str | Path, folder: str | Path | None
) -> list[Path | io.BytesIO]:
    """One matplotlib figure per glyph, text in an AnnotationBbox, tight PNG.

    With folder None the PNGs are written into memory, not to files.
    """
    plt = _pyplot()
    from matplotlib.font_manager import FontProperties
    from matplotlib.offsetbox import AnnotationBbox, TextArea

    if folder is not None:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
    font = FontProperties(fname=str(font_path), size=120)
    paths = []
    for i, text in enumerate(texts):
        fig, ax = plt.subplots(figsize=(2.24, 2.24), dpi=100)
        box = AnnotationBbox(
            TextArea(text, textprops={"fontproperties": font}),
            (0.5, 0.5),
            frameon=False,
        )
        ax.add_artist(box)
        ax.axis("off")
        path = io.BytesIO() if folder is None else folder / f"{i:05d}.png"
        fig.savefig(path, format="png", bbox_inches="tight")
        plt.close(fig)
        paths.append(path)
    return paths


def embed_original(images: np.ndarray, model) -> np.ndarray:
    """model.predict on one preprocessed image at a time: float32 [N, 2048]."""
    from deeparrange.embed import preprocess

    return np.concatenate(
        [model.predict(preprocess(image[None]), verbose=0) for image in images]
    )


def arrangement_original(
    images: np.ndarray, cells: np.ndarray, rows: int, cols: int, path: str | Path
) -> None:
    """One OffsetImage in an AnnotationBbox per item, saved at 300 dpi."""
    plt = _pyplot()
    from matplotlib.offsetbox import AnnotationBbox, OffsetImage

    fig, ax = plt.subplots(figsize=(cols * 0.4, rows * 0.4))
    ax.set_xlim(-0.5, cols - 0.5)
    ax.set_ylim(rows - 0.5, -0.5)
    ax.axis("off")
    # Zoom so a 224 px image spans about one grid cell at 300 dpi.
    zoom = 0.4 * 300 / images.shape[1]
    for image, cell in zip(images, cells, strict=True):
        row, col = divmod(int(cell), cols)
        box = AnnotationBbox(OffsetImage(image, zoom=zoom), (col, row), frameon=False)
        ax.add_artist(box)
    fig.savefig(path, dpi=300)
    plt.close(fig)
