# Config validation and the helpers that turn a set's config into rule inputs.
import math
import re

from deeparrange.config import ConfigError, resolve_font, resolve_sets, validate
from deeparrange.weights import IMAGENET_FILE

try:
    validate(config, ROOT / "workflow/schemas/config.schema.yaml")
    SETS = resolve_sets(config, ROOT)
except ConfigError as error:
    raise WorkflowError(str(error)) from None

EMBEDDING = config["embedding"]
WEIGHTS_FILE = f"resources/weights/{IMAGENET_FILE}"
GLYPH_SETS = [name for name, spec in SETS.items() if spec.kind == "glyphs"]
FOLDER_SETS = [name for name, spec in SETS.items() if spec.kind == "folder"]
VECTOR_SETS = [name for name, spec in SETS.items() if spec.kind == "vectors"]


def _name_pattern(names):
    # A pattern that matches no set name keeps a rule out of the DAG.
    return "|".join(re.escape(n) for n in names) or "(?!)"


GLYPH_SET_RE = _name_pattern(GLYPH_SETS)
FOLDER_SET_RE = _name_pattern(FOLDER_SETS)
VECTOR_SET_RE = _name_pattern(VECTOR_SETS)
IMAGE_SET_RE = _name_pattern(GLYPH_SETS + FOLDER_SETS)


wildcard_constraints:
    set=_name_pattern(SETS),
    shard=r"\d{4}",


def weights_path():
    """The weights file the embed jobs read, or None for random weights."""
    value = EMBEDDING["weights"]
    if value == "random":
        return None
    if value == "imagenet":
        return WEIGHTS_FILE
    path = Path(value).expanduser()
    if not path.is_file():
        raise WorkflowError(
            f"embedding.weights: {value!r} is not imagenet, random or an "
            "existing file; give the path of a Keras ResNet-50 no-top .h5 file"
        )
    return str(path)


def get_weights_input(wildcards):
    path = weights_path()
    return {"weights": path} if path else {}


def shard_ranges(name):
    """(start, stop) item ranges of a set's embed jobs."""
    size = EMBEDDING["shard_size"]
    n = SETS[name].max_items
    return [(s, min(s + size, n)) for s in range(0, n, size)]


def get_shard_range(wildcards):
    return shard_ranges(wildcards.set)[int(wildcards.shard)]


def get_shards(wildcards):
    count = len(shard_ranges(wildcards.set))
    return [
        f"results/{wildcards.set}/embeddings/shard-{i:04d}.npy" for i in range(count)
    ]


def embed_mem_mb(wildcards, attempt):
    # TensorFlow and the model take about 2 GB; a batch adds its activations.
    return 2500 + 40 * EMBEDDING["batch_size"] * attempt


def embed_runtime(wildcards, attempt):
    # Minutes: about 5 images/s on a slow CPU core, doubled on each retry.
    start, stop = get_shard_range(wildcards)
    return (10 + math.ceil((stop - start) / 5 / 60)) * attempt


def set_mem_mb(wildcards, attempt):
    # Whole-set steps hold the [n, 2048] embeddings a few times over.
    return (1000 + SETS[wildcards.set].max_items * 2048 * 4 * 6 // 2**20) * attempt


def folder_mem_mb(wildcards, attempt):
    # Packing streams 256 files at a time (about 250 MB whatever the set's
    # size); one RGBA PNG at the 100-megapixel cap peaked at 1.7 GB to decode.
    return 2000 * attempt


def get_vector_inputs(wildcards):
    spec = SETS[wildcards.set]
    inputs = {"vectors": spec.vectors}
    if spec.options["labels"]:
        inputs["labels"] = spec.options["labels"]
    if spec.options["image_files"]:
        inputs["images"] = spec.options["image_files"]
    elif spec.options["images"]:
        inputs["images"] = spec.options["images"]
    return inputs


def get_final_outputs():
    outputs = []
    for name, spec in SETS.items():
        outputs += [
            f"results/{name}/metrics.json",
            f"results/{name}/figures/arrangement.png",
            f"results/{name}/figures/arrangement_clusters.png",
        ]
        if spec.kind == "glyphs":
            outputs += [
                f"results/{name}/sentences.txt",
                f"results/{name}/figures/sentences.png",
            ]
    return outputs
