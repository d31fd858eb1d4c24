"""Time each stage against the original notebooks' way, side by side.

Prints one markdown table: items/s (median of the runs), peak memory of the
process that ran it, and the ratio. Each way runs in a fresh subprocess.
Usage: python benchmarks/speed.py [--full] [--repeats 3]
  quick (default, a few minutes): 1,000 glyphs, then the workflow on 500;
  --full: the workflow end to end on 10,000 GNU Unifont glyphs (about 20 min
  on two cores; installs Debian's fonts-unifont when absent and run as root).
"""

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

# ResNet-50 at 224 x 224: 4.1 G multiply-adds per image.
RESNET50_GFLOP = 8.2
UNIFONT = Path("/usr/share/fonts/opentype/unifont/unifont.otf")
BUNDLED_FONT = ROOT / "resources/fonts/DejaVuSans.ttf"
# The original way draws about 100 glyphs/s: 200 take seconds, a few hundred
# milliseconds of which are its first figure.
ORIGINAL_RENDER_ITEMS = 200
# Letters, marks, numbers, punctuation, symbols: every one has ink.
_DRAWN = ("L", "N", "P", "S")


def sgemm_gflops(size: int = 4096, runs: int = 5) -> float:
    """Best float32 matrix-multiply rate of numpy's BLAS here, GFLOP/s."""
    a = np.random.default_rng(0).random((size, size), dtype=np.float32)
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        a @ a
        best = min(best, time.perf_counter() - start)
    return 2 * size**3 / best / 1e9


def glyph_texts(font: Path, count: int) -> list[str]:
    """The first `count` drawable characters of a font, from U+0021 up."""
    from fontTools.ttLib import TTFont

    cmap = TTFont(str(font), lazy=True).getBestCmap()
    texts = [
        chr(c)
        for c in sorted(cmap)
        if c > 0x20 and unicodedata.category(chr(c))[0] in _DRAWN
    ]
    if len(texts) < count:
        raise ValueError(f"{font.name} draws {len(texts)} characters, not {count}")
    return texts[:count]


# ---- workers: each runs one way of one stage in its own process ------------


def _timed(run, repeats: int) -> list[float]:
    seconds = []
    for i in range(repeats):
        start = time.perf_counter()
        run(i)
        seconds.append(time.perf_counter() - start)
    return seconds


def work_render(way: str, args: dict) -> dict:
    from baselines import render_original

    from deeparrange.glyphs import draw_glyphs
    from deeparrange.pack import write_glyph_folder
    from deeparrange.png import encode_png

    texts, font, tmp = args["texts"], args["font"], Path(args["tmp"])
    if way == "original":
        seconds = _timed(
            lambda i: render_original(texts, font, tmp / f"orig{i}"), args["repeats"]
        )
        from PIL import Image

        sizes = {Image.open(p).size for p in (tmp / "orig0").glob("*.png")}
        return {
            "seconds": seconds,
            "note": f"{len(sizes)} PNG sizes, e.g. {min(sizes)}",
        }
    if way == "original-memory":
        seconds = _timed(lambda i: render_original(texts, font, None), args["repeats"])
        return {"seconds": seconds, "note": "PNGs written into memory"}
    if way == "ours-memory":

        def draw_and_encode(i):
            pages, _ = draw_glyphs(texts, font, scale="fixed")
            for page in pages:
                if page is not None:
                    encode_png(np.asarray(page))

        seconds = _timed(draw_and_encode, args["repeats"])
        return {"seconds": seconds, "note": "224x224 PNGs written into memory"}
    workers = args["workers"]
    seconds = _timed(
        lambda i: write_glyph_folder(
            texts, font, tmp / f"ours{workers}-{i}", "fixed", workers=workers
        ),
        args["repeats"],
    )
    return {"seconds": seconds, "note": "224x224 PNGs"}


def tf_matmul_gflops(size: int = 2048, runs: int = 3) -> float:
    """Best float32 matrix-multiply rate of TensorFlow's own kernels, GFLOP/s.

    These are the oneDNN kernels that run the network; on some CPUs they are
    twice as fast as numpy's BLAS.
    """
    import tensorflow as tf

    a = tf.constant(np.random.default_rng(0).random((size, size), dtype=np.float32))
    square = tf.function(lambda x: tf.linalg.matmul(x, x))
    square(a).numpy()
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        square(a).numpy()
        best = min(best, time.perf_counter() - start)
    return 2 * size**3 / best / 1e9


