"""Glyph folders: write one PNG per item, and pack them into `letters.h5`."""

import logging
import multiprocessing
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
from PIL import Image

from deeparrange import store
from deeparrange.charsets import Item
from deeparrange.glyphs import GlyphFont, common_point_size, draw_page
from deeparrange.png import save_png
from deeparrange.weights import file_digest

log = logging.getLogger(__name__)

# Fewest pages worth a process of their own (forking costs about 10 ms).
_PAGES_PER_PROCESS = 64


def glyph_filename(text: str) -> str:
    """File name of an item's PNG: its code points, such as U+0041.png."""
    return Item(text).codepoints.replace(" ", "_") + ".png"


def write_glyph_folder(
    texts: list[str],
    font_path: str | Path,
    folder: str | Path,
    scale: str,
    workers: int = 1,
) -> tuple[list[str], float]:
    """Render items to folder/U+XXXX.png; return the items without ink.

    With workers > 1 the pages are drawn and written by that many forked
    processes; every page is the same whatever the number.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    glyph_font = GlyphFont(font_path)
    point_size = common_point_size(glyph_font, texts, scale=scale)

    job = _PageJob(glyph_font, point_size, scale, folder)
    # Forking hands each process the open font; other start methods would
    # have to pickle it. A process pays off from a few dozen pages on.
    fork = "fork" in multiprocessing.get_all_start_methods()
    workers = min(workers, len(texts) // _PAGES_PER_PROCESS) if fork else 1
    if workers > 1:
        # Strided chunks share out slow stretches, such as dense ideographs.
        n_chunks = 4 * workers
        chunks = [texts[i::n_chunks] for i in range(n_chunks)]
        context = multiprocessing.get_context("fork")
        with context.Pool(workers, initializer=_start_worker, initargs=(job,)) as pool:
            blank = set().union(*pool.map(_write_pages, chunks))
    else:
        _start_worker(job)
        blank = set(_write_pages(texts))
    no_ink = [t for t in texts if t in blank]
    log.info(
        "rendered %d glyphs (%s scale, %.1f px) in %d process(es), %d without ink",
        len(texts) - len(no_ink),
        scale,
        point_size,
        max(workers, 1),
        len(no_ink),
    )
    return no_ink, point_size


class _PageJob(NamedTuple):
    glyph_font: GlyphFont
    point_size: float
    scale: str
    folder: Path


# The job of this process; a font cannot be pickled, so workers inherit it.
_job: _PageJob | None = None


def _start_worker(job: _PageJob) -> None:
    global _job
    _job = job


def _write_pages(texts: list[str]) -> list[str]:
    """Draw and save the pages of texts with this process's job; the blank ones."""
    blank = []
    for text in texts:
        page = draw_page(_job.glyph_font, text, _job.point_size, scale=_job.scale)
        if page is None:
            blank.append(text)
            continue
        # Unfiltered at zlib level 1: 2.3x faster to write than Pillow's PNGs
        # for files as small; plain glyphs are one channel.
        save_png(_job.folder / glyph_filename(text), np.asarray(page))
    return blank


def missing_table(lacking: list[str], no_ink: list[str]) -> pd.DataFrame:
    """Items left out of a glyph set, with the reason, as a table."""
    rows = [(t, "not in the font's character map") for t in lacking]
    rows += [(t, "glyph has no ink (or cannot be laid out)") for t in no_ink]
    return pd.DataFrame(
        {
            "codepoints": [Item(t).codepoints for t in [r[0] for r in rows]],
            "character": [r[0] for r in rows],
            "name": [Item(r[0]).name for r in rows],
            "reason": [r[1] for r in rows],
        }
    )


def pack_glyph_folder(
    texts: list[str],
    folder: str | Path,
    h5_path: str | Path,
    attrs: dict,
    chunk: int = 256,
) -> int:
    """Pack the PNGs of the items that have one into h5_path; return the count.

    Images stream into the file `chunk` at a time, so memory stays bounded
    whatever the size of the set.
    """
    folder = Path(folder)
    kept = [t for t in texts if (folder / glyph_filename(t)).is_file()]
    if not kept:
        raise ValueError(f"{folder}: holds none of the set's glyphs")
    with Image.open(folder / glyph_filename(kept[0])) as first:
        shape = (first.height, first.width, 3)
    items = pd.DataFrame(
        {
            "label": kept,
            "text": kept,
            "codepoints": [Item(t).codepoints for t in kept],
            "name": [Item(t).name for t in kept],
        }
    )
    batches = (
        _read_pngs(folder, kept[i : i + chunk], shape)
        for i in range(0, len(kept), chunk)
    )
    store.write_set_batches(h5_path, batches, items, attrs, image_shape=shape)
    return len(kept)


def _read_pngs(folder: Path, texts: list[str], shape: tuple) -> np.ndarray:
    """The items' PNGs as uint8 [len(texts), H, W, 3]."""
    out = np.empty((len(texts), *shape), dtype=np.uint8)
    for i, text in enumerate(texts):
        with Image.open(folder / glyph_filename(text)) as image:
            if image.size != (shape[1], shape[0]):
                raise ValueError(
                    f"{folder / glyph_filename(text)}: {image.width}x"
                    f"{image.height} px, expected {shape[1]}x{shape[0]} like the "
                    "set's other glyphs; delete the folder and render it again"
                )
            out[i] = np.asarray(image.convert("RGB"))
    return out


def font_provenance(font_path: str | Path) -> dict:
    """Font file name and SHA-256, for the set's provenance."""
    return {
        "font": Path(font_path).name,
        "font_sha256": file_digest(font_path, "sha256"),
    }
