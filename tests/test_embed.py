"""Embedding: batches, padding and XLA leave an item's vector unchanged."""

import numpy as np
import pandas as pd
import pytest

from deeparrange import store
from deeparrange.embed import (
    EMBEDDING_DIM,
    Weights,
    build_model,
    compile_forward,
    configure_device,
    embed_range,
    preprocess,
)

BATCH = 2


@pytest.fixture(scope="module")
def model():
    configure_device("float32", threads=2)
    return build_model(Weights("random", None, seed=0))


@pytest.fixture(scope="module")
def h5(tmp_path_factory):
    """Five seeded random images in a packed set."""
    path = tmp_path_factory.mktemp("set") / "letters.h5"
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(5, 224, 224, 3), dtype=np.uint8)
    store.write_set(path, images, pd.DataFrame({"label": list("abcde")}), {})
    return path


def test_preprocess_reverses_channels_and_removes_means():
    pixel = np.array([[[[10, 20, 30]]]], dtype=np.uint8)
    np.testing.assert_allclose(
        preprocess(pixel)[0, 0, 0], [30 - 103.939, 20 - 116.779, 10 - 123.68]
    )


def test_an_items_vector_does_not_depend_on_its_batch(model, h5):
    whole = embed_range(h5, 0, 5, model, BATCH)  # the last batch padded
    shifted = embed_range(h5, 1, 5, model, BATCH)  # each item one place earlier
    assert whole.shape == (5, EMBEDDING_DIM) and whole.dtype == np.float32
    np.testing.assert_array_equal(whole[1:], shifted)
    np.testing.assert_array_equal(whole, embed_range(h5, 0, 5, model, BATCH))
    assert not np.allclose(whole[0], whole[1])


def test_xla_gives_the_plain_graphs_vectors(model, h5):
    xla = embed_range(h5, 0, BATCH, model, BATCH, jit=True)
    plain = embed_range(h5, 0, BATCH, model, BATCH, jit=False)
    np.testing.assert_allclose(xla, plain, rtol=1e-3, atol=1e-4 * np.abs(plain).max())


def test_forward_is_compiled_once_per_model_and_batch(model):
    assert compile_forward(model, BATCH) is compile_forward(model, BATCH)
    assert compile_forward(model, BATCH) is not compile_forward(model, BATCH + 1)


@pytest.mark.parametrize(
    ("precision", "policy"), [("float32", "float32"), ("mixed", "mixed_float16")]
)
def test_precision_sets_the_keras_policy(model, precision, policy):
    import keras

    try:
        device = configure_device(precision)
        assert device.precision == policy
        assert keras.mixed_precision.global_policy().name == policy
        assert device.name == "CPU"  # no GPU on the test machines
    finally:
        keras.mixed_precision.set_global_policy("float32")


def test_auto_precision_is_float32_without_a_gpu(model):
    assert configure_device("auto").precision == "float32"


def test_unknown_precision_is_named(model):
    with pytest.raises(ValueError, match="precision='half', expected auto"):
        configure_device("half")
