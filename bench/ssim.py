#!/usr/bin/python3
"""SSIM of decoded renditions against their reference pixels, for bench/renditions.sh.

Reads lines "REFERENCE TEST" on stdin and prints "TEST SSIM" for each. SSIM is scikit-image's
structural_similarity with the parameters of Wang et al. (2004) that ImageMagick 7's
`compare -metric SSIM` also uses: an 11x11 Gaussian window with sigma 1.5, K1 0.01, K2 0.03,
population covariance, computed per RGB channel and averaged. Debian 12's ImageMagick (6.9.11)
has no SSIM metric, hence this independent implementation (python3-skimage) instead of ours.

Both images are read with Pillow (PPM, PNG, JPEG, WebP); the caller turns AVIF into PNG first
(heif-convert). Alpha is dropped: the benchmark's inputs are opaque.
"""
import sys

import numpy
from PIL import Image
from skimage.metrics import structural_similarity


def load(path):
    return numpy.asarray(Image.open(path).convert("RGB"), dtype=numpy.float64)


def main():
    for line in sys.stdin:
        parts = line.split()
        if len(parts) != 2:
            continue
        ref, test = load(parts[0]), load(parts[1])
        if ref.shape != test.shape:
            sys.exit(f"ssim: {parts[1]} is {test.shape}, its reference {ref.shape}")
        value = structural_similarity(ref, test, channel_axis=2, data_range=255,
                                      gaussian_weights=True, sigma=1.5,
                                      use_sample_covariance=False)
        print(parts[1], f"{value:.5f}", flush=True)


if __name__ == "__main__":
    main()
