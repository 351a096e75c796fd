// The noise generator against real libvips: determinism (also across threads), variety between
// seeds and prompts, mood words, sizes, refusals, and that its output passes the image pipeline
// the service runs every generated image through.
#include "generate/noise_generator.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "image/pipeline.h"
#include "image/test_images.h"

namespace noisett::generate {
namespace {

using vips::VImage;

GenerateRequest Request(std::string prompt, std::vector<int64_t> seeds, int size = 1024) {
  GenerateRequest r;
  r.prompt = std::move(prompt);
  r.quality = "medium";
  r.seeds = std::move(seeds);
  r.width = size;
  r.height = size;
  return r;
}

// The one image of a one-seed request.
std::string One(const std::string& prompt, int64_t seed, int size = 256) {
  NoiseGenerator g;
  auto images = g.Generate(Request(prompt, {seed}, size));
  EXPECT_TRUE(images) << images.error().ToString();
  if (!images || images->size() != 1) return {};
  return (*images)[0].bytes;
}

// Mean absolute difference per sample (0..255) between the two images shrunk to 16 x 16, so
// it measures the picture rather than a few pixels.
double Distance(const std::string& a, const std::string& b) {
  const VImage x = testing::Decode(a).thumbnail_image(16, VImage::option()->set("height", 16));
  const VImage y = testing::Decode(b).thumbnail_image(16, VImage::option()->set("height", 16));
  return (x.cast(VIPS_FORMAT_FLOAT) - y.cast(VIPS_FORMAT_FLOAT)).abs().avg();
}

std::vector<double> MeanColour(const std::string& bytes) {
  const VImage img = testing::Decode(bytes);
  return testing::MeanOf(img, 0, 0, img.width(), img.height());
}

void ExpectBadOption(const GenerateRequest& r) {
  NoiseGenerator g;
  auto images = g.Generate(r);
  ASSERT_FALSE(images) << "accepted " << r.width << "x" << r.height;
  EXPECT_EQ(images.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(images.error().reason, "bad_option");
}

TEST(NoiseGeneratorTest, NamesItselfAndItsModel) {
  NoiseGenerator g;
  EXPECT_EQ(g.name(), "noise");
  EXPECT_EQ(g.default_model(), "noise-v1");
}

TEST(NoiseGeneratorTest, SamePromptAndSeedGiveIdenticalBytes) {
  const std::string first = One("a lighthouse at dusk", 42, 1024);
  ASSERT_FALSE(first.empty());
  EXPECT_EQ(One("a lighthouse at dusk", 42, 1024), first);
}

TEST(NoiseGeneratorTest, TwoThreadsAtOnceGiveTheSequentialBytes) {
  const std::string expected = One("harbour in fog", 7, 512);
  std::string a, b;
  std::thread ta([&] { a = One("harbour in fog", 7, 512); });
  std::thread tb([&] { b = One("harbour in fog", 7, 512); });
  ta.join();
  tb.join();
  EXPECT_EQ(a, expected);
  EXPECT_EQ(b, expected);
}

TEST(NoiseGeneratorTest, OneImagePerSeedInRequestOrder) {
  NoiseGenerator g;
  const std::vector<int64_t> seeds = {9, -3, 123456789012345, 0, 9};
  auto images = g.Generate(Request("paper lanterns", seeds, 256));
  ASSERT_TRUE(images) << images.error().ToString();
  ASSERT_EQ(images->size(), seeds.size());
  for (size_t i = 0; i < seeds.size(); ++i) {
    EXPECT_EQ((*images)[i].seed, seeds[i]);
    // Rendered in parallel, each image is still the one its seed gives on its own.
    EXPECT_EQ((*images)[i].bytes, One("paper lanterns", seeds[i])) << "index " << i;
  }
  EXPECT_EQ((*images)[0].bytes, (*images)[4].bytes);  // the same seed twice
}

TEST(NoiseGeneratorTest, DifferentSeedsGiveVisiblyDifferentImages) {
  const std::string a = One("mountain lake", 1);
  const std::string b = One("mountain lake", 2);
  EXPECT_NE(a, b);
  EXPECT_GT(Distance(a, b), 8.0);
}

TEST(NoiseGeneratorTest, DifferentPromptsLookDifferent) {
  const std::vector<std::string> prompts = {"cat", "dog", "robot portrait", "abstract shapes",
                                            "hello world", "city lights"};
  std::vector<std::string> images;
  for (const std::string& p : prompts) images.push_back(One(p, 1));
  for (size_t i = 0; i < images.size(); ++i) {
    for (size_t j = i + 1; j < images.size(); ++j) {
      EXPECT_GT(Distance(images[i], images[j]), 15.0) << prompts[i] << " vs " << prompts[j];
    }
  }
}

TEST(NoiseGeneratorTest, MoodWordsSteerTheColours) {
  for (int64_t seed : {1, 2}) {
    const auto warm = MeanColour(One("a sunset over the hills", seed));
    const auto sea = MeanColour(One("deep OCEAN waves", seed));
    const auto forest = MeanColour(One("misty forest", seed));
    EXPECT_GT(warm[0], warm[2] + 20) << "sunset: red over blue";
    EXPECT_GT(sea[2], sea[0] + 20) << "ocean: blue over red";
    EXPECT_GT(forest[1], forest[0]) << "forest: green over red";
    EXPECT_GT(forest[1], forest[2]) << "forest: green over blue";
  }
}

TEST(NoiseGeneratorTest, ImagesAreNotFlat) {
  for (const std::string prompt : {"", "snow", "x", "a quiet grey morning", "日本の庭"}) {
    const VImage img = testing::Decode(One(prompt, 5));
    EXPECT_GT(img.colourspace(VIPS_INTERPRETATION_B_W).deviate(), 12.0) << "'" << prompt << "'";
  }
}

TEST(NoiseGeneratorTest, DefaultOutputPassesThePipelineAsAnUpload) {
  NoiseGenerator g;
  GenerateRequest r = Request("storm over the sea", {3, 4});
  r.width = GenerateRequest{}.width;  // the defaults: 1024 x 1024
  r.height = GenerateRequest{}.height;
  auto images = g.Generate(r);
  ASSERT_TRUE(images) << images.error().ToString();
  ASSERT_EQ(images->size(), 2u);
  for (const GeneratedImage& img : *images) {
    auto info = image::Validate(image::AsBytes(img.bytes), image::Limits{});
    ASSERT_TRUE(info) << info.error().ToString();
    EXPECT_EQ(info->width, 1024);
    EXPECT_EQ(info->height, 1024);
    EXPECT_FALSE(info->has_alpha);
    auto web = image::OptimizeForWeb(image::AsBytes(img.bytes), image::OptimizeOptions{});
    ASSERT_TRUE(web) << web.error().ToString();
    EXPECT_EQ(web->optimized.format, image::OutputFormat::kJpeg);
    EXPECT_EQ(web->optimized.width, 1024);
    EXPECT_EQ(web->optimized.height, 1024);
    EXPECT_EQ(web->thumbnail.width, 256);
    EXPECT_EQ(web->thumbnail.height, 256);
    const VImage thumb = testing::Decode(web->thumbnail.bytes);
    EXPECT_EQ(thumb.width(), 256);
  }
}

TEST(NoiseGeneratorTest, HonoursNonSquareAndLargeSizesWithinTheUploadLimit) {
  NoiseGenerator g;
  for (auto [w, h] : {std::pair{640, 360}, std::pair{64, 4096}, std::pair{2048, 1536}}) {
    GenerateRequest r = Request("wide dunes", {1});
    r.width = w;
    r.height = h;
    auto images = g.Generate(r);
    ASSERT_TRUE(images) << images.error().ToString();
    const std::string& bytes = (*images)[0].bytes;
    EXPECT_LT(bytes.size(), image::kDefaultMaxUploadBytes) << w << "x" << h;
    auto info = image::Validate(image::AsBytes(bytes), image::Limits{});
    ASSERT_TRUE(info) << info.error().ToString();
    EXPECT_EQ(info->width, w);
    EXPECT_EQ(info->height, h);
  }
}

TEST(NoiseGeneratorTest, RefusesSizesOutside64To4096) {
  for (auto [w, h] : {std::pair{63, 1024}, std::pair{1024, 63}, std::pair{4097, 1024},
                      std::pair{1024, 4097}, std::pair{0, 0}, std::pair{-1024, 1024}}) {
    GenerateRequest r = Request("x", {1});
    r.width = w;
    r.height = h;
    ExpectBadOption(r);
  }
}

TEST(NoiseGeneratorTest, RefusesNoSeedsTooManySeedsAndOtherModels) {
  ExpectBadOption(Request("x", {}));
  ExpectBadOption(Request("x", {1, 2, 3, 4, 5, 6, 7, 8, 9}));
  GenerateRequest other = Request("x", {1}, 64);
  other.model = "stable-diffusion";
  ExpectBadOption(other);
  other.model = "noise-v1";
  NoiseGenerator g;
  EXPECT_TRUE(g.Generate(other));
}

}  // namespace
}  // namespace noisett::generate
