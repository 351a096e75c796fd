// generate and images.import on the real service: the noise generator, a LocalBlobStore and a
// SQLite catalog (the fsck suites' fixture), a loopback HTTP server as the place images are
// imported from. What a job holds is read back from the store and the catalog, not from the
// command's answer alone.
#include <algorithm>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "generate/noise_generator.h"
#include "generate/replicate_generator.h"
#include "image/pipeline.h"
#include "image/test_images.h"
#include "service/fsck_fixture.h"
#include "service/generation_jobs.h"
#include "service/job_metadata.h"
#include "support/loopback_http_server.h"

namespace noisett::service::testing {
namespace {

using Json = nlohmann::json;

// Returns bytes that are not an image, as a broken generator (or a hostile model) could.
class GarbageGenerator final : public generate::Generator {
 public:
  std::string_view name() const override { return "garbage"; }
  std::string default_model() const override { return "garbage-v1"; }
  Result<std::vector<generate::GeneratedImage>> Generate(
      const generate::GenerateRequest& request) override {
    std::vector<generate::GeneratedImage> out;
    for (int64_t seed : request.seeds) out.push_back({seed, "<svg onload=alert(1)></svg>"});
    return out;
  }
};

class GenerateTest : public MaintenanceTest {
 protected:
  GenerateTest() { Use(&noise_); }

  // generate as a script calls it, "wait": true: the stored job once it finished (the job's own
  // life, 202 and events, is jobs_test.cc's).
  Json Run(const std::string& command, const std::string& user, Json args) {
    if (command == "generate") args["wait"] = true;
    return MaintenanceTest::Run(command, user, args);
  }
  Result<Json> Try(const std::string& command, Json args, const std::string& user = "alice",
                   std::string_view body = {}) {
    if (command == "generate") args["wait"] = true;
    return MaintenanceTest::Try(command, args, user, body);
  }

  // The App again, with `generator` and `settings` (as flags).
  void Use(generate::Generator* generator, app::Flags settings = {}) {
    Start({.generator = generator, .settings = std::move(settings)});
  }

  // Every blob name under generated/, sorted.
  std::vector<std::string> BlobNames() {
    std::vector<std::string> names;
    storage::ListOptions options;
    options.prefix = "generated/";
    auto ok = storage::ForEachListed(blobs(), options, [&](const storage::BlobProperties& p) {
      names.push_back(p.name);
      return Ok();
    });
    EXPECT_TRUE(ok) << ok.error().ToString();
    std::sort(names.begin(), names.end());
    return names;
  }

  // The App's job runner calls the generator until the App closes: close it before the
  // generators below go.
  ~GenerateTest() override { app_.reset(); }