def work_embed(way: str, args: dict) -> dict:
    from baselines import embed_original

    from deeparrange import store
    from deeparrange.embed import (
        Weights,
        build_model,
        compile_forward,
        configure_device,
        embed_range,
    )

    configure_device("float32", threads=args["threads"])
    model = build_model(Weights("random", None, 0))
    h5, n, batch = args["h5"], args["n"], args["batch"]
    if way == "original":
        images = store.read_images(h5, 0, n)
        embed_original(images[:1], model)
        seconds = _timed(lambda i: embed_original(images, model), args["repeats"])
        return {"seconds": seconds, "note": "model.predict per image"}
    if way == "memory":
        seconds = _timed(lambda i: embed_range(h5, 0, n, model, batch), 1)
        return {"seconds": seconds, "runs": 1, "note": "one job, streamed"}
    jit = way == "xla"
    start = time.perf_counter()
    forward = compile_forward(model, batch, jit)
    forward(np.zeros((batch, 224, 224, 3), np.float32))
    compile_s = time.perf_counter() - start
    vectors, limits = [], {"numpy": [], "tensorflow": []}

    def run(i):
        vectors.append(embed_range(h5, 0, n, model, batch, jit=jit))

    # The matrix-multiply rates are measured between the runs, under the
    # same load as the runs themselves.
    seconds = []
    for _ in range(args["repeats"]):
        limits["numpy"].append(sgemm_gflops(2048, 3))
        limits["tensorflow"].append(tf_matmul_gflops(2048, 3))
        seconds += _timed(run, 1)
    same = all(np.array_equal(vectors[0], v) for v in vectors[1:])
    note = f"batch {batch}, compile {compile_s:.1f} s, same output each run: {same}"
    gflops = {k: statistics.median(v) for k, v in limits.items()}
    return {"seconds": seconds, "note": note, "gflops": gflops}


def repeated_set(h5: Path, out: Path, count: int, unit: int = 1000) -> Path:
    """A packed set of `count` items: h5's first `unit` images over and over."""
    from deeparrange import store

    images = store.read_images(h5, 0, unit)
    items = store.read_items(h5).iloc[: len(images)]
    starts = range(0, count, len(images))
    batches = (images[: min(len(images), count - i)] for i in starts)
    repeat = items.iloc[np.arange(count) % len(items)].reset_index(drop=True)
    store.write_set_batches(out, batches, repeat, {"set": "memory check"})
    return out


def work_figures(way: str, args: dict) -> dict:
    from baselines import arrangement_original

    from deeparrange import store
    from deeparrange.figures import Caption, mosaic, save_png, with_caption

    n, tmp = args["n"], Path(args["tmp"])
    rows = cols = int(np.ceil(np.sqrt(n)))
    cells = np.random.default_rng(0).permutation(rows * cols)[:n]
    if way == "original":
        images = store.read_images(args["h5"], 0, n)
        seconds = _timed(
            lambda i: arrangement_original(images, cells, rows, cols, tmp / "o.png"),
            args["repeats"],
        )
        return {"seconds": seconds, "note": f"{rows}x{cols}, 300 dpi"}

    def draw(i):
        image = mosaic(args["h5"], cells, rows, cols)
        page = with_caption(image, Caption("speed", f"{n} items"))
        save_png(page, tmp / "ours.png", {})

    seconds = _timed(draw, args["repeats"])
    return {"seconds": seconds, "note": f"{rows}x{cols}, mosaic + caption + PNG"}


WORKERS = {"render": work_render, "embed": work_embed, "figures": work_figures}


def run_worker(stage: str, way: str, args: dict) -> dict:
    """Run one way in a fresh process; its timings and peak resident memory."""
    command = [sys.executable, __file__, "--worker", stage, way, json.dumps(args)]
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise RuntimeError(f"{stage}/{way} failed:\n{done.stderr[-3000:]}")
    line = next(x for x in done.stdout.splitlines() if x.startswith("RESULT "))
    return json.loads(line.removeprefix("RESULT "))


def _worker_main(stage: str, way: str, args: str) -> None:
    result = WORKERS[stage](way, json.loads(args))
    result["peak_mb"] = peak_mb()
    print("RESULT " + json.dumps(result))


