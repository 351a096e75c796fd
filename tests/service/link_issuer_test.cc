// LinkIssuer: links in one bucket are signed once and handed out the same, byte for byte, from
// the cache; the next bucket signs again; a link the signer cut short is never kept (a newer key
// may give a longer one); with buckets off every call signs. The signer is the real local one,
// counted.
#include "service/links.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>

#include "core/clock.h"
#include "storage/link_keys.h"
#include "storage/link_signer.h"

namespace noisett::service {
namespace {

constexpr int64_t kNow = 1795436700;  // 2026-11-23T12:25:00Z
constexpr int64_t kHour = 3600;
constexpr int64_t kDay = 24 * kHour;

// The local signer, counting its calls; `cut_to` > 0 makes it end every link there instead (as
// an Azure delegation key expiring first would).
class CountingSigner final : public storage::LinkSigner {
 public:
  explicit CountingSigner(const Clock& clock) {
    auto keys = storage::ParseLinkKeys("k1:YS1zZWNyZXQtZm9yLXRoZS1saW5rLWlzc3Vlci10ZXN0LW9mLTQwYg==");
    EXPECT_TRUE(keys) << keys.error().ToString();
    auto signer = storage::LocalLinkSigner::Create("https://noisett.example.com", *keys, clock);
    EXPECT_TRUE(signer) << signer.error().ToString();
    inner_ = std::move(*signer);
  }
  Result<storage::SignedLink> SignFor(std::string_view container, std::string_view blob_path,
                                      const storage::LinkTerms& terms) override {
    ++calls;
    storage::LinkTerms asked = terms;
    if (cut_to > 0) asked.expires_at = std::min(asked.expires_at, cut_to);
    return inner_->SignFor(container, blob_path, asked);
  }
  std::atomic<int> calls{0};
  int64_t cut_to = 0;

 private:
  std::unique_ptr<storage::LocalLinkSigner> inner_;
};

struct Rig {
  explicit Rig(int64_t bucket_s, std::string cdn = "")
      : signer(clock), links(signer, "noisett-storage", std::move(cdn), clock, kDay, bucket_s) {}
  ManualClock clock{kNow};
  CountingSigner signer;
  LinkIssuer links;
};

TEST(LinkIssuerTest, OneBucketSignsEachBlobOnceAndHandsOutTheSameLinks) {
  Rig r(kHour, "https://cdn.example.com");
  auto a = r.links.ForListing("u/alice/1/image_0.jpg");
  auto b = r.links.ForListing("u/alice/1/thumb_0.jpg");
  r.clock.Advance(1000);
  auto a_again = r.links.ForListing("u/alice/1/image_0.jpg");
  ASSERT_TRUE(a && b && a_again);
  EXPECT_EQ(r.signer.calls, 2);
  EXPECT_EQ(a_again->url, a->url);
  EXPECT_EQ(a_again->cdn_url(), a->cdn_url());
  EXPECT_EQ(a->expires_at, "2026-11-24T13:00:00Z");  // the bucket's end (13:00) plus a day
  EXPECT_NE(a->url, b->url);
  // Another lifetime is other terms: signed on its own.
  auto short_link = r.links.Issue("u/alice/1/image_0.jpg", kHour);
  ASSERT_TRUE(short_link);
  EXPECT_EQ(short_link->expires_at, "2026-11-23T14:00:00Z");
  EXPECT_EQ(r.signer.calls, 3);
  // 13:00:00 is the next bucket: signed again, a different link.
  r.clock.Set(kNow + 35 * 60);
  auto next = r.links.ForListing("u/alice/1/image_0.jpg");
  ASSERT_TRUE(next);
  EXPECT_EQ(r.signer.calls, 4);
  EXPECT_NE(next->url, a->url);
  EXPECT_EQ(next->expires_at, "2026-11-24T14:00:00Z");
}

TEST(LinkIssuerTest, ALinkTheSignerCutShortIsNotKept) {
  Rig r(kHour);
  r.signer.cut_to = kNow + 2 * kHour;
  auto first = r.links.ForListing("u/alice/1/image_0.jpg");
  auto second = r.links.ForListing("u/alice/1/image_0.jpg");
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->expires_at, "2026-11-23T14:25:00Z");
  EXPECT_EQ(r.signer.calls, 2);
  r.signer.cut_to = 0;  // a newer key: the whole lifetime again
  auto whole = r.links.ForListing("u/alice/1/image_0.jpg");
  ASSERT_TRUE(whole);
  EXPECT_EQ(whole->expires_at, "2026-11-24T13:00:00Z");
}

TEST(LinkIssuerTest, WithoutBucketsEveryCallSignsFromNow) {
  Rig r(0);
  auto first = r.links.ForListing("u/alice/1/image_0.jpg");
  r.clock.Advance(3);
  auto later = r.links.ForListing("u/alice/1/image_0.jpg");
  ASSERT_TRUE(first && later);
  EXPECT_EQ(r.signer.calls, 2);
  EXPECT_EQ(first->expires_at, "2026-11-24T12:25:00Z");
  EXPECT_EQ(later->expires_at, "2026-11-24T12:25:03Z");
  EXPECT_NE(first->url, later->url);
}

TEST(LinkIssuerTest, SignerRefusalsAreNotCached) {
  Rig r(kHour);
  auto bad = r.links.ForListing("../etc/passwd");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().reason, "link_bad_path");
  EXPECT_FALSE(r.links.ForListing("../etc/passwd"));
  EXPECT_EQ(r.signer.calls, 2);
}

TEST(LinkCacheTest, BoundedDropsTheLeastRecentlyUsedAndKeysOnTheExpiry) {
  LinkCache<std::string> cache(16);  // one entry per shard
  for (int i = 0; i < 200; ++i) cache.Store("p" + std::to_string(i), 100, "link" + std::to_string(i));
  EXPECT_LE(cache.size(), 16u);
  cache.Store("p", 100, "old terms");
  EXPECT_EQ(cache.Find("p", 100).value_or(""), "old terms");
  EXPECT_FALSE(cache.Find("p", 200)) << "another expiry is another link";
  cache.Store("p", 100, "replaced");
  EXPECT_EQ(cache.Find("p", 100).value_or(""), "replaced");
}

}  // namespace
}  // namespace noisett::service
