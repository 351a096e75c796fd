// The Replicate wire format on its own: model settings, the create call, prediction objects from
// well-formed to hostile, and what each error status means.
#include "generate/replicate_api.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace noisett::generate::replicate {
namespace {

using nlohmann::json;

TEST(ReplicateModelRef, OwnerNameAndVersion) {
  auto latest = ParseModelRef("black-forest-labs/flux-schnell");
  ASSERT_TRUE(latest) << latest.error().ToString();
  EXPECT_EQ(latest->owner, "black-forest-labs");
  EXPECT_EQ(latest->name, "flux-schnell");
  EXPECT_EQ(latest->version, "");
  auto pinned = ParseModelRef("stability-ai/sdxl:7762fd07cf82c948538e41f63f77d685e02b063e");
  ASSERT_TRUE(pinned) << pinned.error().ToString();
  EXPECT_EQ(pinned->OwnerName(), "stability-ai/sdxl");
  EXPECT_EQ(pinned->version, "7762fd07cf82c948538e41f63f77d685e02b063e");
}

TEST(ReplicateModelRef, RefusesWhatWouldChangeTheUrlPath) {
  for (const char* bad : {"", "flux", "/flux", "owner/", "a/b/c", "../x", "a/..", "a/b:",
                          "a/b:v/../../x", "a/b?x=1", "a/b#f", "a b/c", "a/b:12 34"}) {
    auto ref = ParseModelRef(bad);
    ASSERT_FALSE(ref) << bad;
    EXPECT_EQ(ref.error().reason, "bad_model") << bad;
  }
}

TEST(ReplicateCreateCall, LatestVersionGoesToTheModelsPath) {
  GenerateRequest request;
  request.prompt = "a lighthouse at dusk";
  request.width = 1344;
  request.height = 768;
  const CreateCall call = BuildCreateCall(*ParseModelRef("acme/painter"), request, 42);
  EXPECT_EQ(call.path, "/v1/models/acme/painter/predictions");
  const json body = json::parse(call.body);
  EXPECT_FALSE(body.contains("version"));
  EXPECT_EQ(body["input"]["prompt"], "a lighthouse at dusk");
  EXPECT_EQ(body["input"]["seed"], 42);
  EXPECT_EQ(body["input"]["num_outputs"], 1);
  EXPECT_EQ(body["input"]["aspect_ratio"], "16:9");
  EXPECT_EQ(body["input"]["width"], 1344);
  EXPECT_EQ(body["input"]["height"], 768);
  EXPECT_EQ(body["input"]["output_format"], "png");
}

TEST(ReplicateCreateCall, PinnedVersionGoesToThePredictionsPath) {
  GenerateRequest request;
  request.prompt = "quote \" and \xff invalid UTF-8";
  const CreateCall call = BuildCreateCall(*ParseModelRef("acme/painter:abc123"), request, -5);
  EXPECT_EQ(call.path, "/v1/predictions");
  const json body = json::parse(call.body);  // still valid JSON
  EXPECT_EQ(body["version"], "abc123");
  EXPECT_EQ(body["input"]["seed"], -5);
  EXPECT_EQ(body["input"]["aspect_ratio"], "1:1");
}

TEST(ReplicateCreateCall, NearestAspectRatio) {
  EXPECT_EQ(NearestAspectRatio(1024, 1024), "1:1");
  EXPECT_EQ(NearestAspectRatio(1920, 1080), "16:9");
  EXPECT_EQ(NearestAspectRatio(768, 1024), "3:4");
  EXPECT_EQ(NearestAspectRatio(512, 1536), "9:21");  // 1:3 is past the tallest one offered
  EXPECT_EQ(NearestAspectRatio(0, 10), "1:1");
}

TEST(ReplicatePrediction, OutputAsStringOrArray) {
  auto one = ParsePrediction(
      R"({"id":"abc","status":"succeeded","output":"https://replicate.delivery/x.png"})");
  ASSERT_TRUE(one) << one.error().ToString();
  EXPECT_EQ(one->state, State::kSucceeded);
  EXPECT_EQ(one->outputs, std::vector<std::string>{"https://replicate.delivery/x.png"});
  auto many = ParsePrediction(
      R"({"id":"abc","status":"succeeded","output":["https://a/1.png","http://b/2.webp"]})");
  ASSERT_TRUE(many) << many.error().ToString();
  EXPECT_EQ(many->outputs.size(), 2u);
  auto running = ParsePrediction(R"({"id":"abc","status":"processing","output":null})");
  ASSERT_TRUE(running);
  EXPECT_EQ(running->state, State::kProcessing);
  EXPECT_TRUE(running->outputs.empty());
}

TEST(ReplicatePrediction, FailureKeepsAShortenedError) {
  const std::string long_error(1000, 'e');
  auto failed = ParsePrediction(
      json{{"id", "abc"}, {"status", "failed"}, {"error", long_error}}.dump());
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->state, State::kFailed);
  EXPECT_LE(failed->error.size(), 303u);
  EXPECT_EQ(failed->error.substr(0, 10), "eeeeeeeeee");
  auto canceled = ParsePrediction(R"({"id":"abc","status":"canceled"})");
  ASSERT_TRUE(canceled);
  EXPECT_EQ(canceled->state, State::kCanceled);
}

TEST(ReplicatePrediction, RefusesNonsense) {
  for (const char* bad : {
           "{not json", "[]", R"({"status":"starting"})",             // no id
           R"({"id":"../../v1/account","status":"starting"})",        // an id that moves the path
           R"({"id":"abc","status":"dreaming"})",                     // an unknown status
           R"({"id":"abc","status":"succeeded"})",                    // no output
           R"({"id":"abc","status":"succeeded","output":{"u":1}})",   // not a URL
           R"({"id":"abc","status":"succeeded","output":[1]})",
           R"({"id":"abc","status":"succeeded","output":"file:///etc/passwd"})",
           R"({"id":"abc","status":"succeeded","output":["data:image/png;base64,AAAA"]})"}) {
    auto p = ParsePrediction(bad);
    ASSERT_FALSE(p) << bad;
    EXPECT_EQ(p.error().reason, "generator_failed") << bad;
    EXPECT_EQ(p.error().code, ErrorCode::kUpstreamFailed) << bad;
  }
}

TEST(ReplicateApiError, StatusesMapToReasons) {
  const auto reason = [](long status) { return ApiError(status, "", "creating").reason; };
  EXPECT_EQ(reason(401), "generator_unavailable");
  EXPECT_EQ(reason(403), "generator_unavailable");
  EXPECT_EQ(reason(400), "generator_refused");
  EXPECT_EQ(reason(422), "generator_refused");
  EXPECT_EQ(reason(404), "generator_unavailable");
  EXPECT_EQ(reason(500), "generator_unavailable");
  EXPECT_EQ(reason(503), "generator_unavailable");
  EXPECT_EQ(reason(418), "generator_failed");
  EXPECT_EQ(ApiError(422, "", "x").code, ErrorCode::kInvalidArgument);
  const Error e = ApiError(
      422, R"({"title":"Input validation failed","detail":"- input.width: too big"})", "x");
  EXPECT_NE(e.message.find("Input validation failed: - input.width: too big"), std::string::npos)
      << e.message;
  EXPECT_NE(ApiError(401, "", "x").message.find("refused the API token"), std::string::npos);
}

TEST(ReplicateApiError, RetryAfterSeconds) {
  EXPECT_EQ(RetryAfterMs({{"retry-after", "3"}}), 3000);
  EXPECT_EQ(RetryAfterMs({{"content-type", "x"}, {"retry-after", "0"}}), 0);
  EXPECT_EQ(RetryAfterMs({{"retry-after", "Wed, 21 Oct 2015 07:28:00 GMT"}}), std::nullopt);
  EXPECT_EQ(RetryAfterMs({{"retry-after", "99999999999999"}}), std::nullopt);
  EXPECT_EQ(RetryAfterMs({}), std::nullopt);
}

TEST(ReplicateShorten, CutsAtACharacterBoundaryAndBlanksControls) {
  EXPECT_EQ(Shorten("a\nb\x1b", 10), "a b ");
  const std::string text = "ab\xc3\xa9\xc3\xa9";  // "abéé"
  EXPECT_EQ(Shorten(text, 3), "ab...");            // not half of the é
  EXPECT_EQ(Shorten(text, 4), "ab\xc3\xa9...");
  EXPECT_EQ(Shorten(text, 6), text);
}

}  // namespace
}  // namespace noisett::generate::replicate