def peak_mb() -> float:
    """Peak resident MB of this process or the largest process it forked.

    getrusage alone would not do: a process started by exec keeps the peak
    of its parent at the fork, the benchmark's own ~170 MB. VmHWM is the
    peak of this process's own memory.
    """
    status = Path("/proc/self/status")
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if status.is_file():
        own = int(re.search(r"VmHWM:\s+(\d+) kB", status.read_text()).group(1))
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def assign_rows(n: int, repeats: int) -> None:
    """The assign rows, measured with benchmarks/bench_assign.py's functions."""
    from functools import partial

    import bench_assign

    from deeparrange.assignment import assign_to_grid, grid_shape

    results = {}
    for way, size, solve in [
        ("original", 1024, bench_assign.assign_original),
        ("ours", n, assign_to_grid),
    ]:
        points = bench_assign.mixture_cloud(size)
        rows, cols = grid_shape(size)
        seconds, peak, _ = bench_assign.measure(
            partial(solve, points, rows, cols), repeats
        )
        results[way] = {
            "seconds": [seconds],
            "runs": repeats,
            "peak_mb": peak,
            "note": "peak MB traced by tracemalloc",
        }
    base = _row(
        "assign", "original: dense cost loop + scipy", 1024, results["original"]
    )
    _row("assign", "ours: assign_to_grid", n, results["ours"], base)


# ---- the workflow end to end -----------------------------------------------


def ensure_unifont() -> Path:
    """GNU Unifont's path, installing Debian's fonts-unifont if absent."""
    if not UNIFONT.is_file():
        if os.geteuid() != 0 or shutil.which("apt-get") is None:
            raise RuntimeError(
                f"{UNIFONT} is missing; install Debian's fonts-unifont "
                "(apt-get install fonts-unifont) and run again"
            )
        subprocess.run(["apt-get", "install", "-y", "fonts-unifont"], check=True)
    return UNIFONT


def _snakemake(workdir: Path, *args: str) -> float:
    command = [
        sys.executable, "-m", "snakemake", "--snakefile", str(ROOT / "Snakefile"),
        "--directory", str(workdir), "--cores", "2", *args,
    ]  # fmt: skip
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"snakemake {args} failed:\n{done.stderr[-4000:]}")
    return seconds


def stage_seconds(results: Path) -> dict[str, float]:
    """Seconds per rule from the rule logs' last 'took' line; shards summed."""
    seconds: dict[str, float] = {}
    for log in sorted(results.glob("logs/*.log")):
        took = re.findall(r"deeparrange: took ([\d.]+) s", log.read_text())
        if took:
            rule = re.sub(r"-\d{4}$", "", log.stem)
            seconds[rule] = seconds.get(rule, 0.0) + float(took[-1])
    return seconds


def workflow_run(workdir: Path, count: int, repeats: int) -> dict:
    """Run the workflow on `count` Unifont glyphs, then time the no-op rerun."""
    import yaml

    font = ensure_unifont()
    texts = glyph_texts(font, count)
    config = {
        "seed": 0,
        "embedding": {"weights": "random"},
        "sets": {
            "unifont": {
                "font": str(font),
                "characters": "".join(texts),
                "clusters": 8,
            }
        },
    }
    (workdir / "config").mkdir(parents=True, exist_ok=True)
    (workdir / "config/config.yaml").write_text(
        yaml.safe_dump(config, allow_unicode=True)
    )
    total = _snakemake(workdir)
    dry = [_snakemake(workdir, "-n") for _ in range(repeats)]
    rerun = [_snakemake(workdir) for _ in range(repeats)]
    return {
        "count": count,
        "total": total,
        "stages": stage_seconds(workdir / "results/unifont"),
        "dry_run": statistics.median(dry),
        "rerun": statistics.median(rerun),
    }


# ---- the table --------------------------------------------------------------


