// Paints a ThumbHash (the `thumbhash` of each image in the API's answers) as a small blurred
// picture, shown behind a tile until its thumbnail arrives. The format is ThumbHash's
// (https://evanw.github.io/thumbhash/); tests/web/thumbhash.test.mjs checks this decoder against
// its reference implementation. No DOM in decodeThumbHash, so node can run it.

// The placeholder's size in pixels for a hash: 32 on the long side, the hash's aspect ratio.
function placeholderSize(hash) {
  const hasAlpha = (hash[2] & 0x80) !== 0;
  const landscape = (hash[4] & 0x80) !== 0;
  const lx = landscape ? (hasAlpha ? 5 : 7) : hash[3] & 7;
  const ly = landscape ? hash[3] & 7 : hasAlpha ? 5 : 7;
  const ratio = lx / ly;
  return {
    w: Math.round(ratio > 1 ? 32 : 32 * ratio),
    h: Math.round(ratio > 1 ? 32 / ratio : 32),
  };
}

// Bytes -> { w, h, rgba: Uint8ClampedArray } (not premultiplied).
export function decodeThumbHash(hash) {
  const { PI, cos, max } = Math;
  const header24 = hash[0] | (hash[1] << 8) | (hash[2] << 16);
  const header16 = hash[3] | (hash[4] << 8);
  const lDc = (header24 & 63) / 63;
  const pDc = ((header24 >> 6) & 63) / 31.5 - 1;
  const qDc = ((header24 >> 12) & 63) / 31.5 - 1;
  const lScale = ((header24 >> 18) & 31) / 31;
  const hasAlpha = header24 >> 23 !== 0;
  const pScale = ((header16 >> 3) & 63) / 63;
  const qScale = ((header16 >> 9) & 63) / 63;
  const landscape = header16 >> 15 !== 0;
  const lx = max(3, landscape ? (hasAlpha ? 5 : 7) : header16 & 7);
  const ly = max(3, landscape ? header16 & 7 : hasAlpha ? 5 : 7);
  const aDc = hasAlpha ? (hash[5] & 15) / 15 : 1;
  const aScale = (hash[5] >> 4) / 15;

  // The varying terms: 4 bits each, low nibble first, in the encoder's triangle order.
  let nibble = 0;
  const start = hasAlpha ? 6 : 5;
  const terms = (nx, ny, scale) => {
    const out = [];
    for (let cy = 0; cy < ny; cy++) {
      for (let cx = cy ? 0 : 1; cx * ny < nx * (ny - cy); cx++, nibble++) {
        const bits = (hash[start + (nibble >> 1)] >> ((nibble & 1) << 2)) & 15;
        out.push((bits / 7.5 - 1) * scale);
      }
    }
    return out;
  };
  const lAc = terms(lx, ly, lScale);
  const pAc = terms(3, 3, pScale * 1.25);
  const qAc = terms(3, 3, qScale * 1.25);
  const aAc = hasAlpha ? terms(5, 5, aScale) : [];

  const { w, h } = placeholderSize(hash);
  const rgba = new Uint8ClampedArray(w * h * 4);
  const nx = max(lx, hasAlpha ? 5 : 3);
  const ny = max(ly, hasAlpha ? 5 : 3);
  const fx = new Array(nx);
  const fy = new Array(ny);
  for (let y = 0, i = 0; y < h; y++) {
    for (let x = 0; x < w; x++, i += 4) {
      let l = lDc, p = pDc, q = qDc, a = aDc;
      for (let cx = 0; cx < nx; cx++) fx[cx] = cos((PI / w) * (x + 0.5) * cx);
      for (let cy = 0; cy < ny; cy++) fy[cy] = cos((PI / h) * (y + 0.5) * cy);
      for (let cy = 0, j = 0; cy < ly; cy++) {
        for (let cx = cy ? 0 : 1; cx * ly < lx * (ly - cy); cx++, j++) {
          l += lAc[j] * fx[cx] * fy[cy] * 2;
        }
      }
      for (let cy = 0, j = 0; cy < 3; cy++) {
        for (let cx = cy ? 0 : 1; cx < 3 - cy; cx++, j++) {
          const f = fx[cx] * fy[cy] * 2;
          p += pAc[j] * f;
          q += qAc[j] * f;
        }
      }
      if (hasAlpha) {
        for (let cy = 0, j = 0; cy < 5; cy++) {
          for (let cx = cy ? 0 : 1; cx < 5 - cy; cx++, j++) a += aAc[j] * fx[cx] * fy[cy] * 2;
        }
      }
      // Luminance and the two colour differences back to RGB.
      const b = l - (2 / 3) * p;
      const r = (3 * l - b + q) / 2;
      const g = r - q;
      rgba[i] = 255 * r;
      rgba[i + 1] = 255 * g;
      rgba[i + 2] = 255 * b;
      rgba[i + 3] = 255 * a;
    }
  }
  return { w, h, rgba };
}

// A data: URL of the placeholder for a base64 hash; "" when there is none or it cannot be read.
export function thumbHashToDataUrl(base64) {
  if (!base64) return "";
  try {
    const hash = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    if (hash.length < 5) return "";
    const { w, h, rgba } = decodeThumbHash(hash);
    const canvas = document.createElement("canvas");
    canvas.width = w;
    canvas.height = h;
    canvas.getContext("2d").putImageData(new ImageData(rgba, w, h), 0, 0);
    return canvas.toDataURL();
  } catch {
    return "";
  }
}
