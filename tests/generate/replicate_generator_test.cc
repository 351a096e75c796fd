// The replicate generator against FakeReplicate on loopback: what it sends, how it polls, cancels
// and downloads, and every way it fails. Poll intervals are a few milliseconds so each test takes
// well under a second (the Retry-After test about one).
#include "generate/replicate_generator.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "generate/fake_replicate.h"
#include "image/test_images.h"

namespace noisett::generate {
namespace {

using testing::FakeReplicate;
using Scenario = FakeReplicate::Scenario;

constexpr char kToken[] = "r8_TestTokenThatMustNeverLeak123";

class ReplicateGeneratorTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { testing::InitVips(); }

  ReplicateOptions Options(const std::string& model = "acme/painter") const {
    ReplicateOptions o;
    o.base_url = fake_.BaseUrl();
    o.token = kToken;
    o.model = model;
    o.timeout_ms = 2500;
    o.poll_initial_ms = 5;
    o.poll_max_ms = 40;
    o.downloads = *net::ParseImportPolicy("127.0.0.1", "");
    return o;
  }

  static GenerateRequest Request(std::vector<int64_t> seeds = {7}) {
    GenerateRequest r;
    r.prompt = "a red fox in the snow";
    r.quality = "high";
    r.seeds = std::move(seeds);
    r.width = 1024;
    r.height = 768;
    return r;
  }

  // A distinct real PNG per seed, served by the fake for that seed's prediction.
  std::string ServeImageFor(int64_t seed) {
    const std::string png = testing::ToPng(
        testing::Solid(16 + int(seed % 7), 12, {double(seed * 37 % 256), 80.0, 160.0}));
    fake_.SetImage(seed, png);
    return png;
  }

  // The failure expected, with the token nowhere in it; nothing may have been returned.
  static Error ExpectError(const Result<std::vector<GeneratedImage>>& r, const std::string& reason) {
    EXPECT_FALSE(r) << "expected " << reason;
    if (r) return Error{};
    EXPECT_EQ(r.error().reason, reason) << r.error().ToString();
    EXPECT_EQ(r.error().ToString().find(kToken), std::string::npos) << r.error().ToString();
    return r.error();
  }

