#include "image/thumbhash.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

namespace noisett::image {
namespace {

// JavaScript's Math.round (halves go up), which the format's reference uses.
int RoundJs(double x) { return static_cast<int>(std::floor(x + 0.5)); }

// One channel's low-frequency cosine terms: the constant (DC) term, and the varying (AC) terms
// in a triangle of nx by ny, scaled into 0..1 by the largest of them.
struct Terms {
  double dc = 0;
  std::vector<double> ac;
  double scale = 0;
};

Terms EncodeChannel(const std::vector<double>& channel, int w, int h, int nx, int ny) {
  Terms t;
  std::vector<double> fx(static_cast<size_t>(w));
  const double pi = std::numbers::pi;
  for (int cy = 0; cy < ny; ++cy) {
    for (int cx = 0; cx * ny < nx * (ny - cy); ++cx) {
      for (int x = 0; x < w; ++x) fx[size_t(x)] = std::cos(pi / w * cx * (x + 0.5));
      double f = 0;
      for (int y = 0; y < h; ++y) {
        const double fy = std::cos(pi / h * cy * (y + 0.5));
        for (int x = 0; x < w; ++x) f += channel[size_t(x + y * w)] * fx[size_t(x)] * fy;
      }
      f /= w * h;
      if (cx != 0 || cy != 0) {
        t.ac.push_back(f);
        t.scale = std::max(t.scale, std::abs(f));
      } else {
        t.dc = f;
      }
    }
  }
  if (t.scale != 0) {
    for (double& v : t.ac) v = 0.5 + 0.5 / t.scale * v;
  }
  return t;
}

}  // namespace

std::string RgbaToThumbHash(int w, int h, std::span<const uint8_t> rgba) {
  if (w < 1 || h < 1 || w > kThumbHashMaxSide || h > kThumbHashMaxSide ||
      rgba.size() != size_t(w) * size_t(h) * 4) {
    return {};
  }
  const size_t n = size_t(w) * size_t(h);
  // The average colour, weighted by alpha: transparent pixels are painted over it.
  double avg_r = 0, avg_g = 0, avg_b = 0, avg_a = 0;
  for (size_t i = 0; i < n; ++i) {
    const double alpha = rgba[4 * i + 3] / 255.0;
    avg_r += alpha / 255 * rgba[4 * i];
    avg_g += alpha / 255 * rgba[4 * i + 1];
    avg_b += alpha / 255 * rgba[4 * i + 2];
    avg_a += alpha;
  }
  if (avg_a != 0) {
    avg_r /= avg_a;
    avg_g /= avg_a;
    avg_b /= avg_a;
  }
  const bool has_alpha = avg_a < double(n);
  const int l_limit = has_alpha ? 5 : 7;  // fewer luminance terms leave room for alpha
  const int longest = std::max(w, h);
  const int lx = std::max(1, RoundJs(double(l_limit) * w / longest));
  const int ly = std::max(1, RoundJs(double(l_limit) * h / longest));

  // Luminance, yellow-blue, red-green and alpha, composited over the average colour.
  std::vector<double> l(n), p(n), q(n), a(n);
  for (size_t i = 0; i < n; ++i) {
    const double alpha = rgba[4 * i + 3] / 255.0;
    const double r = avg_r * (1 - alpha) + alpha / 255 * rgba[4 * i];
    const double g = avg_g * (1 - alpha) + alpha / 255 * rgba[4 * i + 1];
    const double b = avg_b * (1 - alpha) + alpha / 255 * rgba[4 * i + 2];
    l[i] = (r + g + b) / 3;
    p[i] = (r + g) / 2 - b;
    q[i] = r - g;
    a[i] = alpha;
  }
  const Terms lt = EncodeChannel(l, w, h, std::max(3, lx), std::max(3, ly));
  const Terms pt = EncodeChannel(p, w, h, 3, 3);
  const Terms qt = EncodeChannel(q, w, h, 3, 3);
  const Terms at = has_alpha ? EncodeChannel(a, w, h, 5, 5) : Terms{};

  const bool landscape = w > h;
  const uint32_t header24 = uint32_t(RoundJs(63 * lt.dc)) |
                            uint32_t(RoundJs(31.5 + 31.5 * pt.dc)) << 6 |
                            uint32_t(RoundJs(31.5 + 31.5 * qt.dc)) << 12 |
                            uint32_t(RoundJs(31 * lt.scale)) << 18 | uint32_t(has_alpha) << 23;
  const uint32_t header16 = uint32_t(landscape ? ly : lx) | uint32_t(RoundJs(63 * pt.scale)) << 3 |
                            uint32_t(RoundJs(63 * qt.scale)) << 9 | uint32_t(landscape) << 15;
  std::string hash = {char(header24 & 255), char((header24 >> 8) & 255), char(header24 >> 16),
                      char(header16 & 255), char(header16 >> 8)};
  if (has_alpha) hash += char(RoundJs(15 * at.dc) | RoundJs(15 * at.scale) << 4);
  // The AC terms, 4 bits each, two to a byte (low nibble first).
  const size_t ac_start = hash.size();
  size_t ac_index = 0;
  for (const Terms* t : {&lt, &pt, &qt, &at}) {
    for (double f : t->ac) {
      const size_t at_byte = ac_start + (ac_index >> 1);
      if (at_byte >= hash.size()) hash.resize(at_byte + 1, '\0');
      hash[at_byte] = char(uint8_t(hash[at_byte]) | RoundJs(15 * f) << ((ac_index & 1) << 2));
      ++ac_index;
    }
  }
  return hash;
}

std::string ThumbHashOfPixels(const uint8_t* pixels, int width, int height, int bands,
                              size_t stride) {
  if (pixels == nullptr || width < 1 || height < 1 || (bands != 3 && bands != 4)) return {};
  const double scale = std::min(1.0, double(kThumbHashMaxSide) / std::max(width, height));
  const int w = std::max(1, int(std::lround(width * scale)));
  const int h = std::max(1, int(std::lround(height * scale)));
  std::vector<uint8_t> rgba(size_t(w) * size_t(h) * 4);
  for (int y = 0; y < h; ++y) {
    const int y0 = y * height / h, y1 = std::max(y0 + 1, (y + 1) * height / h);
    for (int x = 0; x < w; ++x) {
      const int x0 = x * width / w, x1 = std::max(x0 + 1, (x + 1) * width / w);
      uint32_t sum[4] = {0, 0, 0, 0};
      for (int sy = y0; sy < y1; ++sy) {
        const uint8_t* row = pixels + size_t(sy) * stride;
        for (int sx = x0; sx < x1; ++sx) {
          const uint8_t* px = row + size_t(sx) * size_t(bands);
          for (int c = 0; c < 3; ++c) sum[c] += px[c];
          sum[3] += bands == 4 ? px[3] : 255;
        }
      }
      const uint32_t count = uint32_t((y1 - y0) * (x1 - x0));
      uint8_t* out = &rgba[(size_t(y) * size_t(w) + size_t(x)) * 4];
      for (int c = 0; c < 4; ++c) out[c] = uint8_t((sum[c] + count / 2) / count);
    }
  }
  return RgbaToThumbHash(w, h, rgba);
}

}  // namespace noisett::image
