"""Write result files through a temporary name, so none is ever half-written."""

import os
from pathlib import Path

import numpy as np
import pandas as pd


def save_npy(path: str | Path, array: np.ndarray) -> None:
    """Save an array as .npy, atomically."""
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    with open(partial, "wb") as f:
        np.save(f, array)
    os.replace(partial, path)


def save_csv(path: str | Path, table: pd.DataFrame) -> None:
    """Save a table as CSV without its index, atomically."""
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    table.to_csv(partial, index=False, lineterminator="\n")
    os.replace(partial, path)


def save_text(path: str | Path, text: str) -> None:
    """Save UTF-8 text, atomically."""
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)
