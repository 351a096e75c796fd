// What a PNG's gAMA chunk does to its samples, decided once for both decoding paths (the libpng
// fast path and libvips' loader) so a picture comes out the same at every bit depth. We do what
// Chromium (Skia's PNG codec) and Firefox do: without an sRGB or iCCP chunk, gAMA = g means the
// samples encode linear light as L = E^(1/g) with sRGB primaries, shown on an sRGB display
// (docs/image-fidelity.md). Pure: no libvips, no libpng.
#pragma once

#include <cstdint>
#include <vector>

namespace noisett::image {

// The gAMA chunk's stored value (gamma x 100000) as browsers accept it, or 0 when libpng would
// ignore it (zero or out of its range).
double PngFileGamma(uint32_t stored);

// Maps every sample 0..max_sample of a file with gamma `file_gamma` to its 8-bit sRGB value:
// round(255 * sRGB_encode((v / max_sample) ^ (1 / file_gamma))).
// REQUIRES: file_gamma > 0, max_sample is 255 or 65535.
std::vector<uint8_t> GammaToSrgbTable(double file_gamma, int max_sample);

}  // namespace noisett::image
