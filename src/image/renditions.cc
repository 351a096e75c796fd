// Renditions: validates the specs, walks the distinct boxes once through the pipeline
// (ForEachFitted) and hands each box's pixels to the encoders of the formats that asked for it.
#include "image/renditions.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "image/avif_encoder.h"
#include "image/jpeg_encoder.h"
#include "image/pipeline.h"
#include "image/webp_codec.h"

namespace noisett::image {
namespace {

Unexpected BadOption(std::string message) {
  return Unexpected(MakeError(ErrorCode::kInvalidArgument, "bad_option", std::move(message)));
}

Status CheckRequest(std::span<const RenditionSpec> specs, const RenditionOptions& o) {
  if (specs.empty()) return BadOption("no renditions were asked for");
  for (const RenditionSpec& s : specs) {
    if (s.size < 16 || s.size > 16384) return BadOption("rendition sizes must be 16..16384");
  }
  if (o.avif_speed < 0 || o.avif_speed > 9 || o.avif_threads < 1 || o.avif_threads > 16) {
    return BadOption("avif_speed must be 0..9 and avif_threads 1..16");
  }
  return Ok();
}

// RGB for JPEG, composited onto white as Optimize's flatten does: c * a + 255 * (1 - a).
std::vector<uint8_t> FlattenOntoWhite(const PixelView& p) {
  std::vector<uint8_t> rgb(size_t(p.width) * size_t(p.height) * 3);
  uint8_t* out = rgb.data();
  for (int y = 0; y < p.height; ++y) {
    const uint8_t* in = p.data + size_t(y) * p.stride;
    for (int x = 0; x < p.width; ++x, in += 4) {
      const int a = in[3];
      for (int c = 0; c < 3; ++c) *out++ = uint8_t((in[c] * a + 255 * (255 - a) + 127) / 255);
    }
  }
  return rgb;
}

Result<std::string> Encode(const PixelView& p, OutputFormat format, const RenditionOptions& o) {
  const int q = EncoderQuality(o.quality, format);
  switch (format) {
    case OutputFormat::kAvif:
      // Full-resolution chroma for the high preset, as the JPEG encoder does from quality 90:
      // at 4:2:0 no AVIF quality reached JPEG q95's SSIM (docs/performance.md).
      return EncodeAvif(p.data, p.width, p.height, p.bands, p.stride,
                        AvifSettings{q, o.avif_speed, o.avif_threads,
                                     /*chroma_444=*/o.quality == Quality::kHigh});
    case OutputFormat::kWebp:
      return EncodeWebp(p.data, p.width, p.height, p.bands, p.stride, q);
    case OutputFormat::kJpeg:
      if (p.bands == 3) return EncodeJpeg(p.data, p.width, p.height, p.stride, q);
      const std::vector<uint8_t> rgb = FlattenOntoWhite(p);
      return EncodeJpeg(rgb.data(), p.width, p.height, size_t(p.width) * 3, q);
  }
  return BadOption("unknown output format");
}

}  // namespace

std::vector<RenditionSpec> DefaultRenditionSpecs() {
  std::vector<RenditionSpec> specs;
  for (const OutputFormat f : {OutputFormat::kAvif, OutputFormat::kWebp}) {
    for (const int size : kRenditionSizes) specs.push_back({f, size});
  }
  return specs;
}

Result<std::vector<Rendition>> MakeRenditions(Bytes source, std::span<const RenditionSpec> specs,
                                              const RenditionOptions& options) {
  if (Status ok = CheckRequest(specs, options); !ok) return Unexpected(ok.error());
  // Which formats want each box; the walk goes through the boxes in ascending order.
  std::map<int, std::set<OutputFormat>> wanted;
  for (const RenditionSpec& s : specs) wanted[s.size].insert(s.format);
  std::vector<int> boxes;
  for (const auto& [box, formats] : wanted) boxes.push_back(box);

  std::map<std::pair<OutputFormat, int>, Rendition> made;
  std::map<OutputFormat, std::pair<int, int>> last_size;  // per format, the last fitted size
  Status walked = ForEachFitted(source, boxes, options.limits, [&](int box, const PixelView& p) {
    if (p.bands != 3 && p.bands != 4) {
      return Status(Unexpected(MakeError(ErrorCode::kInternal, "encode_failed",
                                         "unexpected pixel layout for encoding")));
    }
    for (const OutputFormat f : wanted[box]) {
      const std::pair<int, int> size{p.width, p.height};
      if (auto it = last_size.find(f); it != last_size.end() && it->second == size) continue;
      auto bytes = Encode(p, f, options);
      if (!bytes) return Status(Unexpected(bytes.error()));
      made[{f, box}] = Rendition{f, box, p.width, p.height, std::move(*bytes)};
      last_size[f] = size;
    }
    return Ok();
  });
  if (!walked) return Unexpected(walked.error());

  std::vector<Rendition> out;
  for (const RenditionSpec& s : specs) {
    auto it = made.find({s.format, s.size});
    if (it == made.end()) continue;  // skipped, or a repeated spec already returned
    out.push_back(std::move(it->second));
    made.erase(it);
  }
  return out;
}

}  // namespace noisett::image
