"""Fetch and check the ImageNet weights of Keras' ResNet-50 without its top.

The file and its MD5 checksum are the ones `keras.applications.ResNet50`
downloads itself; fetching it in a rule of its own lets compute nodes without
internet use a copy made on the login node.
"""

import hashlib
import logging
import os
import urllib.error
import urllib.request
from pathlib import Path

log = logging.getLogger(__name__)

IMAGENET_FILE = "resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5"
IMAGENET_URL = (
    "https://storage.googleapis.com/tensorflow/keras-applications/resnet/"
    + IMAGENET_FILE
)
IMAGENET_MD5 = "4d473c1dd8becc155b73f8504c6f6626"


class WeightsError(RuntimeError):
    """The weights file cannot be had or is not the one expected."""


def file_digest(path: str | Path, algorithm: str = "md5") -> str:
    """Hex digest of a file, read in 1 MiB blocks."""
    digest = hashlib.new(algorithm)
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _offline_help(target: Path) -> str:
    return (
        f"To work offline, download {IMAGENET_URL} on a machine with internet, "
        f"check that its MD5 is {IMAGENET_MD5}, and copy it to {target}; or set "
        "embedding.weights to the path of a Keras ResNet-50 no-top .h5 file; or, "
        "for a smoke run whose outputs are marked as such, add "
        "--config 'embedding={weights: random}' (random weights, not ImageNet)."
    )


def verify_imagenet(path: str | Path) -> None:
    """Raise WeightsError unless path holds the expected ImageNet weights."""
    path = Path(path)
    actual = file_digest(path)
    if actual != IMAGENET_MD5:
        raise WeightsError(
            f"{path}: MD5 {actual} is not the expected {IMAGENET_MD5} of "
            f"{IMAGENET_FILE}; the file is damaged or a different one. Delete it "
            f"and run again to download it anew. " + _offline_help(path)
        )


def download_imagenet(
    target: str | Path, url: str = IMAGENET_URL, timeout: float = 60.0
) -> None:
    """Download the weights to target through a temporary file, then verify."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    log.info("downloading %s to %s", url, target)
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            with open(partial, "wb") as out:
                size = int(response.headers.get("Content-Length") or 0)
                done = 0
                for block in iter(lambda: response.read(1 << 20), b""):
                    out.write(block)
                    done += len(block)
                    if size and done % (16 << 20) < (1 << 20):
                        log.info("downloaded %d of %d MiB", done >> 20, size >> 20)
    except (urllib.error.URLError, OSError, TimeoutError) as error:
        partial.unlink(missing_ok=True)
        raise WeightsError(
            f"Could not download the ResNet-50 ImageNet weights from {url}: "
            f"{error}. " + _offline_help(target)
        ) from error
    try:
        verify_imagenet(partial)
    except WeightsError:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, target)
    log.info("weights verified (MD5 %s)", IMAGENET_MD5)
