#!/usr/bin/python3
"""Makes the benchmark's input set: 20 PNG 1024x1024, 10 PNG 2048x2048, 10 JPEG 4096x3072 (q92)
and 10 lossy WebP 1536x1536 (q80), each set in its own subdirectory of the directory given.

The pictures must cost what real generated photos cost to decode, so they are photo-like rather
than flat: smooth colour fields and soft blobs (blurred low-resolution randomness) plus per-pixel,
per-channel grain, which is what makes PNG compress like a photo (~1.5 MB per megapixel) instead of
like a flat graphic. Everything comes from `random.Random(seed)` fed to Pillow through
`Image.frombytes`, never from Image.effect_noise (libc rand(), not seedable from Python), so the set
is the same on every run. PNGs use Pillow's default compression level, as generators save them.

Uses Debian's python3-pil only (numpy is not available). Two worker processes keep the whole set
under a minute on two cores. A stamp file records the generator version: a directory whose stamp
matches and whose files all exist is left alone, so repeated benchmark runs reuse the set.

Usage: make_inputs.py DIR
"""
import multiprocessing
import os
import random
import sys

from PIL import Image, ImageFilter

# Bump when the pictures change, so stale sets are regenerated rather than silently reused.
VERSION = "noisett-bench-inputs 1"
STAMP = ".stamp"

# (subdirectory, count, width, height, format, save options)
SETS = [
    ("png1024", 20, 1024, 1024, "PNG", {}),
    ("png2048", 10, 2048, 2048, "PNG", {}),
    ("jpeg4096", 10, 4096, 3072, "JPEG", {"quality": 92}),
    ("webp1536", 10, 1536, 1536, "WEBP", {"quality": 80, "lossless": False}),
]
EXTENSIONS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}

# Grain amplitude: about +-10 levels per channel, like a high-ISO photo or a diffusion model's
# output. It also keeps the 4096x3072 q92 JPEGs under the 10 MB upload limit the design sets.
GRAIN = 0.08


def random_rgb(rng, width, height):
    return Image.frombytes("RGB", (width, height), rng.randbytes(width * height * 3))


def picture(width, height, seed):
    rng = random.Random(seed)
    # A handful of random colours stretched over the frame reads as sky/ground colour fields.
    base = random_rgb(rng, 4, 3).resize((width, height), Image.Resampling.BICUBIC)
    # Soft-edged blobs of colour: a radial gradient is a ready-made feathered disc mask.
    disc = Image.radial_gradient("L").point(lambda v: max(0, 255 - 2 * v))
    for _ in range(12):
        d = rng.randrange(width // 8, width // 2)
        mask = disc.resize((d, d), Image.Resampling.BILINEAR)
        colour = Image.new("RGB", (d, d), tuple(rng.randrange(256) for _ in range(3)))
        base.paste(colour, (rng.randrange(-d // 2, width - d // 2),
                            rng.randrange(-d // 2, height - d // 2)), mask)
    # Mid-frequency texture (foliage, fabric) so resampling filters have real detail to work on.
    texture = random_rgb(rng, max(1, width // 16), max(1, height // 16)).resize(
        (width, height), Image.Resampling.BICUBIC).filter(ImageFilter.GaussianBlur(2))
    base = Image.blend(base, texture, 0.25)
    return Image.blend(base, random_rgb(rng, width, height), GRAIN)


def make_one(job):
    path, width, height, fmt, options, seed = job
    tmp = path + ".tmp"
    picture(width, height, seed).save(tmp, format=fmt, **options)
    os.replace(tmp, path)  # a killed run never leaves a half-written input behind


def jobs_for(root):
    for set_index, (name, count, width, height, fmt, options) in enumerate(SETS):
        for i in range(count):
            path = os.path.join(root, name, f"{name}_{i:03d}.{EXTENSIONS[fmt]}")
            yield name, (path, width, height, fmt, options, 1000 * (set_index + 1) + i)


def set_is_current(set_dir, paths):
    try:
        with open(os.path.join(set_dir, STAMP)) as f:
            stamp = f.read().strip()
    except OSError:
        return False
    return stamp == VERSION and all(os.path.exists(p) for p in paths)


def main(argv):
    if len(argv) != 2:
        sys.exit("usage: make_inputs.py DIR")
    root = argv[1]
    by_set = {}
    for name, job in jobs_for(root):
        by_set.setdefault(name, []).append(job)
    stale = [name for name, jobs in by_set.items()
             if not set_is_current(os.path.join(root, name), [j[0] for j in jobs])]
    if not stale:
        print(f"make_inputs: {root} is up to date ({VERSION})")
        return
    for name in stale:
        set_dir = os.path.join(root, name)
        os.makedirs(set_dir, exist_ok=True)
        try:
            os.remove(os.path.join(set_dir, STAMP))
        except FileNotFoundError:
            pass
    todo = [job for name in stale for job in by_set[name]]
    print(f"make_inputs: generating {len(todo)} images for {', '.join(stale)} in {root}")
    # Biggest first so the two workers finish together.
    todo.sort(key=lambda j: -j[1] * j[2])
    with multiprocessing.Pool(min(2, os.cpu_count() or 1)) as pool:
        pool.map(make_one, todo, chunksize=1)
    for name in stale:
        with open(os.path.join(root, name, STAMP), "w") as f:
            f.write(VERSION + "\n")


if __name__ == "__main__":
    main(sys.argv)
