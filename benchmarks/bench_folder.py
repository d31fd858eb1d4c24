"""Pack a folder of photos into letters.h5: the whole set at once against streaming.

Writes seeded 640x480 photo-like JPEGs to a temporary folder, packs them in a
fresh process each way, and prints images/s and the process's peak RSS as
medians of 3 runs, with the ratio. Run: python benchmarks/bench_folder.py
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image

SRC = Path(__file__).resolve().parents[1] / "src"

# One packing in a fresh interpreter; prints seconds, items and peak RSS.
_CHILD = """
import json, resource, sys, time
import pandas as pd
from deeparrange import store
from deeparrange.images import FolderReader, load_folder, pack_folder

way, folder, out = sys.argv[1:]
attrs = {"set": "photos", "kind": "folder"}
start = time.perf_counter()
if way == "whole":
    whole = load_folder(folder)
    items = pd.DataFrame(
        {"label": whole.labels, "text": "", "codepoints": "", "name": whole.labels}
    )
    store.write_set(out, whole.images, items, attrs, thumbnails=whole.thumbnails)
    count = len(whole.labels)
else:
    count = pack_folder(FolderReader(folder), out, attrs)
seconds = time.perf_counter() - start
peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": seconds, "count": count, "peak_mb": peak_kb / 1024}))
"""
WAYS = {
    "whole": "load_folder + write_set (before)",
    "stream": "FolderReader + pack_folder (now)",
}


def write_photos(folder: Path, count: int, seed: int = 0) -> None:
    """Smooth colour fields with grain and a few blocks, as 640x480 JPEGs."""
    rng = np.random.default_rng(seed)
    for i in range(count):
        coarse = rng.integers(0, 256, (6, 8, 3), dtype=np.uint8)
        field = Image.fromarray(coarse).resize((640, 480), Image.Resampling.BICUBIC)
        pixels = np.asarray(field, dtype=np.int16)
        for _ in range(3):
            y, x = rng.integers(0, 400), rng.integers(0, 560)
            pixels[y : y + 80, x : x + 80] = rng.integers(0, 256, 3)
        pixels = pixels + rng.normal(0, 8, pixels.shape).astype(np.int16)
        photo = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
        photo.save(folder / f"photo{i:05d}.jpg", quality=90)


def pack(way: str, folder: Path, out: Path) -> dict:
    """Run one packing in a fresh interpreter and return what it printed."""
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, way, str(folder), str(out)],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    out.unlink()
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000, help="photos to pack")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp, "photos")
        folder.mkdir()
        write_photos(folder, args.count)
        runs = {way: [] for way in WAYS}
        # Alternate the ways, so a busy moment falls on both.
        for _ in range(args.repeats):
            for way in WAYS:
                runs[way].append(pack(way, folder, Path(tmp, f"{way}.h5")))

    medians = {}
    for way, results in runs.items():
        rate = statistics.median(r["count"] / r["seconds"] for r in results)
        peak = statistics.median(r["peak_mb"] for r in results)
        medians[way] = rate, peak
    print(f"{args.count} photos 640x480, medians of {args.repeats} runs")
    print(f"{'way':<36} {'images/s':>9} {'peak RSS MB':>12}")
    for way, label in WAYS.items():
        rate, peak = medians[way]
        print(f"{label:<36} {rate:9.1f} {peak:12.0f}")
    (old_rate, old_peak), (new_rate, new_peak) = medians["whole"], medians["stream"]
    print(
        f"{'ratio now / before':<36} {new_rate / old_rate:8.2f}x "
        f"{new_peak / old_peak:11.2f}x"
    )


if __name__ == "__main__":
    main()
