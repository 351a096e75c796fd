// The token cache with a ManualClock in front of a real IMDS credential and a loopback IMDS that
// counts its requests: reuse while more than 5 minutes are left, refresh inside them, one fetch
// for 32 concurrent callers (the server answers slowly so they overlap), the old token kept when a
// refresh fails while it is still valid, and an error once it has expired.
#include "storage/azure/token_cache.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <optional>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "storage/azure/credential_test_support.h"
#include "storage/azure/managed_identity_credential.h"
#include "support/recording_http_server.h"

namespace noisett::storage::azure {
namespace {

using noisett::testing::RecordedRequest;
using noisett::testing::RecordingHttpServer;
using noisett::testing::Reply;
using namespace noisett::storage::azure::testing;

// A token endpoint that numbers its tokens (t1, t2, ...) and can be made slow or failing.
class CountingImds {
 public:
  explicit CountingImds(const ManualClock& clock)
      : clock_(clock), server_([this](const RecordedRequest&) { return Answer(); }) {}

  void SetDelay(std::chrono::milliseconds delay) { delay_ms_ = delay.count(); }
  void SetStatus(int status) { status_ = status; }
  size_t Requests() const { return server_.Requests().size(); }
  CredentialSettings Settings() const {
    CredentialSettings s;
    s.imds_endpoint = server_.BaseUrl();
    return s;
  }

 private:
  Reply Answer() {
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms_.load()));
    if (status_ != 200) return JsonReply(status_, R"({"error":"server_error"})");
    std::string token = "t";  // appended, not "t" + ...: g++ 12 -Wrestrict false positive
    token += std::to_string(++issued_);
    return ImdsToken(token, clock_.NowSeconds());
  }

  const ManualClock& clock_;
  std::atomic<int64_t> delay_ms_{0};
  std::atomic<int> status_{200};
  std::atomic<int> issued_{0};
  RecordingHttpServer server_;
};

class TokenCacheTest : public ::testing::Test {
 protected:
  TokenCacheTest()
      : imds_(clock_),
        credential_(MakeCachedCredential(MakeImdsCredential(imds_.Settings(), clock_), clock_)) {}

  std::string Token() {
    auto token = credential_->GetToken();
    EXPECT_TRUE(token) << token.error().ToString();
    return token ? token->token : "";
  }

  // `n` threads released together, each calling GetToken once.
  std::vector<Result<AccessToken>> Concurrently(int n) {
    std::vector<std::optional<Result<AccessToken>>> results(static_cast<size_t>(n));
    std::atomic<bool> go{false};
    std::vector<std::thread> threads;
    for (int i = 0; i < n; ++i) {
      threads.emplace_back([&, i] {
        while (!go) std::this_thread::yield();
        results[size_t(i)].emplace(credential_->GetToken());
      });
    }
    go = true;
    for (auto& t : threads) t.join();
    std::vector<Result<AccessToken>> out;
    for (auto& r : results) out.push_back(std::move(*r));
    return out;
  }

  ManualClock clock_{kT0};
  CountingImds imds_;
  std::unique_ptr<TokenCredential> credential_;
};

TEST_F(TokenCacheTest, ReusedWhileMoreThanFiveMinutesLeft) {
  EXPECT_EQ(Token(), "t1");
  clock_.Advance(3600 - 301);
  EXPECT_EQ(Token(), "t1");
  EXPECT_EQ(imds_.Requests(), 1u);
}

TEST_F(TokenCacheTest, RefreshedInsideTheLastFiveMinutes) {
  EXPECT_EQ(Token(), "t1");
  clock_.Advance(3600 - 300);
  EXPECT_EQ(Token(), "t2");
  EXPECT_EQ(Token(), "t2");
  EXPECT_EQ(imds_.Requests(), 2u);
  clock_.Advance(3600 - 301);  // relative to t2's issue time
  EXPECT_EQ(Token(), "t2");
  EXPECT_EQ(imds_.Requests(), 2u);
}

TEST_F(TokenCacheTest, OneFetchForThirtyTwoConcurrentCallers) {
  imds_.SetDelay(std::chrono::milliseconds(300));
  for (const auto& r : Concurrently(32)) {
    ASSERT_TRUE(r) << r.error().ToString();
    EXPECT_EQ(r->token, "t1");
  }
  EXPECT_EQ(imds_.Requests(), 1u);

  clock_.Advance(3600 - 60);  // everyone needs a refresh now: still one fetch
  for (const auto& r : Concurrently(32)) {
    ASSERT_TRUE(r) << r.error().ToString();
    EXPECT_EQ(r->token, "t2");
  }
  EXPECT_EQ(imds_.Requests(), 2u);
}

TEST_F(TokenCacheTest, ConcurrentCallersShareOneFailure) {
  imds_.SetDelay(std::chrono::milliseconds(300));
  imds_.SetStatus(500);
  for (const auto& r : Concurrently(32)) {
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().reason, "credential_unreachable");
  }
  EXPECT_EQ(imds_.Requests(), 1u);
}

TEST_F(TokenCacheTest, FailedRefreshWhileValidReturnsTheOldToken) {
  EXPECT_EQ(Token(), "t1");
  imds_.SetStatus(500);
  clock_.Advance(3600 - 120);  // two minutes left: refresh, which fails
  LogCapture logs;
  EXPECT_EQ(Token(), "t1");
  EXPECT_EQ(imds_.Requests(), 2u);
  EXPECT_NE(logs.All().find("using the current token"), std::string::npos) << logs.All();
  EXPECT_EQ(logs.All().find("t1"), std::string::npos) << "the token itself is never logged";

  // Backing off: no new attempt for 30 s, then one.
  clock_.Advance(29);
  EXPECT_EQ(Token(), "t1");
  EXPECT_EQ(imds_.Requests(), 2u);
  clock_.Advance(1);
  EXPECT_EQ(Token(), "t1");
  EXPECT_EQ(imds_.Requests(), 3u);

  imds_.SetStatus(200);  // the endpoint recovers
  clock_.Advance(30);
  EXPECT_EQ(Token(), "t2");
}

TEST_F(TokenCacheTest, ExpiredAndFailingIsAnError) {
  EXPECT_EQ(Token(), "t1");
  imds_.SetStatus(500);
  clock_.Advance(3600);  // expired
  auto token = credential_->GetToken();
  ASSERT_FALSE(token);
  EXPECT_EQ(token.error().code, ErrorCode::kUnavailable);
  imds_.SetStatus(400);
  token = credential_->GetToken();  // no back-off without a usable token: tried again
  ASSERT_FALSE(token);
  EXPECT_EQ(token.error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(imds_.Requests(), 3u);
}

TEST_F(TokenCacheTest, DescribeIsTheInnerCredentials) {
  EXPECT_EQ(credential_->Describe(), "managed identity (IMDS)");
}

}  // namespace
}  // namespace noisett::storage::azure
