// ThumbHash against its reference implementation (npm `thumbhash`, run by node): the same pixels
// must give the same bytes, for opaque and translucent images, landscape and portrait, the
// smallest and largest sizes, flat colours and noise. Plus the refusals of bad sizes.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/base64.h"
#include "image/pipeline.h"
#include "image/test_images.h"
#include "image/thumbhash.h"
#include "support/subprocess.h"

namespace noisett::image {
namespace {

struct Pixels {
  int w, h;
  std::vector<uint8_t> rgba;
  bool flat = false;
};

// Smooth colour ramps, a disc, and optionally alpha and noise: something with both low and high
// frequencies, which is what the encoder's cosine terms summarise.
Pixels Draw(int w, int h, bool alpha, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> noise(-40, 40);
  Pixels p{w, h, std::vector<uint8_t>(size_t(w) * size_t(h) * 4)};
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      uint8_t* px = &p.rgba[(size_t(y) * size_t(w) + size_t(x)) * 4];
      const int dx = x - w / 2, dy = y - h / 3;
      const bool in_disc = dx * dx + dy * dy < (w * w) / 9;
      const int n = seed % 2 ? noise(rng) : 0;
      px[0] = uint8_t(std::clamp(255 * x / std::max(1, w - 1) + n, 0, 255));
      px[1] = uint8_t(std::clamp((in_disc ? 220 : 60) + n, 0, 255));
      px[2] = uint8_t(std::clamp(255 * y / std::max(1, h - 1) - n, 0, 255));
      px[3] = alpha ? uint8_t(in_disc ? 255 : std::clamp(40 * x / std::max(1, w) + n + 40, 0, 255))
                    : 255;
    }
  }
  return p;
}

Pixels Flat(int w, int h, uint8_t r, uint8_t g, uint8_t b, uint8_t a) {
  Pixels p{w, h, {}, true};
  for (int i = 0; i < w * h; ++i) p.rgba.insert(p.rgba.end(), {r, g, b, a});
  return p;
}

