// The gallery's ThumbHash decoder (web/js/thumbhash.js) against the format's reference
// implementation (npm `thumbhash`): for hashes of opaque and translucent images of both
// orientations, the same placeholder size and every channel of every pixel within 1/255 (the
// reference truncates to bytes, the gallery's canvas array rounds). Exit 1 on any difference.
import assert from "node:assert/strict";
import { rgbaToThumbHash, thumbHashToRGBA } from "thumbhash";
import { decodeThumbHash } from "../../web/js/thumbhash.js";

// A deterministic picture: colour ramps, a disc, noise, optional alpha.
function picture(w, h, alpha, seed) {
  let state = seed * 2654435761 >>> 0;
  const rand = () => ((state = (state * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  const rgba = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 4;
      const disc = (x - w / 2) ** 2 + (y - h / 3) ** 2 < (w * w) / 9;
      rgba[i] = (255 * x) / w;
      rgba[i + 1] = disc ? 220 : 40 + 60 * rand();
      rgba[i + 2] = (255 * y) / h;
      rgba[i + 3] = alpha ? (disc ? 255 : 255 * rand()) : 255;
    }
  }
  return rgba;
}

let checked = 0;
for (const [w, h, alpha] of [
  [100, 100, false], [100, 60, false], [60, 100, true], [100, 30, true], [20, 100, false],
  [1, 1, false], [100, 1, true], [77, 91, true], [91, 77, false],
]) {
  for (let seed = 1; seed <= 4; seed++) {
    const hash = rgbaToThumbHash(w, h, picture(w, h, alpha, seed));
    const want = thumbHashToRGBA(hash);
    const got = decodeThumbHash(hash);
    assert.equal(got.w, want.w, `${w}x${h} width`);
    assert.equal(got.h, want.h, `${w}x${h} height`);
    for (let i = 0; i < want.rgba.length; i++) {
      if (Math.abs(got.rgba[i] - want.rgba[i]) > 1) {
        assert.fail(`${w}x${h} alpha=${alpha} seed=${seed}: byte ${i} is ${got.rgba[i]}, reference ${want.rgba[i]}`);
      }
    }
    checked++;
  }
}
console.log(`thumbhash: ${checked} placeholders decoded as the reference decodes them`);
