// AzureLinkSigner: what a link carries (parsed back from the query), expiry capping (7 days, the
// delegation key's expiry), spr for loopback and public endpoints, refused targets, key fetch
// failures, service SAS with an account key, and equality with the official SDK's query for the
// same inputs. The client makes no request here: the keys come from the cache's fetch function.
#include "storage/azure/azure_link_signer.h"

#include <gtest/gtest.h>

#include <atomic>

#include "storage/azure/sas_oracle.h"
#include "storage/query_params.h"
#include "support/azurite.h"

namespace noisett::storage::azure {
namespace {

constexpr int64_t kNow = 1795436700;  // 2026-11-23T12:25:00Z
constexpr int64_t kHour = 3600;
constexpr int64_t kWeek = 7 * 24 * kHour;

class FixedToken final : public TokenCredential {
 public:
  Result<AccessToken> GetToken() override { return AccessToken{"unused", kNow + kHour}; }
  std::string Describe() const override { return "fixed test token"; }
};

UserDelegationKey TestKey(int64_t start, int64_t expiry) {
  UserDelegationKey k;
  k.signed_oid = "0f5b3c5e-2c6a-4b7a-9d61-6a1d2e3f4a5b";
  k.signed_tid = "72f988bf-86f1-41af-91ab-2d7cd011db47";
  k.signed_start = SasTime(start);
  k.signed_expiry = SasTime(expiry);
  k.signed_version = "2025-11-05";
  k.value = "bm9pc2V0dCB0ZXN0IGRlbGVnYXRpb24ga2V5IDMyYiE=";
  k.expiry_unix = expiry;
  return k;
}

struct SignerRig {
  ManualClock clock{kNow};
  std::unique_ptr<AzureClient> client;
  std::unique_ptr<AzureLinkSigner> signer;
  std::atomic<int> fetches{0};
  bool fail = false;
  int64_t key_lifetime = kWeek;  // what the fake Azure grants, from the asked start