  FakeReplicate fake_{kToken};
};

TEST_F(ReplicateGeneratorTest, GeneratesThroughTheModelsPathAndDownloadsTheOutput) {
  const std::string png = ServeImageFor(7);
  ReplicateGenerator generator(Options());
  auto images = generator.Generate(Request({7}));
  ASSERT_TRUE(images) << images.error().ToString();
  ASSERT_EQ(images->size(), 1u);
  EXPECT_EQ((*images)[0].seed, 7);
  EXPECT_EQ((*images)[0].bytes, png);

  const auto creates = fake_.Creates();
  ASSERT_EQ(creates.size(), 1u);
  EXPECT_EQ(creates[0].path, "/v1/models/acme/painter/predictions");
  EXPECT_EQ(creates[0].authorization, std::string("Bearer ") + kToken);
  const auto& input = creates[0].body["input"];
  EXPECT_EQ(input["prompt"], "a red fox in the snow");
  EXPECT_EQ(input["seed"], 7);
  EXPECT_EQ(input["num_outputs"], 1);
  EXPECT_EQ(input["aspect_ratio"], "4:3");
  EXPECT_EQ(input["output_format"], "png");
  EXPECT_FALSE(creates[0].body.contains("version"));
  EXPECT_EQ(fake_.PollTimes().size(), 3u);  // starting -> processing x2 -> succeeded
  EXPECT_TRUE(fake_.Cancels().empty());
  // The output host is not Replicate's API: the token is not sent there.
  EXPECT_EQ(fake_.FileHits(), 1);
  EXPECT_EQ(fake_.FileHitsWithAuthorization(), 0);
  EXPECT_EQ(generator.default_model(), "acme/painter");
}

TEST_F(ReplicateGeneratorTest, PinnedVersionCreatesWithTheVersionField) {
  const std::string png = ServeImageFor(3);
  fake_.SetScenario(Scenario::kSucceedString);  // output as a plain URL string
  ReplicateGenerator generator(Options("acme/painter:0123abcd"));
  auto images = generator.Generate(Request({3}));
  ASSERT_TRUE(images) << images.error().ToString();
  EXPECT_EQ((*images)[0].bytes, png);
  const auto creates = fake_.Creates();
  ASSERT_EQ(creates.size(), 1u);
  EXPECT_EQ(creates[0].path, "/v1/predictions");
  EXPECT_EQ(creates[0].body["version"], "0123abcd");
  EXPECT_EQ(creates[0].body["input"]["seed"], 3);
}

TEST_F(ReplicateGeneratorTest, OnePredictionPerSeedEachImageWithItsSeed) {
  const std::vector<int64_t> seeds = {11, 22, 33};
  std::vector<std::string> pngs;
  for (int64_t s : seeds) pngs.push_back(ServeImageFor(s));
  ReplicateGenerator generator(Options());
  auto images = generator.Generate(Request(seeds));
  ASSERT_TRUE(images) << images.error().ToString();
  ASSERT_EQ(images->size(), 3u);
  const auto creates = fake_.Creates();
  ASSERT_EQ(creates.size(), 3u);
  for (size_t i = 0; i < seeds.size(); ++i) {
    EXPECT_EQ(creates[i].body["input"]["seed"], seeds[i]);
    EXPECT_EQ((*images)[i].seed, seeds[i]);
    EXPECT_EQ((*images)[i].bytes, pngs[i]) << i;
  }
  EXPECT_NE(pngs[0], pngs[1]);
}

TEST_F(ReplicateGeneratorTest, PollsWithDoublingIntervals) {
  ServeImageFor(7);
  fake_.SetPollsToFinish(5);
  ReplicateOptions options = Options();
  options.poll_initial_ms = 10;
  options.poll_max_ms = 40;
  ReplicateGenerator generator(options);
  ASSERT_TRUE(generator.Generate(Request()));
  const auto polls = fake_.PollTimes();
  ASSERT_EQ(polls.size(), 5u);
  // Waits of 10, 20, 40, 40 ms: each gap is at least its wait (lower bounds only: a slow
  // machine may add to them, never take away).
  const int64_t waits[] = {20, 40, 40, 40};
  for (size_t i = 1; i < polls.size(); ++i) {
    const auto gap =
        std::chrono::duration_cast<std::chrono::milliseconds>(polls[i] - polls[i - 1]).count();
    EXPECT_GE(gap, waits[i - 1]) << "gap " << i;
  }
}

TEST_F(ReplicateGeneratorTest, TimeoutCancelsThePrediction) {
  fake_.SetScenario(Scenario::kNeverFinish);
  ReplicateOptions options = Options();
  options.timeout_ms = 300;
  ReplicateGenerator generator(options);
  const Error e = ExpectError(generator.Generate(Request({1, 2})), "generator_timeout");
  EXPECT_EQ(e.code, ErrorCode::kUpstreamTimeout);  // 504: Replicate was slow, not this server
  EXPECT_GT(fake_.PollTimes().size(), 2u);
  EXPECT_EQ(fake_.Cancels(), (std::vector<std::string>{"pred1", "pred2"}));
  EXPECT_EQ(fake_.FileHits(), 0);
}

// A job keeps only its failure's reason; read back, each has the code the generator gave it.
TEST(GeneratorErrorCodeTest, UpstreamReasonsAreGatewayErrors) {
  EXPECT_EQ(GeneratorErrorCode("generator_timeout"), ErrorCode::kUpstreamTimeout);
  EXPECT_EQ(GeneratorErrorCode("generator_unavailable"), ErrorCode::kUpstreamFailed);
  EXPECT_EQ(GeneratorErrorCode("generator_failed"), ErrorCode::kUpstreamFailed);
  EXPECT_EQ(GeneratorErrorCode("generator_refused"), ErrorCode::kInvalidArgument);
  EXPECT_EQ(GeneratorErrorCode("render_failed"), ErrorCode::kInternal);
}

TEST_F(ReplicateGeneratorTest, FailedPredictionQuotesReplicatesErrorShortened) {
  fake_.SetScenario(Scenario::kFail);
  fake_.SetFailureText("CUDA out of memory. " + std::string(2000, 'x'));
  ReplicateGenerator generator(Options());
  const Error e = ExpectError(generator.Generate(Request()), "generator_failed");
  EXPECT_EQ(e.code, ErrorCode::kUpstreamFailed);  // 502: the upstream failed, not this server
  EXPECT_NE(e.message.find("pred1 failed: CUDA out of memory."), std::string::npos) << e.message;
  EXPECT_LT(e.message.size(), 400u);
  EXPECT_EQ(fake_.FileHits(), 0);
}

TEST_F(ReplicateGeneratorTest, ThrottledPollWaitsForRetryAfter) {
  const std::string png = ServeImageFor(7);
  fake_.SetScenario(Scenario::kThrottleOnce);
  ReplicateGenerator generator(Options());
  auto images = generator.Generate(Request());
  ASSERT_TRUE(images) << images.error().ToString();
  EXPECT_EQ((*images)[0].bytes, png);
  const auto polls = fake_.PollTimes();
  ASSERT_EQ(polls.size(), 4u);  // the 429, then three polls
  EXPECT_GE(std::chrono::duration_cast<std::chrono::milliseconds>(polls[1] - polls[0]).count(),
            1000);
}

TEST_F(ReplicateGeneratorTest, ServerErrorIsUnavailable) {
  fake_.SetScenario(Scenario::kServerError);
  ReplicateGenerator generator(Options());
  const Error e = ExpectError(generator.Generate(Request()), "generator_unavailable");
  EXPECT_EQ(e.code, ErrorCode::kUpstreamFailed);
  EXPECT_NE(e.message.find("HTTP 500"), std::string::npos) << e.message;
}

TEST_F(ReplicateGeneratorTest, RefusedTokenIsUnavailableAndNeverQuoted) {
  ReplicateOptions options = Options();
  options.token = "r8_WrongTokenEchoedBackByTheServer";
  ReplicateGenerator generator(options);
  auto r = generator.Generate(Request());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().reason, "generator_unavailable");
  EXPECT_NE(r.error().message.find("refused the API token"), std::string::npos);
  // The fake echoed the header it got; the generator must not pass that on.
  EXPECT_EQ(r.error().message.find("r8_WrongToken"), std::string::npos) << r.error().message;
  EXPECT_TRUE(fake_.Creates().empty());
}

