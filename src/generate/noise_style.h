// What a prompt decides in the noise generator, without any libvips: a stable hash and random
// stream (FNV-1a 64, SplitMix64; std::hash is not stable across builds), the palette (OkLab
// colour stops steered by mood words, spread into a 256-entry LUT) and the style (layout,
// feature sizes, warp, bands). noise_generator.cc turns a style and a seed into pixels.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

namespace noisett::generate::noise {

inline constexpr double kPi = 3.14159265358979323846;

uint64_t Fnv1a64(std::string_view text);

inline uint64_t SplitMix64(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next() { return SplitMix64(state_); }
  double Uniform(double lo, double hi) { return lo + (hi - lo) * double(Next() >> 11) * 0x1p-53; }
  int Below(int n) { return int(Next() % uint64_t(n)); }
  bool Chance(double p) { return Uniform(0, 1) < p; }
  int VipsSeed() { return int(Next() & 0x7fffffff); }  // vips seeds are gint

 private:
  uint64_t state_;
};

struct Lab {
  double l, a, b;  // OkLab: perceptually even, so blends between stops stay clean
};

enum class Layout { kClouds, kMarble, kCells, kRidges, kFlow, kGlow };

struct Style {
  Layout layout = Layout::kClouds;
  double cell = 200;        // largest noise feature, in pixels of a 1024 image
  int octaves = 4;
  double roughness = 0.5;   // amplitude ratio between octaves
  double detail = 0.5;      // weight of the fbm under a gradient, cells or ridges layout
  double warp = 0.05;       // domain warp, as a fraction of the image side
  double warp_cell = 300;
  int bands = 0;            // contour bands (0: none)
  double band_mix = 0;
  double vignette = 0;
  double gamma = 1;
  double angle = 0;         // the gradient direction of kFlow, in degrees
  std::vector<Lab> palette;
};

Style MakeStyle(std::string_view prompt);

// 256 x 1 RGB, 3 bytes each: the stops spread evenly, blended in OkLab, with a contrast curve.
std::array<uint8_t, 256 * 3> PaletteLut(const std::vector<Lab>& stops, double gamma);

}  // namespace noisett::generate::noise
