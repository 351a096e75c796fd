// The delegation key cache with a ManualClock (reuse, refresh inside the last hour, one fetch under
// 32 concurrent callers, failures), the Get User Delegation Key XML, and the request
// FetchDelegationKeyWith sends, recorded by a loopback server playing Azure (Azurite's own
// answer is checked end to end by the link tests).
#include "storage/azure/delegation_key_cache.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "storage/azure/azure_client.h"
#include "support/recording_http_server.h"

namespace noisett::storage::azure {
namespace {

constexpr int64_t kNow = 1795436700;  // 2026-11-23T12:25:00Z
constexpr int64_t kDay = 24 * 3600;

// A key for exactly what was asked, numbered so tests can tell fetches apart.
UserDelegationKey KeyFor(int64_t start, int64_t expiry, int n) {
  UserDelegationKey k;
  k.signed_oid = "oid";
  k.signed_tid = "tid";
  k.signed_start = SasTime(start);
  k.signed_expiry = SasTime(expiry);
  k.signed_version = "2025-11-05";
  k.value = "a2V5LW51bWJlci0" + std::to_string(n);  // only compared, never decoded
  k.expiry_unix = expiry;
  return k;
}

struct Recorder {
  std::atomic<int> calls{0};
  std::atomic<bool> fail{false};
  std::vector<std::pair<int64_t, int64_t>> asked;  // written under the cache's lock only
  std::chrono::milliseconds delay{0};