std::string Hex(const std::string& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

TEST(ThumbHashTest, MatchesTheReferenceImplementationByteForByte) {
  const std::string node = NOISETT_NODE;
  const std::filesystem::path module =
      std::filesystem::path(NOISETT_REPO_ROOT) / "node_modules" / "thumbhash" / "package.json";
  if (node.empty() || node.find("NOTFOUND") != std::string::npos || ::access(node.c_str(), X_OK)) {
    FAIL() << "node is not installed; scripts/setup.sh installs it";
  }
  ASSERT_TRUE(std::filesystem::exists(module)) << "run `npm ci` (scripts/setup.sh does)";

  std::vector<Pixels> images = {
      Draw(100, 100, false, 0), Draw(100, 75, false, 1), Draw(75, 100, true, 2),
      Draw(100, 40, true, 3),   Draw(13, 100, false, 5), Draw(1, 1, false, 7),
      Draw(100, 1, true, 9),    Draw(57, 91, false, 11), Flat(32, 32, 200, 30, 90, 255),
      Flat(20, 30, 0, 0, 0, 0), Flat(100, 100, 255, 255, 255, 128),
  };
  for (uint32_t seed = 20; seed < 40; ++seed) {
    images.push_back(Draw(10 + int(seed * 7 % 91), 10 + int(seed * 13 % 91), seed % 3 == 0, seed));
  }
  nlohmann::json request = nlohmann::json::array();
  for (const Pixels& p : images) {
    request.push_back({{"w", p.w},
                       {"h", p.h},
                       {"rgba", Base64Encode({reinterpret_cast<const char*>(p.rgba.data()),
                                              p.rgba.size()})}});
  }
  testing::ProcessOptions options;
  options.stdin_text = request.dump();
  options.working_dir = NOISETT_REPO_ROOT;  // where node_modules is
  const auto run = testing::RunProcess(
      {node, std::string(NOISETT_REPO_ROOT) + "/tests/image/thumbhash_oracle.mjs"}, options);
  ASSERT_EQ(run.status, 0) << run.err;
  const auto expected = nlohmann::json::parse(run.out);
  ASSERT_EQ(expected.size(), images.size());
  for (size_t i = 0; i < images.size(); ++i) {
    const Pixels& p = images[i];
    const std::string hash = RgbaToThumbHash(p.w, p.h, p.rgba);
    std::string want = expected[i].get<std::string>();
    std::string got = Hex(hash);
    if (p.flat) {
      // A flat image's varying terms are round-off (~1e-17) scaled by their own maximum, so they
      // differ with the cosine's last bit (glibc's against V8's): only the header means anything,
      // and its scales say "no variation" (0) in both.
      const size_t header = (uint8_t(hash[2]) & 0x80) ? 6 : 5;
      want.resize(2 * header);
      got.resize(2 * header);
    }
    EXPECT_EQ(got, want) << "image " << i << ": " << p.w << "x" << p.h;
    EXPECT_LE(hash.size(), 25u);
  }
}

TEST(ThumbHashTest, SizesOutsideOneToAHundredOrAWrongBufferGiveNothing) {
  const Pixels ok = Flat(10, 10, 1, 2, 3, 255);
  EXPECT_FALSE(RgbaToThumbHash(10, 10, ok.rgba).empty());
  EXPECT_TRUE(RgbaToThumbHash(0, 10, ok.rgba).empty());
  EXPECT_TRUE(RgbaToThumbHash(10, 9, ok.rgba).empty());
  const Pixels big = Flat(101, 1, 1, 2, 3, 255);
  EXPECT_TRUE(RgbaToThumbHash(101, 1, big.rgba).empty());
  EXPECT_TRUE(RgbaToThumbHash(-10, -10, ok.rgba).empty());
}

TEST(ThumbHashTest, LargeImagesAreBoxAveragedIntoAHundredPixelsFirst) {
  // 300 x 200 RGB of 3 x 3 blocks of one colour each: averaged down to 100 x 67 exactly the
  // blocks' colours, as RGBA.
  std::vector<uint8_t> rgb(300 * 200 * 3);
  Pixels small{100, 67, std::vector<uint8_t>(100 * 67 * 4)};
  for (int y = 0; y < 200; ++y) {
    for (int x = 0; x < 300; ++x) {
      const int bx = x / 3, by = y * 67 / 200;
      uint8_t* px = &rgb[(size_t(y) * 300 + size_t(x)) * 3];
      px[0] = uint8_t(bx * 2);
      px[1] = uint8_t(100);
      px[2] = uint8_t(255 - bx * 2);
      uint8_t* out = &small.rgba[(size_t(by) * 100 + size_t(bx)) * 4];
      std::copy(px, px + 3, out);
      out[3] = 255;
    }
  }
  EXPECT_EQ(Hex(ThumbHashOfPixels(rgb.data(), 300, 200, 3, 300 * 3)),
            Hex(RgbaToThumbHash(100, 67, small.rgba)));
  EXPECT_TRUE(ThumbHashOfPixels(rgb.data(), 300, 200, 2, 600).empty());
  EXPECT_TRUE(ThumbHashOfPixels(nullptr, 300, 200, 3, 900).empty());
}

TEST(ThumbHashTest, TheUploadPipelineGivesEachThumbnailTheHashOfItsPixels) {
  noisett::testing::InitVips();
  const std::string png = noisett::testing::ToPng(noisett::testing::CornerMarked(640, 480, 160));
  auto web = OptimizeForWeb({reinterpret_cast<const uint8_t*>(png.data()), png.size()}, {});
  ASSERT_TRUE(web) << web.error().message;
  EXPECT_TRUE(web->optimized.thumbhash.empty());
  const vips::VImage thumb = noisett::testing::Decode(web->thumbnail.bytes);
  ASSERT_EQ(thumb.bands(), 3);
  const std::string expected = ThumbHashOfPixels(static_cast<const uint8_t*>(thumb.data()),
                                                 thumb.width(), thumb.height(), 3,
                                                 size_t(thumb.width()) * 3);
  // The hash is of the pixels before JPEG: the decoded thumbnail's may differ in a low bit.
  ASSERT_EQ(web->thumbnail.thumbhash.size(), expected.size());
  EXPECT_EQ(Hex(web->thumbnail.thumbhash).substr(0, 6), Hex(expected).substr(0, 6));
  // Landscape, 4:3: the header says so.
  EXPECT_EQ(uint8_t(web->thumbnail.thumbhash[4]) >> 7, 1);
}

}  // namespace
}  // namespace noisett::image
