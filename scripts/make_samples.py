#!/usr/bin/env python3
"""Makes a few sample inputs for scripts/run.sh: a large photo-like PNG, a JPEG that carries EXIF
orientation 6 and GPS tags, a transparent PNG, a WebP, and one truncated JPEG to show how a bad
file is reported. Deterministic; skips files that already exist. Uses Debian's python3-pil."""
import os
import random
import sys

from PIL import Image, ImageDraw


def photo_like(width, height, seed):
    rng = random.Random(seed)
    base = Image.linear_gradient("L").resize((width, height))
    img = Image.merge("RGB", (base, base.rotate(90).resize((width, height)),
                              Image.radial_gradient("L").resize((width, height))))
    draw = ImageDraw.Draw(img)
    for _ in range(40):
        x, y, r = rng.randrange(width), rng.randrange(height), rng.randrange(20, width // 6)
        draw.ellipse((x - r, y - r, x + r, y + r),
                     fill=(rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    noise = Image.effect_noise((width, height), 24).convert("RGB")
    return Image.blend(img, noise, 0.15)


def main(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    path = lambda name: os.path.join(out_dir, name)
    if not os.path.exists(path("landscape.png")):
        photo_like(3000, 2000, 1).save(path("landscape.png"))
    if not os.path.exists(path("phone_photo.jpg")):
        exif = Image.Exif()
        exif[0x0112] = 6  # orientation: rotate 90 CW to display
        exif[0x8825] = {1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 3.0)}  # GPS
        photo_like(1600, 1200, 2).save(path("phone_photo.jpg"), quality=92, exif=exif)
    if not os.path.exists(path("logo.png")):
        logo = Image.new("RGBA", (800, 800), (0, 0, 0, 0))
        ImageDraw.Draw(logo).ellipse((100, 100, 700, 700), fill=(220, 40, 90, 255))
        logo.save(path("logo.png"))
    if not os.path.exists(path("render.webp")):
        photo_like(1536, 1536, 3).save(path("render.webp"), quality=85)
    if not os.path.exists(path("broken.jpg")):
        with open(path("phone_photo.jpg"), "rb") as f:
            data = f.read()
        with open(path("broken.jpg"), "wb") as f:
            f.write(data[: len(data) // 3])
    print(f"sample inputs in {out_dir}: {', '.join(sorted(os.listdir(out_dir)))}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "samples/input")