  generate::NoiseGenerator noise_;
  GarbageGenerator garbage_;
  std::unique_ptr<generate::ReplicateGenerator> replicate_;
};

TEST_F(GenerateTest, StoresOneJobWithEveryImageThumbnailAndMetadata) {
  Json out = Run("generate", "alice", {{"prompt", "a lighthouse at dusk"}, {"count", 3},
                                       {"seed", 42}, {"quality", "high"}});
  const std::string job = out.value("job_id", "");
  ASSERT_FALSE(job.empty()) << out.dump();
  EXPECT_EQ(out["generator"], "noise");
  EXPECT_EQ(out["model"], "noise-v1");
  EXPECT_EQ(out["quality"], "high");
  EXPECT_EQ(out["asset_type"], "standard");
  ASSERT_EQ(out["images"].size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(out["images"][i]["seed"], 42 + i);
    EXPECT_EQ(out["images"][i]["width"], 1024);
    EXPECT_FALSE(out["images"][i]["url"].get<std::string>().empty());
    EXPECT_EQ(out["images"][i]["favorite"], false);
  }
  EXPECT_EQ(BlobNames(),
            (std::vector<std::string>{
                BlobName("alice", job, "image_0.jpg"), BlobName("alice", job, "image_1.jpg"),
                BlobName("alice", job, "image_2.jpg"), BlobName("alice", job, "metadata.json"),
                BlobName("alice", job, "thumb_image_0.jpg"),
                BlobName("alice", job, "thumb_image_1.jpg"),
                BlobName("alice", job, "thumb_image_2.jpg")}));
  // metadata.json is the document catalog.rebuild trusts: it parses strictly and has the seeds.
  auto meta = ParseMetadataJson(ReadBlob(BlobName("alice", job, "metadata.json")), "alice", job);
  ASSERT_TRUE(meta) << meta.error().ToString();
  EXPECT_EQ(meta->prompt, "a lighthouse at dusk");
  ASSERT_EQ(meta->images.size(), 3u);
  EXPECT_EQ(meta->images[2].seed, 44);
  EXPECT_EQ(out["metadata"]["images"][1]["seed"], 43);
  // The stored images are real: JPEGs of the generator's size, thumbnails of 256.
  auto info = image::Validate(image::AsBytes(ReadBlob(BlobName("alice", job, "image_1.jpg"))),
                              image::Limits{});
  ASSERT_TRUE(info) << info.error().ToString();
  EXPECT_EQ(info->width, 1024);
  auto thumb = image::Validate(
      image::AsBytes(ReadBlob(BlobName("alice", job, "thumb_image_1.jpg"))), image::Limits{});
  ASSERT_TRUE(thumb);
  EXPECT_EQ(thumb->width, 256);
  auto row = catalog().GetGeneration("alice", job);
  ASSERT_TRUE(row);
  EXPECT_EQ(row->images.size(), 3u);
  EXPECT_EQ(row->model, "noise-v1");
  EXPECT_TRUE(Fsck().findings.empty());
}

// The noise generator hands the pipeline a 3 MB uncompressed PNG: a low upload limit must not
// break generation, while uploads keep their limit.
TEST_F(GenerateTest, ALowUploadLimitDoesNotBreakGeneration) {
  Use(&noise_, {{"--max-upload-bytes", "1M"}});
  auto out = Try("generate", {{"prompt", "a small limit"}, {"count", 1}});
  ASSERT_TRUE(out) << out.error().ToString();
  EXPECT_EQ((*out)["images"][0]["width"], 1024);
  const std::string big = noisett::testing::ToPng(noisett::testing::Textured(1400, 1400));
  ASSERT_GT(big.size(), size_t{1} << 20);
  auto upload = Try("images.upload", Json::object(), "alice", big);
  ASSERT_FALSE(upload);
  EXPECT_EQ(upload.error().reason, "too_large");
}

TEST_F(GenerateTest, TwoImagesByDefaultEachWithItsOwnRandomSeed) {
  Json out = Run("generate", "alice", {{"prompt", "fog"}});
  ASSERT_EQ(out["images"].size(), 2u);
  EXPECT_NE(out["images"][0]["seed"], out["images"][1]["seed"]);
}

TEST_F(GenerateTest, TheSamePromptAndSeedGiveTheSameImage) {
  Json a = Run("generate", "alice", {{"prompt", "ocean waves"}, {"count", 1}, {"seed", 7}});
  Json b = Run("generate", "alice", {{"prompt", "ocean waves"}, {"count", 1}, {"seed", 7}});
  Json c = Run("generate", "alice", {{"prompt", "ocean waves"}, {"count", 1}, {"seed", 8}});
  auto image = [&](const Json& j) {
    return ReadBlob(BlobName("alice", j["job_id"], "image_0.jpg"));
  };
  EXPECT_NE(a["job_id"], b["job_id"]);
  EXPECT_EQ(image(a), image(b));
  EXPECT_NE(image(a), image(c));
}

TEST_F(GenerateTest, QualityChoosesTheEncoder) {
  Json high = Run("generate", "alice", {{"prompt", "moss"}, {"count", 1}, {"seed", 1},
                                        {"quality", "high"}});
  Json low = Run("generate", "alice", {{"prompt", "moss"}, {"count", 1}, {"seed", 1},
                                       {"quality", "low"}});
  EXPECT_GT(high["images"][0]["bytes"].get<int64_t>(), low["images"][0]["bytes"].get<int64_t>());
}

TEST_F(GenerateTest, BadInputIsRefusedAndStoresNothing) {
  const std::vector<Json> bad = {
      Json::object(),
      {{"prompt", ""}},
      {{"prompt", "   \n"}},
      {{"prompt", 5}},
      {{"prompt", std::string(2001, 'a')}},
      {{"prompt", "x"}, {"count", 0}},
      {{"prompt", "x"}, {"count", 9}},
      {{"prompt", "x"}, {"count", "2"}},
      {{"prompt", "x"}, {"quality", "ultra"}},
      {{"prompt", "x"}, {"seed", -1}},
      {{"prompt", "x"}, {"seed", 9007199254740991LL}},
      {{"prompt", "x"}, {"model", std::string(65, 'm')}},
      {{"prompt", "x"}, {"cuont", 2}},
  };
  for (const Json& args : bad) {
    auto out = Try("generate", args);
    ASSERT_FALSE(out) << args.dump();
    EXPECT_EQ(out.error().code, ErrorCode::kInvalidArgument) << args.dump();
  }
  EXPECT_TRUE(BlobNames().empty());
}

TEST_F(GenerateTest, PromptLengthCountsCharactersNotBytes) {
  std::string accents;
  for (int i = 0; i < 2000; ++i) accents += "\xC3\xA9";  // é: 2 bytes, 1 character
  auto ok = Try("generate", {{"prompt", accents}, {"count", 1}});
  EXPECT_TRUE(ok) << ok.error().ToString();
  auto refused = Try("generate", {{"prompt", accents + "e"}, {"count", 1}});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().reason, "bad_input");
}

// The App always configures a generator; the typed operation still refuses to run without one.
TEST_F(GenerateTest, WithoutAGeneratorItIsUnavailable) {
  app::App& app = app_->app();
  const GenerateDeps none{app.service().generate().store, nullptr};
  const JobsConfig config;
  JobEvents events;
  const JobsDeps jobs{catalog().jobs(), none, events, config, {}};
  auto out = SubmitGenerationJob(jobs, noisett::testing::TestApp::User("alice"), {.prompt = "x"});
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(out.error().reason, "no_generator");
}

TEST_F(GenerateTest, AnUnreachableGeneratorStoresNothing) {
  noisett::testing::LoopbackHttpServer gone;
  const std::string url = gone.BaseUrl();
  gone.Stop();  // connections are now refused
  generate::ReplicateOptions options;
  options.base_url = url;
  options.token = "r8_test";
  options.model = "acme/painter";
  replicate_ = std::make_unique<generate::ReplicateGenerator>(options);
  Use(replicate_.get());
  auto out = Try("generate", {{"prompt", "x"}, {"model", "acme/painter"}});
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().reason, "generator_unavailable") << out.error().ToString();
  EXPECT_TRUE(BlobNames().empty());
  auto page = catalog().ListGenerations("alice", {50, ""});
  ASSERT_TRUE(page);
  EXPECT_EQ(page->total_count, 0);
}