  DelegationKeyCache::Fetch Fetch() {
    return [this](int64_t start, int64_t expiry) -> Result<UserDelegationKey> {
      const int n = ++calls;
      asked.emplace_back(start, expiry);
      if (delay.count() > 0) std::this_thread::sleep_for(delay);
      if (fail) {
        return Unexpected(MakeError(ErrorCode::kUnavailable, "StoreUnavailable", "down"));
      }
      return KeyFor(start, expiry, n);
    };
  }
};

TEST(DelegationKeyCache, AsksForSevenDaysFromFifteenMinutesBack) {
  ManualClock clock(kNow);
  Recorder rec;
  DelegationKeyCache cache(rec.Fetch(), clock);
  auto key = cache.Get();
  ASSERT_TRUE(key) << key.error().ToString();
  ASSERT_EQ(rec.asked.size(), 1u);
  EXPECT_EQ(rec.asked[0].first, kNow - 15 * 60);
  EXPECT_EQ(rec.asked[0].second, kNow - 15 * 60 + 7 * kDay);
  // Azure refuses a key that ends more than 7 days after the request.
  EXPECT_LE(rec.asked[0].second - kNow, 7 * kDay);
  EXPECT_EQ(key->signed_start, "2026-11-23T12:10:00Z");
}

TEST(DelegationKeyCache, ReusedWhileMoreThanAnHourLeftThenRefreshed) {
  ManualClock clock(kNow);
  Recorder rec;
  DelegationKeyCache cache(rec.Fetch(), clock);
  const UserDelegationKey first = *cache.Get();
  for (int i = 0; i < 5; ++i) EXPECT_EQ(cache.Get()->value, first.value);
  // One second more than an hour left: still the same key.
  clock.Set(first.expiry_unix - 3601);
  EXPECT_EQ(cache.Get()->value, first.value);
  EXPECT_EQ(cache.fetches(), 1);
  // Exactly an hour left: inside the last hour, a new key.
  clock.Set(first.expiry_unix - 3600);
  const UserDelegationKey second = *cache.Get();
  EXPECT_NE(second.value, first.value);
  EXPECT_EQ(cache.fetches(), 2);
  EXPECT_EQ(rec.asked[1].first, first.expiry_unix - 3600 - 15 * 60);
  EXPECT_EQ(cache.Get()->value, second.value);
  EXPECT_EQ(cache.fetches(), 2);
}

TEST(DelegationKeyCache, OneFetchUnderThirtyTwoConcurrentCallers) {
  ManualClock clock(kNow);
  Recorder rec;
  rec.delay = std::chrono::milliseconds(300);  // long enough for every caller to arrive meanwhile
  DelegationKeyCache cache(rec.Fetch(), clock);

  auto run = [&](int64_t at) {
    clock.Set(at);
    std::atomic<int> ready{0};
    std::vector<std::string> values(32);
    std::vector<std::thread> threads;
    for (int i = 0; i < 32; ++i) {
      threads.emplace_back([&, i] {
        ++ready;
        while (ready < 32) std::this_thread::yield();
        auto k = cache.Get();
        values[i] = k ? k->value : "error";
      });
    }
    for (auto& t : threads) t.join();
    return values;
  };
  const auto first = run(kNow);
  EXPECT_EQ(rec.calls, 1);
  for (const auto& v : first) EXPECT_EQ(v, first[0]);
  // Inside the last hour all 32 want a refresh; still one fetch.
  const auto second = run(kNow - 15 * 60 + 7 * kDay - 1800);
  EXPECT_EQ(rec.calls, 2);
  for (const auto& v : second) EXPECT_EQ(v, second[0]);
  EXPECT_NE(second[0], first[0]);
}

TEST(DelegationKeyCache, FailedRefreshServesTheStillValidKey) {
  ManualClock clock(kNow);
  Recorder rec;
  DelegationKeyCache cache(rec.Fetch(), clock);
  const UserDelegationKey first = *cache.Get();
  rec.fail = true;
  clock.Set(first.expiry_unix - 1800);
  auto served = cache.Get();
  ASSERT_TRUE(served) << served.error().ToString();
  EXPECT_EQ(served->value, first.value);
  EXPECT_EQ(rec.calls, 2);
  // No new call for a minute after the failure: an outage must not make every link wait.
  clock.Advance(kDelegationKeyRetryAfterFailure - 1);
  EXPECT_EQ(cache.Get()->value, first.value);
  EXPECT_EQ(rec.calls, 2);
  clock.Advance(1);
  EXPECT_EQ(cache.Get()->value, first.value);
  EXPECT_EQ(rec.calls, 3);
  // Recovery: the next try after the pause gets a new key.
  rec.fail = false;
  clock.Advance(kDelegationKeyRetryAfterFailure);
  auto fresh = cache.Get();
  ASSERT_TRUE(fresh);
  EXPECT_NE(fresh->value, first.value);
  EXPECT_EQ(rec.calls, 4);
}

TEST(DelegationKeyCache, FailureWithoutAValidKeyIsReturned) {
  ManualClock clock(kNow);
  Recorder rec;
  rec.fail = true;
  DelegationKeyCache cache(rec.Fetch(), clock);
  auto r = cache.Get();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(r.error().reason, "StoreUnavailable");
  // No pause without a key to fall back on: every call tries again.
  EXPECT_FALSE(cache.Get());
  EXPECT_EQ(rec.calls, 2);
  // A key that expired is never served, even when the refresh fails.
  rec.fail = false;
  const UserDelegationKey key = *cache.Get();
  rec.fail = true;
  clock.Set(key.expiry_unix);
  EXPECT_FALSE(cache.Get());
}

TEST(DelegationKeyXml, RequestBody) {
  EXPECT_EQ(DelegationKeyRequestBody(kNow - 900, kNow - 900 + 7 * kDay),
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><KeyInfo><Start>2026-11-23T12:10:00Z"
            "</Start><Expiry>2026-11-30T12:10:00Z</Expiry></KeyInfo>");
}

constexpr char kAzureAnswer[] =
    "\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<UserDelegationKey>"
    "<SignedOid>0f5b3c5e-2c6a-4b7a-9d61-6a1d2e3f4a5b</SignedOid>"
    "<SignedTid>72f988bf-86f1-41af-91ab-2d7cd011db47</SignedTid>"
    "<SignedStart>2026-11-23T12:10:00Z</SignedStart>"
    "<SignedExpiry>2026-11-30T12:10:00Z</SignedExpiry>"
    "<SignedService>b</SignedService><SignedVersion>2025-11-05</SignedVersion>"
    "<Value>bm9pc2V0dCB0ZXN0IGRlbGVnYXRpb24ga2V5IDMyYiE=</Value></UserDelegationKey>";

TEST(DelegationKeyXml, ParsesAzuresAnswer) {
  auto key = ParseDelegationKeyResponse(kAzureAnswer);
  ASSERT_TRUE(key) << key.error().ToString();
  EXPECT_EQ(key->signed_oid, "0f5b3c5e-2c6a-4b7a-9d61-6a1d2e3f4a5b");
  EXPECT_EQ(key->signed_tid, "72f988bf-86f1-41af-91ab-2d7cd011db47");
  EXPECT_EQ(key->signed_start, "2026-11-23T12:10:00Z");
  EXPECT_EQ(key->signed_expiry, "2026-11-30T12:10:00Z");
  EXPECT_EQ(key->signed_service, "b");
  EXPECT_EQ(key->signed_version, "2025-11-05");
  EXPECT_EQ(key->value, "bm9pc2V0dCB0ZXN0IGRlbGVnYXRpb24ga2V5IDMyYiE=");
  EXPECT_EQ(key->expiry_unix, kNow - 900 + 7 * kDay);
}

TEST(DelegationKeyXml, RefusesWhatItCannotSignWith) {
  const std::string good = kAzureAnswer;
  auto replace = [&](const std::string& from, const std::string& to) {
    std::string s = good;
    s.replace(s.find(from), from.size(), to);
    return s;
  };
  for (const std::string& bad : {
           std::string(""), std::string("<UserDelegationKey>"), std::string("not xml"),
           std::string("<?xml version=\"1.0\"?><Error><Code>x</Code></Error>"),
           replace("UserDelegationKey>", "Error>"),  // only the opening tag: malformed
           replace("<Value>bm9pc2V0dCB0ZXN0IGRlbGVnYXRpb24ga2V5IDMyYiE=</Value>", ""),
           replace("bm9pc2V0dCB0ZXN0IGRlbGVnYXRpb24ga2V5IDMyYiE=", "not base64"),
           replace("<SignedOid>0f5b3c5e-2c6a-4b7a-9d61-6a1d2e3f4a5b</SignedOid>",
                   "<SignedOid></SignedOid>"),
           replace("2026-11-30T12:10:00Z", "2026-11-20T12:10:00Z"),  // expiry before start
           replace("2026-11-23T12:10:00Z", "yesterday"),
       }) {
    auto r = ParseDelegationKeyResponse(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kUnavailable) << bad;
    EXPECT_EQ(r.error().reason, "delegation_key_unreadable") << bad;
  }
}

class FixedToken final : public TokenCredential {
 public:
  Result<AccessToken> GetToken() override { return AccessToken{"test-token-123", kNow + 3600}; }
  std::string Describe() const override { return "fixed test token"; }
};

// The exact request Get User Delegation Key sends (REFERENCE.md §1.4), recorded by a loopback
// server that answers as Azure does.
TEST(FetchDelegationKeyWith, SendsTheRestCallAndParsesTheAnswer) {
  testing::RecordingHttpServer server([](const testing::RecordedRequest&) {
    return testing::Reply{200, {{"Content-Type", "application/xml"}}, kAzureAnswer};
  });
  AzureConfig config;
  config.account = "devstoreaccount1";
  config.endpoint = server.Url("/devstoreaccount1");
  ManualClock clock(kNow);
  auto client = AzureClient::Create(config, std::make_shared<FixedToken>(), clock);
  ASSERT_TRUE(client) << client.error().ToString();
  DelegationKeyCache cache(FetchDelegationKeyWith(**client), clock);
  auto key = cache.Get();
  ASSERT_TRUE(key) << key.error().ToString();
  EXPECT_EQ(key->signed_oid, "0f5b3c5e-2c6a-4b7a-9d61-6a1d2e3f4a5b");

  const auto requests = server.Requests();
  ASSERT_EQ(requests.size(), 1u);
  const auto& r = requests[0];
  EXPECT_EQ(r.method, "POST");
  std::string path = r.Path();
  if (path.size() > 1 && path.back() == '/') path.pop_back();
  EXPECT_EQ(path, "/devstoreaccount1");
  EXPECT_EQ(r.Query(), "restype=service&comp=userdelegationkey");
  EXPECT_EQ(r.Header("Authorization"), "Bearer test-token-123");
  EXPECT_FALSE(r.Header("x-ms-version").empty());
  EXPECT_EQ(r.body,
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><KeyInfo><Start>2026-11-23T12:10:00Z"
            "</Start><Expiry>2026-11-30T12:10:00Z</Expiry></KeyInfo>");
}

TEST(FetchDelegationKeyWith, AzureRefusalIsTheError) {
  testing::RecordingHttpServer server([](const testing::RecordedRequest&) {
    return testing::Reply{
        403,
        {{"Content-Type", "application/xml"}, {"x-ms-error-code", "AuthorizationPermissionMismatch"}},
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>AuthorizationPermissionMismatch"
        "</Code><Message>This request is not authorized.</Message></Error>"};
  });
  AzureConfig config;
  config.account = "devstoreaccount1";
  config.endpoint = server.Url("/devstoreaccount1");
  ManualClock clock(kNow);
  auto client = AzureClient::Create(config, std::make_shared<FixedToken>(), clock);
  ASSERT_TRUE(client) << client.error().ToString();
  auto key = FetchDelegationKeyWith(**client)(kNow - 900, kNow - 900 + 7 * kDay);
  ASSERT_FALSE(key);
  EXPECT_EQ(key.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(key.error().reason, "AuthorizationPermissionMismatch");
}

}  // namespace
}  // namespace noisett::storage::azure
