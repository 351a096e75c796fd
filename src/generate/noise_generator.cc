// The noise generator. A prompt picks a style (palette, composition, feature sizes, warp) from a
// stable hash of its text; the seed picks the noise within that style. Each image is a scalar
// field built from libvips' seeded noise (perlin, worley) and coordinate gradients, warped,
// normalised and coloured through a 256-entry palette LUT (noise_style.h: what the prompt
// decides). Only this file includes vips.
//
// Determinism: every input to vips comes from FNV-1a of the prompt and SplitMix64 of the seed
// (std::hash is not stable across builds), vips' noise is a pure function of (seed, position),
// and the only reductions are min/max, which do not depend on evaluation order. So the same
// prompt, seed and size give the same bytes on any thread.
//
// Speed: the field is built at half resolution and upscaled before colouring (noise this smooth
// loses nothing visible), worley at a quarter. Numbers: docs/performance.md, "Generation".
#include "generate/noise_generator.h"

#include <vips/vips8>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <optional>
#include <string_view>
#include <system_error>
#include <thread>

#include "generate/noise_style.h"
#include "image/pipeline.h"

namespace noisett::generate {
namespace {

using vips::VError;
using vips::VImage;
using noise::Fnv1a64;
using noise::Layout;
using noise::Rng;
using noise::SplitMix64;
using noise::Style;
using noise::kPi;

constexpr int kMinSide = 64;
constexpr int kMaxSide = 4096;
constexpr size_t kMaxImages = 8;
constexpr size_t kWorkers = 2;  // the images of one request rendered at once; see RenderAll

// ---- The field: one float band, built at work size --------------------------------------------

struct Canvas {
  int width, height;  // the work size
  double unit;        // pixels of the work size per pixel of a 1024 image
};

int Cells(double pixels) { return std::max(2, int(std::lround(pixels))); }

// Doubles the size with bilinear weights (a nearest zoom and a [1 2 1] tent), cropped to width x
// height. Measured ~4x faster than resize() or affine() upsampling on vips 8.14.
VImage Double(const VImage& img, int width, int height) {
  VImage tent = VImage::new_matrixv(1, 3, 1.0, 2.0, 1.0);
  tent.set("scale", 4.0);
  const auto precision = img.format() == VIPS_FORMAT_UCHAR ? VIPS_PRECISION_INTEGER
                                                           : VIPS_PRECISION_FLOAT;
  return img.zoom(2, 2)
      .convsep(tent, VImage::option()->set("precision", precision))
      .crop(0, 0, width, height);
}

// Perlin noise on the work canvas, about -0.7..0.7.
VImage Perlin(const Canvas& c, double cell, Rng& rng) {
  return VImage::perlin(c.width, c.height,
                        VImage::option()->set("cell_size", Cells(cell))->set("seed", rng.VipsSeed()));
}

// Fractal sum of perlin octaves, about -0.7..0.7. (Computing coarse octaves on a smaller grid
// and upscaling measured slower: perlin costs less per pixel than any float upsampling.)
VImage Fbm(const Canvas& c, double cell, int octaves, double roughness, Rng& rng) {
  VImage sum = Perlin(c, cell, rng);
  double amp = 1, total = 1;
  for (int i = 1; i < octaves && cell / (1 << i) >= 3; ++i) {
    amp *= roughness;
    total += amp;
    sum = sum + Perlin(c, cell / (1 << i), rng) * amp;
  }
  return sum / total;
}

// Sharp crests where the noise crosses zero, 0..1.
VImage Ridged(const Canvas& c, const Style& s, Rng& rng) {
  VImage sum = VImage::black(c.width, c.height).cast(VIPS_FORMAT_FLOAT);
  double amp = 1, total = 0;
  for (int i = 0; i < s.octaves - 1; ++i) {
    const VImage r = 1.0 - Perlin(c, s.cell * c.unit / (1 << i), rng).abs() * 1.4;
    sum = sum + r * r * amp;
    total += amp;
    amp *= s.roughness;
  }
  return sum / total;
}

// Worley distance, about 0..1. It costs ~5x perlin per pixel, so it runs at half the work size.
VImage Worley(const Canvas& c, double cell, Rng& rng) {
  const int cs = Cells(cell / 2);
  const VImage w = VImage::worley((c.width + 1) / 2, (c.height + 1) / 2,
                                  VImage::option()->set("cell_size", cs)->set("seed", rng.VipsSeed()));
  return Double(w, c.width, c.height) / (0.8 * cs);
}

// 0..1 along a direction, or by distance from a point.
VImage Linear(const VImage& xy, const Canvas& c, double degrees) {
  const double a = degrees * kPi / 180, ca = std::cos(a), sa = std::sin(a);
  const double span = std::abs(ca) * c.width + std::abs(sa) * c.height;
  return (xy[0] * ca + xy[1] * sa + (ca < 0 ? -ca * c.width : 0) + (sa < 0 ? -sa * c.height : 0)) /
         span;
}

// The squared distance from (cx, cy) (fractions of the canvas), 1 at 0.75 of the longer side.
VImage RadialSquared(const VImage& xy, const Canvas& c, double cx, double cy) {
  const VImage dx = xy[0] - cx * c.width, dy = xy[1] - cy * c.height;
  const double r = 0.75 * std::max(c.width, c.height);
  return (dx * dx + dy * dy) / (r * r);
}

// Every draw from `rng` is its own statement: the operands of + are unsequenced, and another
// compiler's order would make other images from the same prompt and seed.
VImage Composition(const Canvas& c, const Style& s, const VImage& xy, Rng& rng) {
  const double cell = s.cell * c.unit;
  switch (s.layout) {
    case Layout::kClouds:
    case Layout::kMarble:
      return Fbm(c, cell, s.octaves, s.roughness, rng);
    case Layout::kCells: {
      const VImage cells = Worley(c, cell, rng);
      return 1.0 - cells + Fbm(c, cell * 2, 3, s.roughness, rng) * s.detail;
    }
    case Layout::kRidges: {
      const VImage ridges = Ridged(c, s, rng);
      return ridges + Fbm(c, cell * 2, 2, s.roughness, rng) * (s.detail * 0.5);
    }
    case Layout::kFlow: {
      const double angle = s.angle + rng.Uniform(-40, 40);
      return Linear(xy, c, angle) + Fbm(c, cell, s.octaves, s.roughness, rng) * s.detail;
    }
    case Layout::kGlow: {
      const double cx = rng.Uniform(0.2, 0.8);
      const double cy = rng.Uniform(0.2, 0.8);
      const VImage glow = 1.0 - RadialSquared(xy, c, cx, cy).pow(0.5);
      return glow + Fbm(c, cell, s.octaves, s.roughness, rng) * (s.detail * 1.5);
    }
  }
  throw VError("unknown layout");
}

// Domain warp: each pixel reads the field at a position pushed by two smooth noise fields. The
// positions are squeezed into the interior first: vips 8.14's mapim paints anything read from
// outside black (its `extend` option is not honoured yet).
VImage Warp(const VImage& field, const Canvas& c, const Style& s, const VImage& xy, Rng& rng) {
  if (s.warp <= 0) return field;
  const double amount = s.warp * std::max(c.width, c.height) * rng.Uniform(0.7, 1.3);
  const double cell = s.warp_cell * c.unit;
  const VImage dx = Perlin(c, cell, rng);
  const VImage dy = Perlin(c, cell, rng);
  const VImage offset = dx.bandjoin(dy);
  const double margin = std::min(amount, 0.25 * std::min(c.width, c.height));
  const std::vector<double> squeeze = {(c.width - 1 - 2 * margin) / std::max(c.width - 1, 1),
                                       (c.height - 1 - 2 * margin) / std::max(c.height - 1, 1)};
  const VImage index = xy * squeeze + margin + offset * (margin / 0.75);
  return field.copy_memory().mapim(
      index, VImage::option()->set("interpolate", vips::VInterpolate::new_from_name("bilinear")));
}

// 0..1 from the field's own range, with contour bands and the vignette.
VImage Shape(VImage field, const Canvas& c, const Style& s, const VImage& xy) {
  field = field.copy_memory();  // min and max read it twice; compute it once
  const double lo = field.min(), hi = field.max();
  VImage t = (field - lo) / std::max(hi - lo, 1e-6);
  if (s.bands > 0) {
    const VImage wave = (t * (360.0 * s.bands)).sin() * 0.5 + 0.5;
    t = t * (1 - s.band_mix) + wave * s.band_mix;
  }
  if (s.vignette > 0) {
    t = t * (1.0 - RadialSquared(xy, c, 0.5, 0.5) * s.vignette);
  }
  return t;
}

// ---- One image --------------------------------------------------------------------------------

// The seed's stream: the prompt's hash folded in, so a seed means different noise per prompt.
uint64_t ImageSeed(std::string_view prompt, int64_t seed) {
  uint64_t state = Fnv1a64(prompt) ^ 0x6e6f697365ull;  // "noise"
  uint64_t mixed = uint64_t(seed);
  return SplitMix64(state) ^ SplitMix64(mixed);
}

// Up to this many pixels the image leaves as a stored (uncompressed) PNG, above as JPEG 95.
// Measured per 1024x1024 image, encode + OptimizeForWeb (CPU ms, libvips 8.14; docs/
// performance.md, "Generation"): PNG stored 33, JPEG 95 38, PNG deflate-1 71, lossless WebP 302.
// Stored PNG is also lossless, but 3 bytes a pixel: above ~1.5 MP it would approach the 10 MiB
// upload limit the pipeline applies, so larger images go as JPEG 95 (4:4:4).
constexpr int64_t kStoredPngMaxPixels = 1536 * 1024;

std::string Encode(const VImage& rgb) {
  const bool png = int64_t(rgb.width()) * rgb.height() <= kStoredPngMaxPixels;
  auto* options = VImage::option()->set("strip", true);
  if (png) {
    options->set("compression", 0)->set("filter", VIPS_FOREIGN_PNG_FILTER_NONE);
  } else {
    options->set("Q", 95);
  }
  void* buffer = nullptr;
  size_t size = 0;
  rgb.write_to_buffer(png ? ".png" : ".jpg", &buffer, &size, options);
  std::string bytes(static_cast<const char*>(buffer), size);
  g_free(buffer);
  return bytes;
}

std::string Render(const Style& style, std::string_view prompt, int64_t seed, int width,
                   int height) {
  Rng rng(ImageSeed(prompt, seed));
  const Canvas c{(width + 1) / 2, (height + 1) / 2, std::max(width, height) / 2048.0};
  const VImage xy = VImage::xyz(c.width, c.height).cast(VIPS_FORMAT_FLOAT);
  VImage t = Shape(Warp(Composition(c, style, xy, rng), c, style, xy, rng), c, style, xy);
  VImage index = (t * 255).cast(VIPS_FORMAT_UCHAR).copy_memory();
  index = Double(index, width, height);
  auto lut = noise::PaletteLut(style.palette, style.gamma);
  // copy_memory: the LUT image owns its pixels (`lut` dies with this frame).
  VImage rgb = index.maplut(
      VImage::new_from_memory(lut.data(), lut.size(), 256, 1, 3, VIPS_FORMAT_UCHAR).copy_memory());
  rgb = rgb.copy(VImage::option()->set("interpretation", VIPS_INTERPRETATION_sRGB));
  return Encode(rgb);
}

Error BadOption(std::string message) {
  return MakeError(ErrorCode::kInvalidArgument, "bad_option", std::move(message));
}

Status CheckRequest(const GenerateRequest& r) {
  if (r.width < kMinSide || r.width > kMaxSide || r.height < kMinSide || r.height > kMaxSide) {
    return Unexpected(BadOption("width and height must be 64..4096"));
  }
  if (r.seeds.empty() || r.seeds.size() > kMaxImages) {
    return Unexpected(BadOption("the noise generator makes 1..8 images"));
  }
  if (!r.model.empty() && r.model != "noise-v1") {
    return Unexpected(BadOption("the noise generator has one model, noise-v1"));
  }
  return Ok();
}

Result<std::string> RenderOrError(const Style& style, const GenerateRequest& r, int64_t seed) {
  try {
    return Render(style, r.prompt, seed, r.width, r.height);
  } catch (const VError& e) {
    std::string what = e.what();
    what = what.substr(0, what.find('\n'));
    // This server's own rendering failed, not a generator elsewhere: 500, not generator_failed.
    return Unexpected(MakeError(ErrorCode::kInternal, "render_failed", "noise: " + what));
  }
}

// Renders every seed's image, in seed order, on up to kWorkers threads: vips runs one thread
// per image (InitPipeline), so a request's images share the cores between them. A thread that
// cannot start leaves its images to the calling thread.
std::vector<Result<std::string>> RenderAll(const Style& style, const GenerateRequest& r) {
  const size_t n = r.seeds.size();
  const size_t workers = std::min(n, kWorkers);
  std::vector<std::optional<Result<std::string>>> done(n);
  auto work = [&](size_t first) {
    for (size_t i = first; i < n; i += workers) done[i].emplace(RenderOrError(style, r, r.seeds[i]));
  };
  {
    std::vector<std::jthread> threads;
    try {
      for (size_t w = 1; w < workers; ++w) threads.emplace_back(work, w);
    } catch (const std::system_error&) {
      // Fewer threads: the loop below renders what they would have.
    }
    work(0);
  }  // joins
  std::vector<Result<std::string>> out;
  for (size_t i = 0; i < n; ++i) {
    out.push_back(done[i] ? std::move(*done[i]) : RenderOrError(style, r, r.seeds[i]));
  }
  return out;
}

}  // namespace

Result<std::vector<GeneratedImage>> NoiseGenerator::Generate(const GenerateRequest& request) {
  if (auto ok = CheckRequest(request); !ok) return Unexpected(ok.error());
  image::InitPipeline();
  const Style style = noise::MakeStyle(request.prompt);
  auto rendered = RenderAll(style, request);
  std::vector<GeneratedImage> out;
  for (size_t i = 0; i < rendered.size(); ++i) {
    if (!rendered[i]) return Unexpected(rendered[i].error());
    out.push_back(GeneratedImage{request.seeds[i], std::move(*rendered[i])});
  }
  return out;
}

}  // namespace noisett::generate