def _row(stage, way, n, result, base_rate=None, note=""):
    rate = n / statistics.median(result["seconds"])
    ratio = f"{rate / base_rate:.1f}x" if base_rate else "1x"
    runs = result.get("runs", len(result["seconds"]))
    print(
        f"| {stage} | {way} | {n} | {rate:,.1f} | {runs} | "
        f"{result['peak_mb']:,.0f} | {ratio} | {note or result['note']} |"
    )
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="10,000 glyphs")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--keep", help="folder for the outputs (else temporary)")
    parser.add_argument(
        "--render-only", action="store_true", help="only the render stage"
    )
    opts = parser.parse_args()
    r = opts.repeats
    n_glyphs = 10_000 if opts.full else 1_000
    n_embed = 256 if opts.full else 96
    # Peak memory of one embed job over a large set: it must not grow with it.
    n_memory = 20_000 if opts.full else 2_000
    workflow_items = 10_000 if opts.full else 500

    tmp = Path(opts.keep or tempfile.mkdtemp(prefix="deeparrange-speed-"))
    tmp.mkdir(parents=True, exist_ok=True)
    gflops = sgemm_gflops()
    print(f"numpy float32 sgemm at the start: {gflops:.0f} GFLOP/s (best of 5)")
    print()
    print("| stage | way | items | items/s | runs | peak MB | ratio | note |")
    print("|---|---|---:|---:|---:|---:|---:|---|")

    font = str(BUNDLED_FONT)
    texts = glyph_texts(BUNDLED_FONT, n_glyphs)
    common = {"repeats": r, "font": font, "tmp": str(tmp)}
    n_original = ORIGINAL_RENDER_ITEMS
    subset = texts[:n_original]
    base = run_worker("render", "original", {**common, "texts": subset})
    way = "original: matplotlib figure per glyph"
    base_rate = _row("render", way, n_original, base)
    for workers in sorted({1, opts.threads}):
        ours = run_worker(
            "render", "ours", {**common, "texts": texts, "workers": workers}
        )
        way = f"ours: Pillow glyph bitmaps, {workers} process(es)"
        _row("render", way, n_glyphs, ours, base_rate)
    base = run_worker("render", "original-memory", {**common, "texts": subset})
    base_rate = _row("render", "original, PNGs into memory", n_original, base)
    ours = run_worker("render", "ours-memory", {**common, "texts": texts})
    _row("render", "ours, PNGs into memory, 1 process", n_glyphs, ours, base_rate)
    if opts.render_only:
        return

    from deeparrange.pack import pack_glyph_folder

    h5 = tmp / "letters.h5"
    pack_glyph_folder(texts, tmp / "ours1-0", h5, {"set": "speed"})
    common = {"repeats": r, "h5": str(h5), "threads": opts.threads, "batch": 32}
    base = run_worker("embed", "original", {**common, "n": 20})
    base_rate = _row("embed", "original: predict per image", 20, base)
    xla = run_worker("embed", "xla", {**common, "n": n_embed})
    _row("embed", "batches of 32, XLA (not used)", n_embed, xla, base_rate)
    ours = run_worker("embed", "ours", {**common, "n": n_embed})
    rate = _row("embed", "ours: batches of 32, oneDNN", n_embed, ours, base_rate)
    for kind, way in [("numpy", "numpy sgemm"), ("tensorflow", "TensorFlow matmul")]:
        gflops = ours["gflops"][kind]
        limit = gflops / RESNET50_GFLOP
        print(
            f"| embed | limit: {way} {gflops:.0f} GFLOP/s / {RESNET50_GFLOP} "
            f"GFLOP | | {limit:.1f} | | | ours at {limit and rate / limit:.0%} | "
            "2048^2 float32, measured between the runs |"
        )
    large = repeated_set(h5, tmp / "large.h5", n_memory)
    memory = run_worker("embed", "memory", {**common, "h5": str(large), "n": n_memory})
    _row("embed", "ours, the memory check: one job", n_memory, memory, base_rate)

    assign_rows(n_glyphs, r)

    common = {"repeats": r, "h5": str(h5), "tmp": str(tmp)}
    base = run_worker("figures", "original", {**common, "n": 100})
    base_rate = _row("figures", "original: AnnotationBbox per item", 100, base)
    ours = run_worker("figures", "ours", {**common, "n": n_glyphs})
    _row("figures", "ours: tiles pasted into one array", n_glyphs, ours, base_rate)

    print()
    run = workflow_run(tmp / "workflow", workflow_items, r)
    print(f"Workflow on {run['count']} Unifont glyphs, random weights, 2 cores: "
          f"{run['total']:.0f} s end to end")  # fmt: skip
    print("| rule | seconds |")
    print("|---|---:|")
    for rule, seconds in sorted(run["stages"].items(), key=lambda kv: -kv[1]):
        print(f"| {rule} | {seconds:.1f} |")
    dry, rerun = run["dry_run"], run["rerun"]
    print(
        f"finished workflow: `snakemake -n` {dry:.1f} s, "
        f"rerun ('Nothing to be done') {rerun:.1f} s (median of {r})"
    )
    if not opts.keep:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--worker":
        _worker_main(*sys.argv[2:])
    else:
        main()
