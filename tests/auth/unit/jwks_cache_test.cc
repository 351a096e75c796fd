// JwksCache over an in-memory source and a ManualClock: first fetch, failed refreshes keep the
// keys, and the unknown-kid refetch is rate-limited (a flood of made-up kids costs no fetches).
#include "auth/jwks_cache.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "auth/refusal.h"
#include "auth/unit/test_tokens.h"
#include "core/log.h"

namespace noisett::auth {
namespace {

using unit::Keys;

// What the fake source serves; shared so the test can change it after the cache owns the source.
struct Served {
  std::mutex mu;
  std::string text;
  bool fail = false;
  std::atomic<int> fetches{0};
};

class FakeSource final : public JwksSource {
 public:
  explicit FakeSource(std::shared_ptr<Served> served) : served_(std::move(served)) {}
  Result<std::string> Fetch() override {
    ++served_->fetches;
    std::lock_guard<std::mutex> lock(served_->mu);
    if (served_->fail) {
      return Unexpected(MakeError(ErrorCode::kUnavailable, "jwks_unavailable", "down"));
    }
    return served_->text;
  }
  std::string Describe() const override { return "fake"; }

 private:
  std::shared_ptr<Served> served_;
};

class JwksCacheTest : public ::testing::Test {
 protected:
  JwksCacheTest() {
    previous_sink_ = SetLogSink([](LogLevel, std::string_view) {});  // refresh failures are expected
    Serve(unit::JwksText({unit::RsaJwk(Keys().rsa, "k1")}));
  }
  ~JwksCacheTest() override { SetLogSink(std::move(previous_sink_)); }

  void Serve(const std::string& text) {
    std::lock_guard<std::mutex> lock(served_->mu);
    served_->text = text;
  }
  void SetFailing(bool fail) {
    std::lock_guard<std::mutex> lock(served_->mu);
    served_->fail = fail;
  }
  std::unique_ptr<JwksCache> Make() {
    JwksCacheOptions options;
    options.background_refresh = false;
    options.unknown_kid_interval_s = 300;
    return std::make_unique<JwksCache>(std::make_unique<FakeSource>(served_), clock_, options);
  }

  ManualClock clock_{1'800'000'000};
  std::shared_ptr<Served> served_ = std::make_shared<Served>();
  LogSink previous_sink_;
};

TEST_F(JwksCacheTest, StartLoadsTheKeys) {
  auto cache = Make();
  ASSERT_TRUE(cache->Start());
  EXPECT_EQ(cache->key_count(), 1u);
  EXPECT_EQ(cache->fetch_count(), 1u);
  auto key = cache->Find("k1");
  ASSERT_TRUE(key) << key.error().ToString();
  EXPECT_EQ(key->kid, "k1");
}

TEST_F(JwksCacheTest, FailedStartIsReportedButTheCacheRecovers) {
  SetFailing(true);
  auto cache = Make();
  EXPECT_FALSE(cache->Start());
  EXPECT_EQ(cache->key_count(), 0u);
  SetFailing(false);
  EXPECT_TRUE(cache->Refresh());
  EXPECT_TRUE(cache->Find("k1"));
}

TEST_F(JwksCacheTest, FailedOrEmptyRefreshKeepsTheLastGoodKeys) {
  auto cache = Make();
  ASSERT_TRUE(cache->Start());
  SetFailing(true);
  EXPECT_FALSE(cache->Refresh());
  EXPECT_TRUE(cache->Find("k1"));
  SetFailing(false);
  Serve("not json");
  EXPECT_FALSE(cache->Refresh());
  EXPECT_TRUE(cache->Find("k1"));
  Serve(R"({"keys":[]})");
  EXPECT_FALSE(cache->Refresh());
  EXPECT_TRUE(cache->Find("k1"));
  EXPECT_EQ(cache->fetch_count(), 4u);
}

TEST_F(JwksCacheTest, SuccessfulRefreshReplacesTheKeysWhole) {
  auto cache = Make();
  ASSERT_TRUE(cache->Start());
  Serve(unit::JwksText({unit::RsaJwk(Keys().rsa_other, "k2")}));
  ASSERT_TRUE(cache->Refresh());
  EXPECT_TRUE(cache->Find("k2"));
  clock_.Advance(1000);  // let an unknown-kid refetch happen; it must not bring k1 back
  auto gone = cache->Find("k1");
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().reason, reason::kUnknownKid);
}

TEST_F(JwksCacheTest, UnknownKidRefetchesAtMostOncePerInterval) {
  auto cache = Make();
  ASSERT_TRUE(cache->Start());
  ASSERT_EQ(cache->fetch_count(), 1u);
  // A rotation the cache has not seen yet: the first unknown kid fetches and finds it.
  Serve(unit::JwksText({unit::RsaJwk(Keys().rsa, "k1"), unit::RsaJwk(Keys().rsa_other, "k2")}));
  EXPECT_TRUE(cache->Find("k2"));
  EXPECT_EQ(cache->fetch_count(), 2u);
  // Made-up kids inside the interval: refused from memory, no fetch.
  for (int i = 0; i < 100; ++i) EXPECT_FALSE(cache->Find("made-up-" + std::to_string(i)));
  EXPECT_EQ(cache->fetch_count(), 2u);
  clock_.Advance(299);
  EXPECT_FALSE(cache->Find("made-up"));
  EXPECT_EQ(cache->fetch_count(), 2u);
  clock_.Advance(1);
  EXPECT_FALSE(cache->Find("made-up"));
  EXPECT_EQ(cache->fetch_count(), 3u);
  // Known kids never fetch.
  EXPECT_TRUE(cache->Find("k1"));
  EXPECT_EQ(cache->fetch_count(), 3u);
}

TEST_F(JwksCacheTest, EmptyAndHugeKidsNeverFetch) {
  auto cache = Make();
  ASSERT_TRUE(cache->Start());
  EXPECT_FALSE(cache->Find(""));
  EXPECT_FALSE(cache->Find(std::string(10000, 'k')));
  EXPECT_EQ(cache->fetch_count(), 1u);
}

TEST_F(JwksCacheTest, ConcurrentUnknownKidFloodSharesOneFetch) {
  auto cache = Make();
  ASSERT_TRUE(cache->Start());
  std::vector<std::thread> threads;
  std::atomic<int> found{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        if (cache->Find("flood-" + std::to_string(t) + "-" + std::to_string(i))) ++found;
        if (cache->Find("k1")) ++found;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(found.load(), 8 * 200);  // only the real kid, every time
  EXPECT_EQ(cache->fetch_count(), 2u);  // the start, and one shared unknown-kid refetch
}

}  // namespace
}  // namespace noisett::auth