  // endpoint: public (spr=https) unless told otherwise; account_key: service SAS when set.
  explicit SignerRig(std::string endpoint = "https://mystorageacct.blob.core.windows.net",
                 std::string account_key = "") {
    AzureConfig config;
    config.account = endpoint.find("devstoreaccount1") != std::string::npos ? "devstoreaccount1"
                                                                            : "mystorageacct";
    config.endpoint = std::move(endpoint);
    config.account_key = std::move(account_key);
    auto c = AzureClient::Create(config, std::make_shared<FixedToken>(), clock);
    EXPECT_TRUE(c) << c.error().ToString();
    client = std::move(*c);
    auto keys = std::make_unique<DelegationKeyCache>(
        [this](int64_t start, int64_t) -> Result<UserDelegationKey> {
          ++fetches;
          if (fail) return Unexpected(MakeError(ErrorCode::kUnavailable, "StoreUnavailable", "x"));
          return TestKey(start, start + key_lifetime);
        },
        clock);
    auto s = AzureLinkSigner::Create(*client, std::move(keys), clock);
    EXPECT_TRUE(s) << s.error().ToString();
    signer = std::move(*s);
  }
};

QueryParams QueryOf(const std::string& url) {
  const size_t q = url.find('?');
  EXPECT_NE(q, std::string::npos) << url;
  auto parsed = QueryParams::Parse(url.substr(q + 1));
  EXPECT_TRUE(parsed) << url;
  return parsed ? *parsed : QueryParams();
}

std::string Get(const QueryParams& q, std::string_view name) {
  return std::string(q.Get(name).value_or("<absent>"));
}

TEST(AzureLinkSigner, UserDelegationLinkCarriesConsistentFields) {
  SignerRig s;
  auto link = s.signer->Sign("noisett-storage", "u-42/a b.jpg", kNow + 2 * kHour);
  ASSERT_TRUE(link) << link.error().ToString();
  EXPECT_EQ(link->expires_at, kNow + 2 * kHour);
  EXPECT_EQ(link->url.rfind(s.client->BlobUrl("noisett-storage", "u-42/a b.jpg") + "?", 0), 0u)
      << link->url;
  EXPECT_EQ(link->url.rfind("https://mystorageacct.blob.core.windows.net/noisett-storage/u-42/"
                            "a%20b.jpg?sv=",
                            0),
            0u)
      << link->url;
  const QueryParams q = QueryOf(link->url);
  EXPECT_EQ(Get(q, "sv"), kSasVersion);
  EXPECT_EQ(Get(q, "sp"), "r");
  EXPECT_EQ(Get(q, "sr"), "b");
  EXPECT_EQ(Get(q, "spr"), "https");
  EXPECT_EQ(Get(q, "st"), "<absent>");  // valid from signing; a start would change every call
  EXPECT_EQ(Get(q, "se"), SasTime(kNow + 2 * kHour));
  EXPECT_EQ(Get(q, "skoid"), "0f5b3c5e-2c6a-4b7a-9d61-6a1d2e3f4a5b");
  EXPECT_EQ(Get(q, "sktid"), "72f988bf-86f1-41af-91ab-2d7cd011db47");
  EXPECT_EQ(Get(q, "skt"), SasTime(kNow - 15 * 60));
  EXPECT_EQ(Get(q, "ske"), SasTime(kNow - 15 * 60 + kWeek));
  EXPECT_EQ(Get(q, "sks"), "b");
  EXPECT_EQ(Get(q, "skv"), "2025-11-05");
  // The Cache-Control Azure will serve lets no cache keep the image past the link's expiry.
  EXPECT_EQ(Get(q, "rscc"), "public, max-age=7200, immutable");
  EXPECT_EQ(Get(q, "sig").size(), 44u);
  EXPECT_EQ(q.entries().size(), 13u);  // no st
  EXPECT_EQ(s.fetches, 1);
  // Later links reuse the key.
  ASSERT_TRUE(s.signer->Sign("noisett-storage", "u-42/b.jpg", kNow + kHour));
  EXPECT_EQ(s.fetches, 1);
}

TEST(AzureLinkSigner, ExpiryCappedAtSevenDays) {
  SignerRig s;
  s.key_lifetime = 30 * 24 * kHour;  // a key that outlives the week: the week cap must act
  auto link = s.signer->Sign("noisett-storage", "u-42/a.jpg", kNow + 30 * 24 * kHour);
  ASSERT_TRUE(link) << link.error().ToString();
  EXPECT_EQ(link->expires_at, kNow + kMaxLinkLifetimeSeconds);
  const QueryParams q = QueryOf(link->url);
  EXPECT_EQ(Get(q, "se"), SasTime(kNow + kMaxLinkLifetimeSeconds));
  EXPECT_EQ(Get(q, "rscc"),
            "public, max-age=" + std::to_string(kMaxLinkLifetimeSeconds) + ", immutable");
}

TEST(AzureLinkSigner, ExpiryNeverPastTheDelegationKey) {
  SignerRig s;
  // A fresh key ends 15 minutes before a full week from now; the link must end with it.
  auto link = s.signer->Sign("noisett-storage", "u-42/a.jpg", kNow + kWeek);
  ASSERT_TRUE(link);
  const int64_t key_expiry = kNow - 15 * 60 + kWeek;
  EXPECT_EQ(link->expires_at, key_expiry);
  EXPECT_EQ(Get(QueryOf(link->url), "se"), SasTime(key_expiry));
  // Short-lived key (Azure may grant less than asked): links shrink to it, and rscc with them.
  SignerRig t;
  t.key_lifetime = 2 * kHour;  // ends at kNow + 1h45: inside its last hour already
  auto short_link = t.signer->Sign("noisett-storage", "u-42/a.jpg", kNow + 5 * kHour);
  ASSERT_TRUE(short_link);
  EXPECT_EQ(short_link->expires_at, kNow + kHour + 45 * 60);
  EXPECT_EQ(Get(QueryOf(short_link->url), "rscc"), "public, max-age=6300, immutable");
}

// Links in one bucket (BucketedLinkTerms) are the same URL byte for byte, rscc included: its
// max-age counts from the bucket's end, so a copy fetched at any moment the link is handed out is
// gone when the link expires. The next bucket's link differs, and still works for its lifetime.
TEST(AzureLinkSigner, TermsOfOneBucketGiveTheSameUrl) {
  for (const bool service_sas : {false, true}) {
    auto rig = service_sas ? std::make_unique<SignerRig>("http://127.0.0.1:10000/devstoreaccount1",
                                                         std::string(testing::kAzuriteKey))
                           : std::make_unique<SignerRig>();
    SignerRig& s = *rig;
    const LinkTerms terms = BucketedLinkTerms(kNow, 24 * kHour, kHour);
    auto first = s.signer->SignFor("noisett-storage", "u-42/a.jpg", terms);
    s.clock.Advance(3);
    auto again = s.signer->SignFor("noisett-storage", "u-42/a.jpg",
                                   BucketedLinkTerms(kNow + 3, 24 * kHour, kHour));
    ASSERT_TRUE(first && again);
    EXPECT_EQ(first->url, again->url) << service_sas;
    EXPECT_EQ(first->expires_at, terms.expires_at);
    // kNow is 12:25: the bucket ends at 13:00, the link a day later, cached for at most a day.
    EXPECT_EQ(Get(QueryOf(first->url), "se"), "2026-11-24T13:00:00Z");
    EXPECT_EQ(Get(QueryOf(first->url), "rscc"), "public, max-age=86400, immutable");
    s.clock.Advance(35 * 60);  // 13:00:03, the next bucket
    auto next = s.signer->SignFor("noisett-storage", "u-42/a.jpg",
                                  BucketedLinkTerms(kNow + 35 * 60 + 3, 24 * kHour, kHour));
    ASSERT_TRUE(next);
    EXPECT_NE(next->url, first->url);
    EXPECT_EQ(Get(QueryOf(next->url), "se"), "2026-11-24T14:00:00Z");
  }
}

TEST(AzureLinkSigner, LoopbackEndpointsAllowHttp) {
  SignerRig s("http://127.0.0.1:10000/devstoreaccount1");
  auto link = s.signer->Sign("noisett-storage", "u-42/a.jpg", kNow + kHour);
  ASSERT_TRUE(link);
  EXPECT_EQ(link->url.rfind("http://127.0.0.1:10000/devstoreaccount1/noisett-storage/u-42/a.jpg?",
                            0),
            0u)
      << link->url;
  EXPECT_EQ(Get(QueryOf(link->url), "spr"), "https,http");
  SignerRig pub("https://mystorageacct.blob.core.windows.net");
  EXPECT_EQ(Get(QueryOf(pub.signer->Sign("noisett-storage", "a.jpg", kNow + kHour)->url), "spr"),
            "https");
}

TEST(AzureLinkSigner, RefusesBadTargetsAndExpiriesBeforeAskingForAKey) {
  SignerRig s;
  const std::pair<const char*, const char*> bad[] = {
      {"Bad_Container", "link_bad_container"}, {"ab", "link_bad_container"},
      {"a--b", "link_bad_container"},          {"noisett-storage/x", "link_bad_container"},
  };
  for (const auto& [container, reason] : bad) {
    auto r = s.signer->Sign(container, "a.jpg", kNow + kHour);
    ASSERT_FALSE(r) << container;
    EXPECT_EQ(r.error().reason, reason);
  }
  for (const char* path : {"", "../secret", "a//b.jpg", "a/./b", "a\\b", "a\nb", "/abs"}) {
    auto r = s.signer->Sign("noisett-storage", path, kNow + kHour);
    ASSERT_FALSE(r) << path;
    EXPECT_EQ(r.error().reason, "link_bad_path") << path;
  }
  for (int64_t when : {kNow, kNow - 1, int64_t{0}}) {
    auto r = s.signer->Sign("noisett-storage", "a.jpg", when);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().reason, "link_bad_expiry");
  }
  EXPECT_EQ(s.fetches, 0);
}

TEST(AzureLinkSigner, KeyFetchFailureIsTheError) {
  SignerRig s;
  s.fail = true;
  auto r = s.signer->Sign("noisett-storage", "a.jpg", kNow + kHour);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(r.error().reason, "StoreUnavailable");
}

TEST(AzureLinkSigner, BearerStoreNeedsDelegationKeys) {
  ManualClock clock(kNow);
  AzureConfig config;
  config.account = "mystorageacct";
  config.endpoint = "https://mystorageacct.blob.core.windows.net";
  auto client = AzureClient::Create(config, std::make_shared<FixedToken>(), clock);
  ASSERT_TRUE(client);
  auto signer = AzureLinkSigner::Create(**client, nullptr, clock);
  ASSERT_FALSE(signer);
  EXPECT_EQ(signer.error().reason, "azure_no_delegation_keys");
}

TEST(AzureLinkSigner, AccountKeySignsAServiceSas) {
  SignerRig s("http://127.0.0.1:10000/devstoreaccount1", testing::kAzuriteKey);
  auto link = s.signer->Sign("noisett-storage", "u-42/a.jpg", kNow + kHour);
  ASSERT_TRUE(link);
  const QueryParams q = QueryOf(link->url);
  EXPECT_EQ(q.Count("skoid"), 0u);
  EXPECT_EQ(Get(q, "sp"), "r");
  EXPECT_EQ(Get(q, "se"), SasTime(kNow + kHour));
  EXPECT_EQ(Get(q, "rscc"), "public, max-age=3600, immutable");
  EXPECT_EQ(s.fetches, 0);  // no delegation key with an account key
}

// What the signer sends equals what the official SDK makes of the same inputs.
TEST(AzureLinkSigner, EqualsTheOfficialSdk) {
  SignerRig ud;
  SignerRig local("http://127.0.0.1:10000/devstoreaccount1");
  SignerRig service("http://127.0.0.1:10000/devstoreaccount1", testing::kAzuriteKey);
  std::vector<testing::SasOracleCase> cases;
  std::vector<std::string> urls;
  auto add = [&](SignerRig& s, const std::string& blob, int64_t expires_at) {
    auto link = s.signer->Sign("noisett-storage", blob, expires_at);
    ASSERT_TRUE(link) << link.error().ToString();
    urls.push_back(link->url);
    testing::SasOracleCase c;
    c.fields.account = s.client->config().account;
    c.fields.container = "noisett-storage";
    c.fields.blob = blob;
    c.fields.start = 0;
    c.fields.expiry = link->expires_at;
    c.fields.protocol = s.client->config().loopback() ? "https,http" : "https";
    c.fields.version = kSasVersion;
    c.fields.cache_control = CacheControlFor(link->expires_at, kNow);
    if (s.client->uses_shared_key()) {
      c.account_key = s.client->config().account_key;
    } else {
      c.key = TestKey(kNow - 15 * 60, kNow - 15 * 60 + s.key_lifetime);
    }
    cases.push_back(std::move(c));
  };
  add(ud, "u-42/photo.jpg", kNow + kHour);
  add(ud, "u-42/a b/ünï – 写真 (1).webp", kNow + 30 * 24 * kHour);
  add(local, "u-42/thumb 256.jpg", kNow + 3 * kHour);
  add(service, "u-42/it's+100%.png", kNow + kWeek);
  const auto oracle = testing::RunSasOracle(cases);
  ASSERT_TRUE(oracle.error.empty()) << oracle.error;
  for (size_t i = 0; i < cases.size(); ++i) {
    EXPECT_EQ(urls[i].substr(urls[i].find('?') + 1), oracle.queries[i]) << "case " << i;
  }
}

}  // namespace
}  // namespace noisett::storage::azure
