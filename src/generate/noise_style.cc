// The noise generator's style: stable randomness, colour, palette and style from a prompt.
#include "generate/noise_style.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <string>

#include "core/text.h"

namespace noisett::generate::noise {
namespace {

// ---- Stable randomness ----------------------------------------------------------------------




// ---- Colour -----------------------------------------------------------------------------------

using Rgb8 = std::array<uint8_t, 3>;

std::array<double, 3> LinearRgb(const Lab& c) {
  const double l = std::pow(c.l + 0.3963377774 * c.a + 0.2158037573 * c.b, 3);
  const double m = std::pow(c.l - 0.1055613458 * c.a - 0.0638541728 * c.b, 3);
  const double s = std::pow(c.l - 0.0894841775 * c.a - 1.2914855480 * c.b, 3);
  return {4.0767416621 * l - 3.3077115913 * m + 0.2309699292 * s,
          -1.2684380046 * l + 2.6097574011 * m - 0.3413193965 * s,
          -0.0041960863 * l - 0.7034186147 * m + 1.7076147010 * s};
}

bool InGamut(const Lab& c) {
  for (double v : LinearRgb(c)) {
    if (v < -1e-4 || v > 1 + 1e-4) return false;
  }
  return true;
}

// OkLCh (hue in degrees) to OkLab, chroma reduced until the colour fits in sRGB.
Lab FromLch(double l, double chroma, double hue) {
  const double h = hue * kPi / 180;
  Lab c{l, chroma * std::cos(h), chroma * std::sin(h)};
  for (int i = 0; i < 24 && !InGamut(c); ++i) {
    c.a *= 0.85;
    c.b *= 0.85;
  }
  return c;
}

Rgb8 ToSrgb8(const Lab& c) {
  Rgb8 out{};
  const auto lin = LinearRgb(c);
  for (int i = 0; i < 3; ++i) {
    const double v = std::clamp(lin[i], 0.0, 1.0);
    const double s = v <= 0.0031308 ? 12.92 * v : 1.055 * std::pow(v, 1 / 2.4) - 0.055;
    out[i] = uint8_t(std::lround(std::clamp(s, 0.0, 1.0) * 255));
  }
  return out;
}

// ---- Palette ----------------------------------------------------------------------------------

// Words that steer the palette: a hue range (OkLCh degrees) and the lightness/chroma ranges.
struct Mood {
  std::string_view word;
  double hue_lo, hue_hi;
  double dark, light;  // lightness of the first and last stop
  double chroma;
};

constexpr Mood kMoods[] = {
    {"sunset", 15, 75, 0.25, 0.88, 0.17},  {"sunrise", 30, 90, 0.35, 0.92, 0.15},
    {"fire", 20, 60, 0.18, 0.90, 0.19},    {"lava", 15, 45, 0.12, 0.80, 0.19},
    {"autumn", 35, 85, 0.25, 0.85, 0.14},  {"ocean", 205, 260, 0.18, 0.85, 0.13},
    {"sea", 200, 250, 0.20, 0.88, 0.12},   {"water", 195, 240, 0.25, 0.92, 0.11},
    {"sky", 215, 250, 0.45, 0.95, 0.10},   {"forest", 125, 160, 0.16, 0.80, 0.13},
    {"jungle", 120, 150, 0.18, 0.82, 0.16}, {"moss", 115, 135, 0.22, 0.78, 0.11},
    {"night", 260, 300, 0.10, 0.60, 0.11}, {"space", 270, 330, 0.08, 0.75, 0.14},
    {"galaxy", 280, 340, 0.10, 0.85, 0.16}, {"desert", 55, 85, 0.40, 0.92, 0.08},
    {"sand", 65, 90, 0.50, 0.94, 0.06},    {"ice", 200, 230, 0.55, 0.98, 0.07},
    {"snow", 220, 250, 0.65, 0.99, 0.04},  {"rose", 350, 370, 0.30, 0.92, 0.14},
    {"candy", 330, 370, 0.55, 0.95, 0.15}, {"gold", 68, 86, 0.30, 0.95, 0.14},
    {"golden", 68, 86, 0.30, 0.95, 0.14}, {"red", 20, 35, 0.20, 0.80, 0.18},
    {"orange", 45, 62, 0.30, 0.88, 0.16},  {"yellow", 95, 110, 0.40, 0.96, 0.15},
    {"green", 135, 150, 0.20, 0.85, 0.15}, {"blue", 240, 265, 0.20, 0.85, 0.15},
    {"purple", 295, 315, 0.18, 0.82, 0.15}, {"pink", 350, 365, 0.40, 0.92, 0.14},
};

// The first mood word in the prompt (whole words, ASCII case-insensitive), or none.
const Mood* FindMood(std::string_view prompt) {
  size_t i = 0;
  while (i < prompt.size()) {
    while (i < prompt.size() && !std::isalpha(static_cast<unsigned char>(prompt[i]))) ++i;
    std::string word;
    while (i < prompt.size() && std::isalpha(static_cast<unsigned char>(prompt[i]))) {
      word += AsciiLower(prompt[i++]);
    }
    for (const Mood& m : kMoods) {
      if (word == m.word || word == std::string(m.word) + "s") return &m;
    }
  }
  return nullptr;
}

// 2-4 stops from dark to light; hues follow a harmony scheme around a base hue.
std::vector<Lab> MakePalette(Rng& rng, const Mood* mood) {
  const int n = 2 + rng.Below(3);
  const double base = mood ? rng.Uniform(mood->hue_lo, mood->hue_hi) : rng.Uniform(0, 360);
  const double dark = mood ? mood->dark : rng.Uniform(0.15, 0.40);
  const double light = mood ? mood->light : rng.Uniform(0.75, 0.96);
  const double chroma = mood ? mood->chroma : rng.Uniform(0.07, 0.17);
  // Mood palettes stay analogous so the mood's hue range holds; free ones may contrast.
  const int scheme = mood ? 0 : rng.Below(4);
  const double step = rng.Uniform(18, 40);
  std::vector<Lab> stops;
  for (int i = 0; i < n; ++i) {
    double hue = base + step * i;                          // analogous
    if (scheme == 1) hue = base + (i % 2) * 180 + 12 * i;  // complementary
    if (scheme == 2) hue = base + 120 * i;                 // triadic
    if (scheme == 3) hue = base + (i == 0 ? 0 : 150 + 60 * ((i - 1) % 2));  // split
    const double t = double(i) / (n - 1);
    const double c = chroma * (0.7 + 0.6 * std::sin(t * kPi));  // most colourful mid-ramp
    stops.push_back(FromLch(dark + (light - dark) * t, c, hue));
  }
  return stops;
}

// The 256-entry RGB LUT: the stops spread evenly, blended in OkLab, with a contrast curve.

// ---- Style: what a prompt decides -------------------------------------------------------------

}  // namespace

uint64_t Fnv1a64(std::string_view text) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

std::array<uint8_t, 256 * 3> PaletteLut(const std::vector<Lab>& stops, double gamma) {
  std::array<uint8_t, 256 * 3> lut{};
  const double segments = double(stops.size() - 1);
  for (int i = 0; i < 256; ++i) {
    const double t = std::pow(i / 255.0, gamma) * segments;
    const size_t k = std::min(size_t(t), stops.size() - 2);
    const double f = t - double(k);
    const Lab& a = stops[k];
    const Lab& b = stops[k + 1];
    const Rgb8 rgb = ToSrgb8({a.l + (b.l - a.l) * f, a.a + (b.a - a.a) * f, a.b + (b.b - a.b) * f});
    std::copy(rgb.begin(), rgb.end(), lut.begin() + 3 * i);
  }
  return lut;
}

Style MakeStyle(std::string_view prompt) {
  Rng rng(Fnv1a64(prompt));
  Style s;
  s.layout = Layout(rng.Below(6));
  s.cell = rng.Uniform(140, 360);
  s.octaves = 3 + rng.Below(3);
  s.roughness = rng.Uniform(0.4, 0.62);
  s.detail = rng.Uniform(0.25, 0.7);
  s.warp = rng.Uniform(0.02, 0.08);
  s.warp_cell = rng.Uniform(220, 480);
  s.vignette = rng.Chance(0.5) ? rng.Uniform(0.1, 0.35) : 0;
  s.gamma = rng.Uniform(0.75, 1.3);
  s.angle = rng.Uniform(0, 360);
  if (s.layout == Layout::kMarble) {
    s.warp = rng.Uniform(0.08, 0.16);
    s.bands = 2 + rng.Below(5);
    s.band_mix = rng.Uniform(0.6, 1.0);
  } else if (rng.Chance(0.25)) {
    s.bands = 3 + rng.Below(8);
    s.band_mix = rng.Uniform(0.2, 0.5);
  }
  if (s.layout == Layout::kCells) s.cell = rng.Uniform(70, 170);
  if (s.layout == Layout::kFlow) s.warp = rng.Uniform(0.1, 0.2);
  s.palette = MakePalette(rng, FindMood(prompt));
  return s;
}

}  // namespace noisett::generate::noise
