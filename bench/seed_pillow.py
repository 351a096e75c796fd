#!/usr/bin/python3
"""The design document's Pillow `ImageProcessor` ("Image Processing" section of
000_2faf02afdc908dd5.txt), kept as the reference Noisett is measured against.

Default mode is the design code as written: `optimize_for_web` gets the upload as bytes, validates
it, then `compress_image` and `generate_thumbnail` each open those bytes with Image.open on their
own, so every image is parsed and decoded twice. Both fit the picture in a box with
Image.thumbnail(LANCZOS) (the full image only when larger than 2048 px on a side) and save a JPEG
with quality=85, optimize=True (Pillow's default 4:2:0 subsampling at that quality).

--decode-once is the fairest Pillow: one Image.open + load(), the full image from it and the
thumbnail from a .copy() of the decoded pixels. Note it cannot use Pillow's JPEG draft (DCT
down-scaling), which only applies before load(); the design code gets that for its thumbnail.

The only departure from the design code: a mode JPEG cannot store (RGBA, P, LA...) is converted
to RGB just before saving, where the design code would raise. The benchmark inputs have no alpha,
so this never runs on them.

Usage: seed_pillow.py FILE... --out DIR [--decode-once]
Writes DIR/NAME.jpg and DIR/thumb_NAME.jpg for each input, like `noisett optimize`.
"""
import argparse
import io
import os
import sys

from PIL import Image

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_DIMENSION = 2048
THUMB_SIZE = (256, 256)
JPEG_MODES = {"L", "RGB", "CMYK"}


def validate_image(image_data):
    if len(image_data) > MAX_UPLOAD_BYTES:
        return False, "Image too large"
    image = Image.open(io.BytesIO(image_data))  # lazy: reads the header only
    if image.format not in ["PNG", "JPEG", "WEBP"]:
        return False, f"Unsupported format: {image.format}"
    return True, None


def save_jpeg(image):
    if image.mode not in JPEG_MODES:
        image = image.convert("RGB")
    output = io.BytesIO()
    image.save(output, format="JPEG", quality=85, optimize=True)
    return output.getvalue()


def fit_full(image):
    if image.width > MAX_DIMENSION or image.height > MAX_DIMENSION:
        image.thumbnail((MAX_DIMENSION, MAX_DIMENSION), Image.Resampling.LANCZOS)
    return image


def fit_thumb(image):
    image.thumbnail(THUMB_SIZE, Image.Resampling.LANCZOS)
    return image


def compress_image(image_data):
    return save_jpeg(fit_full(Image.open(io.BytesIO(image_data))))


def generate_thumbnail(image_data):
    return save_jpeg(fit_thumb(Image.open(io.BytesIO(image_data))))


def optimize_for_web(image_data):
    return compress_image(image_data), generate_thumbnail(image_data)


def optimize_decode_once(image_data):
    image = Image.open(io.BytesIO(image_data))
    image.load()
    thumb = fit_thumb(image.copy())  # thumbnail() works in place; keep the original for the full
    return save_jpeg(fit_full(image)), save_jpeg(thumb)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", metavar="FILE")
    parser.add_argument("--out", required=True, metavar="DIR")
    parser.add_argument("--decode-once", action="store_true")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    optimize = optimize_decode_once if args.decode_once else optimize_for_web
    failed = False
    for path in args.files:
        with open(path, "rb") as f:
            data = f.read()  # the design code receives the upload as bytes
        ok, reason = validate_image(data)
        if not ok:
            print(f"seed_pillow: {path}: {reason}", file=sys.stderr)
            failed = True
            continue
        full, thumb = optimize(data)
        stem = os.path.splitext(os.path.basename(path))[0]
        with open(os.path.join(args.out, stem + ".jpg"), "wb") as f:
            f.write(full)
        with open(os.path.join(args.out, "thumb_" + stem + ".jpg"), "wb") as f:
            f.write(thumb)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
