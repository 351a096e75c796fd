#include "image/png_gamma.h"

#include <cmath>

namespace noisett::image {
namespace {

// The sRGB transfer function's encoding half (IEC 61966-2-1), linear 0..1 to encoded 0..1.
double SrgbEncode(double linear) {
  if (linear <= 0.0031308) return 12.92 * linear;
  return 1.055 * std::pow(linear, 1 / 2.4) - 0.055;
}

}  // namespace

double PngFileGamma(uint32_t stored) {
  // libpng refuses gamma values outside [16, 625000000] ("gamma value out of range") and then
  // reports no gAMA at all, so browsers built on it see none.
  if (stored < 16 || stored > 625000000) return 0;
  return stored / 100000.0;
}

std::vector<uint8_t> GammaToSrgbTable(double file_gamma, int max_sample) {
  std::vector<uint8_t> table(size_t(max_sample) + 1);
  for (int v = 0; v <= max_sample; ++v) {
    const double linear = std::pow(double(v) / max_sample, 1 / file_gamma);
    table[size_t(v)] = uint8_t(std::lround(255 * SrgbEncode(linear)));
  }
  return table;
}

}  // namespace noisett::image