TEST_F(GenerateTest, ImagesTheGeneratorGetsWrongAreRefusedAndNothingIsStored) {
  Use(&garbage_);
  auto out = Try("generate", {{"prompt", "x"}, {"count", 3}});
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().reason, "generator_failed");
  EXPECT_NE(out.error().message.find("unsupported_format"), std::string::npos)
      << out.error().message;
  EXPECT_TRUE(BlobNames().empty());
}

// One rule for a job's labels, whichever command makes the job: a quality generate refuses is
// refused by images.upload and images.import too, and asset_type is no place for a path.
TEST_F(GenerateTest, LabelsAreValidatedTheSameWayByEveryCommand) {
  const std::string png = noisett::testing::ToPng(noisett::testing::Textured(32, 32));
  for (const Json& labels : {Json{{"quality", "ultra"}}, Json{{"quality", ""}},
                             Json{{"asset_type", "../../x"}}, Json{{"asset_type", "a/b"}},
                             Json{{"asset_type", ""}}, Json{{"asset_type", "x\ny"}}}) {
    SCOPED_TRACE(labels.dump());
    Json generate = labels;
    generate["prompt"] = "x";
    generate["count"] = 1;
    Json import = labels;
    import["url"] = "http://127.0.0.1:9/never-fetched.png";
    for (const auto& [command, args, body] :
         {std::tuple<std::string, Json, std::string>{"generate", generate, ""},
          {"images.upload", labels, png},
          {"images.import", import, ""}}) {
      auto out = Try(command, args, "alice", body);
      ASSERT_FALSE(out) << command;
      EXPECT_EQ(out.error().reason, "bad_input") << command << ": " << out.error().ToString();
    }
  }
  EXPECT_TRUE(BlobNames().empty());
  // The same labels, well formed, are taken by all of them.
  Json ok = {{"quality", "high"}, {"asset_type", "premium_v2"}};
  EXPECT_TRUE(Try("images.upload", ok, "alice", png));
  ok["prompt"] = "x";
  ok["count"] = 1;
  EXPECT_TRUE(Try("generate", ok));
}

TEST_F(GenerateTest, HistoryShowsWhichImagesAreFavorites) {
  Json out = Run("generate", "alice", {{"prompt", "sunset"}, {"count", 2}});
  const std::string job = out["job_id"];
  Run("history.favorite", "alice", {{"job_id", job}, {"image_index", 1}});
  Json history = Run("history.list", "alice", Json::object());
  ASSERT_EQ(history["generations"].size(), 1u);
  EXPECT_EQ(history["generations"][0]["images"][0]["favorite"], false);
  EXPECT_EQ(history["generations"][0]["images"][1]["favorite"], true);
  Json got = Run("history.get", "alice", {{"job_id", job}});
  EXPECT_EQ(got["images"][1]["favorite"], true);
}