TEST_F(ReplicateGeneratorTest, RefusedInputIsRefused) {
  fake_.SetScenario(Scenario::kRefuseInput);
  ReplicateGenerator generator(Options());
  const Error e = ExpectError(generator.Generate(Request()), "generator_refused");
  EXPECT_EQ(e.code, ErrorCode::kInvalidArgument);
  EXPECT_NE(e.message.find("NSFW content detected"), std::string::npos) << e.message;
}

TEST_F(ReplicateGeneratorTest, UnreachableServiceIsUnavailable) {
  // A port that was just free: nothing listens there.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  ::close(fd);
  ReplicateOptions options = Options();
  options.base_url = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
  ReplicateGenerator generator(options);
  const Error e = ExpectError(generator.Generate(Request()), "generator_unavailable");
  EXPECT_NE(e.message.find("cannot reach Replicate"), std::string::npos) << e.message;
}

TEST_F(ReplicateGeneratorTest, OutputAtTheMetadataAddressIsRefused) {
  fake_.SetScenario(Scenario::kRefusedAddress);
  ReplicateGenerator generator(Options());
  const Error e = ExpectError(generator.Generate(Request()), "generator_failed");
  EXPECT_NE(e.message.find("address_not_allowed"), std::string::npos) << e.message;
  EXPECT_EQ(fake_.FileHits(), 0);
}

TEST_F(ReplicateGeneratorTest, WrongNumberOfOutputsFails) {
  ServeImageFor(7);
  fake_.SetScenario(Scenario::kTwoOutputs);
  ReplicateGenerator generator(Options());
  const Error e = ExpectError(generator.Generate(Request()), "generator_failed");
  EXPECT_NE(e.message.find("2 outputs, expected 1"), std::string::npos) << e.message;
  EXPECT_EQ(fake_.FileHits(), 0);
}

TEST_F(ReplicateGeneratorTest, MalformedAnswerFailsAndCancelsWhatRuns) {
  fake_.SetScenario(Scenario::kMalformedJson);
  ReplicateGenerator generator(Options());
  const Error e = ExpectError(generator.Generate(Request({1, 2})), "generator_failed");
  EXPECT_NE(e.message.find("not JSON"), std::string::npos) << e.message;
  EXPECT_EQ(fake_.Cancels(), (std::vector<std::string>{"pred1", "pred2"}));
}

TEST_F(ReplicateGeneratorTest, TokenIsNeverSentInClearToARemoteHost) {
  ReplicateOptions options = Options();
  options.base_url = "http://api.replicate.example";  // plain http, not loopback
  ReplicateGenerator generator(options);
  const Error e = ExpectError(generator.Generate(Request()), "generator_unavailable");
  EXPECT_NE(e.message.find("NOISETT_REPLICATE_URL"), std::string::npos) << e.message;
}

TEST_F(ReplicateGeneratorTest, RequestMayNotPickAnotherModel) {
  ReplicateGenerator generator(Options("acme/painter:0123abcd"));
  GenerateRequest request = Request();
  request.model = "acme/expensive-video";
  ExpectError(generator.Generate(request), "generator_refused");
  EXPECT_TRUE(fake_.Creates().empty());
  // Its own model, with or without the version, is fine.
  ServeImageFor(7);
  request.model = "acme/painter";
  EXPECT_TRUE(generator.Generate(request));
  request.model = "acme/painter:0123abcd";
  EXPECT_TRUE(generator.Generate(request));
}

TEST_F(ReplicateGeneratorTest, BadModelSettingIsUnavailable) {
  ReplicateGenerator generator(Options("acme/../../v1/account"));
  const Error e = ExpectError(generator.Generate(Request()), "generator_unavailable");
  EXPECT_NE(e.message.find("NOISETT_REPLICATE_MODEL"), std::string::npos) << e.message;
  EXPECT_TRUE(fake_.Authorizations().empty());
}

}  // namespace
}  // namespace noisett::generate
