"""Download and verification of the ImageNet weights, without the network."""

import hashlib

import pytest

from deeparrange import weights
from deeparrange.weights import WeightsError, download_imagenet, verify_imagenet


@pytest.fixture
def served(tmp_path, monkeypatch):
    """A local file standing in for the weights, its MD5 made the expected one."""
    source = tmp_path / "served.h5"
    source.write_bytes(b"weights" * 1000)
    monkeypatch.setattr(
        weights, "IMAGENET_MD5", hashlib.md5(source.read_bytes()).hexdigest()
    )
    return source


def test_download_writes_the_verified_file(served, tmp_path):
    target = tmp_path / "resources/weights" / weights.IMAGENET_FILE
    download_imagenet(target, url=served.as_uri())
    assert target.read_bytes() == served.read_bytes()
    assert not list(target.parent.glob("*.partial"))


def test_a_damaged_download_is_removed_and_explained(served, tmp_path, monkeypatch):
    monkeypatch.setattr(weights, "IMAGENET_MD5", "0" * 32)
    target = tmp_path / weights.IMAGENET_FILE
    with pytest.raises(WeightsError, match=r"MD5 [0-9a-f]{32} is not the expected"):
        download_imagenet(target, url=served.as_uri())
    assert not target.exists()
    assert not list(tmp_path.glob("*.partial"))


def test_no_network_says_how_to_work_offline(tmp_path):
    target = tmp_path / "resources/weights" / weights.IMAGENET_FILE
    missing = (tmp_path / "nowhere.h5").as_uri()
    with pytest.raises(WeightsError) as error:
        download_imagenet(target, url=missing)
    message = str(error.value)
    assert "Could not download" in message
    assert weights.IMAGENET_URL in message and weights.IMAGENET_MD5 in message
    assert str(target) in message
    assert "embedding={weights: random}" in message and "not ImageNet" in message
    assert not target.exists()


def test_verify_rejects_a_file_that_is_not_the_imagenet_one(tmp_path):
    other = tmp_path / "other.h5"
    other.write_bytes(b"not the weights")
    with pytest.raises(WeightsError, match="damaged or a different one"):
        verify_imagenet(other)


def test_expected_checksum_is_keras_own():
    # The MD5 that keras.applications.ResNet50 itself checks for this file.
    from keras.src.applications import resnet

    assert resnet.WEIGHTS_HASHES["resnet50"][1] == weights.IMAGENET_MD5
    assert resnet.BASE_WEIGHTS_PATH + weights.IMAGENET_FILE == weights.IMAGENET_URL
