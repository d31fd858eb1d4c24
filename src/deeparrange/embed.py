"""Embed images with Keras ResNet-50 without its classifier: 2048-d vectors.

Images stream from `letters.h5` in fixed-size batches, so memory stays
bounded by the batch whatever the size of the set. Every batch is padded to
the same size, so that an item's vector does not depend on which batch or
shard it falls in.
"""

import logging
import time
import weakref
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from deeparrange import store
from deeparrange.weights import IMAGENET_FILE, file_digest, verify_imagenet

log = logging.getLogger(__name__)

EMBEDDING_DIM = 2048
# Keras' ResNet-50 preprocessing ("caffe"): BGR order, ImageNet channel means.
_BGR_MEANS = np.array([103.939, 116.779, 123.68], dtype=np.float32)
_FORWARDS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


@dataclass
class Weights:
    """Which weights the network carries: 'imagenet', 'random' or 'file'."""

    kind: str
    path: str | None = None
    seed: int = 0

    @classmethod
    def from_config(cls, value: str, seed: int, imagenet_path: str | None = None):
        """Read embedding.weights: imagenet, random, or a path to an .h5 file."""
        if value == "imagenet":
            return cls("imagenet", imagenet_path, seed)
        if value == "random":
            return cls("random", None, seed)
        return cls("file", value, seed)

    def describe(self) -> dict:
        """Provenance of the weights, with the file's SHA-256 where there is one."""
        info = {"weights": self.kind}
        if self.kind == "random":
            info["weights_seed"] = self.seed
            info["note"] = "random weights: NOT ImageNet; for smoke runs only"
        if self.path:
            info["weights_file"] = Path(self.path).name
            info["weights_sha256"] = file_digest(self.path, "sha256")
        return info


@dataclass
class Device:
    """Where and at what precision the network runs."""

    name: str
    precision: str
    details: dict = field(default_factory=dict)


def preprocess(batch: np.ndarray) -> np.ndarray:
    """uint8 RGB [B, 224, 224, 3] to ResNet-50's float32 BGR, means removed."""
    return batch[..., ::-1].astype(np.float32) - _BGR_MEANS


def configure_device(precision: str = "auto", threads: int | None = None) -> Device:
    """Pick the GPU when TensorFlow sees one, else the CPU; set the precision.

    precision="auto" uses mixed float16 on GPUs of compute capability 7.0 or
    newer and float32 elsewhere; "float32" and "mixed" force one or the other.
    """
    import keras
    import tensorflow as tf

    if threads:
        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(1)
    tf.config.experimental.enable_op_determinism()
    gpus = tf.config.list_physical_devices("GPU")
    for gpu in gpus:
        tf.config.experimental.set_memory_growth(gpu, True)
    if gpus:
        details = tf.config.experimental.get_device_details(gpus[0])
        capability = details.get("compute_capability") or (0, 0)
        name = f"GPU ({details.get('device_name', gpus[0].name)})"
        mixed_ok = tuple(capability) >= (7, 0)
    else:
        details, name, mixed_ok = {}, "CPU", False
    if precision not in ("auto", "float32", "mixed"):
        raise ValueError(f"precision={precision!r}, expected auto, float32 or mixed")
    use_mixed = precision == "mixed" or (precision == "auto" and mixed_ok)
    policy = "mixed_float16" if use_mixed else "float32"
    keras.mixed_precision.set_global_policy(policy)
    details = {k: str(v) for k, v in details.items()}
    return Device(name=name, precision=policy, details=details)


def build_model(weights: Weights):
    """ResNet-50 without its top, global average pooling, the given weights."""
    import keras

    if weights.kind == "imagenet":
        verify_imagenet(weights.path)
    if weights.kind in ("imagenet", "file") and not Path(weights.path).is_file():
        raise FileNotFoundError(
            f"embedding.weights: {weights.path} does not exist; give the path of "
            f"a Keras ResNet-50 no-top weights file such as {IMAGENET_FILE}"
        )
    keras.utils.set_random_seed(weights.seed)
    model = keras.applications.ResNet50(
        include_top=False, weights=None, pooling="avg", input_shape=(224, 224, 3)
    )
    if weights.path:
        try:
            model.load_weights(weights.path)
        except (ValueError, OSError, KeyError) as error:
            raise ValueError(
                f"embedding.weights: {weights.path} is not a ResNet-50 no-top "
                f"weights file that Keras can load ({error}); use the file "
                f"{IMAGENET_FILE} or one saved from "
                "keras.applications.ResNet50(include_top=False)"
            ) from error
    return model


def compile_forward(model, batch_size: int, jit: bool = False):
    """The model as a function of float32 [batch_size, 224, 224, 3] batches.

    Kept per model, so embedding several ranges compiles the network once.
    """
    import tensorflow as tf

    compiled = _FORWARDS.setdefault(model, {})
    if (batch_size, jit) not in compiled:
        shape = (batch_size, 224, 224, 3)
        compiled[batch_size, jit] = tf.function(
            lambda x: tf.cast(model(x, training=False), tf.float32),
            input_signature=[tf.TensorSpec(shape, tf.float32)],
            jit_compile=jit,
        )
    return compiled[batch_size, jit]


def embed_range(
    h5_path: str | Path,
    start: int,
    stop: int,
    model,
    batch_size: int = 32,
    jit: bool = False,
) -> np.ndarray:
    """Embed items [start:stop] of a packed set: float32 [stop - start, 2048].

    The batch shape is fixed, so one program serves every batch and an item's
    vector is the same in any batch position. jit=True compiles the forward
    pass with XLA instead; on two CPU cores it was no faster than TensorFlow's
    oneDNN kernels (0.88-0.94x, measured side by side), compiles for half a
    minute and holds 300 MB more, so it is off by default.
    """
    forward = compile_forward(model, batch_size, jit)
    shape = (batch_size, 224, 224, 3)
    out = np.empty((stop - start, EMBEDDING_DIM), dtype=np.float32)
    padded = np.zeros(shape, dtype=np.float32)
    began = time.perf_counter()
    last_report = began
    for first, batch in store.iter_batches(h5_path, start, stop, batch_size):
        n = len(batch)
        padded[:n] = preprocess(batch)
        padded[n:] = 0.0
        out[first - start : first - start + n] = forward(padded).numpy()[:n]
        done = first - start + n
        now = time.perf_counter()
        if now - last_report > 10 or done == stop - start:
            rate = done / (now - began)
            eta = (stop - start - done) / rate if rate else float("nan")
            log.info(
                "embedded %d/%d items, %.1f items/s, %.0f s left",
                done,
                stop - start,
                rate,
                eta,
            )
            last_report = now
    if not np.isfinite(out).all():
        raise FloatingPointError(
            "embedding produced non-finite values; with random weights try "
            "another embedding.seed, otherwise check the weights file"
        )
    return out