TEST_F(GenerateTest, OtherUsersNeverSeeTheJob) {
  Json out = Run("generate", "alice", {{"prompt", "private"}, {"count", 1}});
  auto bob = Try("history.get", {{"job_id", out["job_id"]}}, "bob");
  ASSERT_FALSE(bob);
  EXPECT_EQ(bob.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(Run("history.list", "bob", Json::object())["total_count"], 0);
}

// images.import: the loopback server stands for a remote host; 127.0.0.1 is allowed only where
// the test says so.
class ImportTest : public GenerateTest {
 protected:
  ImportTest() {
    server_.SetBody("/cat.png", noisett::testing::ToPng(noisett::testing::Textured(300, 200)),
                    200, "image/png");
    server_.SetBody("/page.html", "<html><script>alert(1)</script></html>", 200, "image/png");
  }
  void AllowLoopback() { Use(&noise_, {{"--import-allow", "127.0.0.1"}}); }
  noisett::testing::LoopbackHttpServer server_;
};

TEST_F(ImportTest, StoresTheImageLikeAnUpload) {
  AllowLoopback();
  Json out = Run("images.import", "alice", {{"url", server_.Url("/cat.png")}, {"prompt", "cat"}});
  const std::string job = out.value("job_id", "");
  ASSERT_FALSE(job.empty()) << out.dump();
  EXPECT_EQ(out["source"]["final_url"], server_.Url("/cat.png"));
  EXPECT_EQ(out["source"]["content_type"], "image/png");
  EXPECT_EQ(out["width"], 300);
  auto row = catalog().GetGeneration("alice", job);
  ASSERT_TRUE(row);
  EXPECT_EQ(row->asset_type, "import");
  EXPECT_EQ(row->prompt, "cat");
  EXPECT_EQ(BlobNames().size(), 3u);
}

TEST_F(ImportTest, ANonImageIsRefusedWhateverItsContentTypeSays) {
  AllowLoopback();
  auto out = Try("images.import", {{"url", server_.Url("/page.html")}});
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code, ErrorCode::kUnsupported);
  EXPECT_EQ(out.error().reason, "unsupported_format");
  EXPECT_TRUE(BlobNames().empty());
}

TEST_F(ImportTest, LoopbackIsRefusedUnlessAllowed) {
  auto out = Try("images.import", {{"url", server_.Url("/cat.png")}});
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().reason, "address_not_allowed");
  EXPECT_EQ(server_.Hits("/cat.png"), 0);
  EXPECT_TRUE(BlobNames().empty());
}

// The URL's server failing is a bad gateway (502), not this server's fault (500) or load (503).
TEST_F(ImportTest, AFailingRemoteServerIsABadGateway) {
  AllowLoopback();
  server_.SetBody("/broken.png", "upstream exploded", 500, "text/plain");
  auto out = Try("images.import", {{"url", server_.Url("/broken.png")}});
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().reason, "fetch_status");
  EXPECT_EQ(out.error().code, ErrorCode::kUpstreamFailed);
  EXPECT_TRUE(BlobNames().empty());
}

TEST_F(ImportTest, CloudMetadataAndOtherSchemesAreRefused) {
  AllowLoopback();
  for (const char* url : {"http://169.254.169.254/latest/meta-data/", "file:///etc/passwd",
                          "gopher://127.0.0.1/", "http://[::1]/x.png", "http://10.0.0.1/x.png"}) {
    auto out = Try("images.import", {{"url", url}});
    ASSERT_FALSE(out) << url;
    EXPECT_TRUE(out.error().reason == "address_not_allowed" ||
                out.error().reason == "scheme_not_allowed")
        << url << ": " << out.error().ToString();
  }
  EXPECT_TRUE(BlobNames().empty());
}

TEST_F(ImportTest, BadArgumentsAreRefusedBeforeAnythingIsFetched) {
  AllowLoopback();
  for (const Json& args :
       {Json::object(), Json{{"url", 5}}, Json{{"url", server_.Url("/cat.png")}, {"job_id", "../x"}},
        Json{{"url", server_.Url("/cat.png")}, {"colour", "red"}},
        Json{{"url", std::string(5000, 'a')}}}) {
    auto out = Try("images.import", args);
    ASSERT_FALSE(out) << args.dump();
    EXPECT_EQ(out.error().code, ErrorCode::kInvalidArgument) << args.dump();
  }
  EXPECT_EQ(server_.TotalHits(), 0);
}

}  // namespace
}  // namespace noisett::service::testing
