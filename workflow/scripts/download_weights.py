"""Download Keras' ResNet-50 no-top ImageNet weights and verify the checksum."""

from deeparrange.rulelog import logged
from deeparrange.weights import download_imagenet

with logged(snakemake):
    download_imagenet(snakemake.output[0])
