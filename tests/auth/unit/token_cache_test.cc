// TokenCache: hits until expiry, a hard size bound, no collisions, and safe concurrent use.
#include "auth/token_cache.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "auth/crypto.h"

namespace noisett::auth {
namespace {

User UserNamed(const std::string& id) {
  User user;
  user.user_id = id;
  user.roles = {"r-" + id};
  return user;
}

std::string TokenNumber(size_t i) { return "header.payload-" + std::to_string(i) + ".signature"; }

TEST(TokenCacheTest, HitBeforeExpiryMissAtAndAfter) {
  TokenCache cache(100);
  cache.Insert("tok", UserNamed("alice"), 1000);
  const auto hit = cache.Find("tok", 999);
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(hit->user_id, "alice");
  EXPECT_EQ(hit->roles, std::vector<std::string>{"r-alice"});
  EXPECT_TRUE(cache.Find("tok", 0).has_value());
  EXPECT_FALSE(cache.Find("tok", 1000).has_value());
  EXPECT_FALSE(cache.Find("tok", 1001).has_value());
}

TEST(TokenCacheTest, AnExpiredEntryDoesNotComeBackWhenTheClockGoesBack) {
  TokenCache cache(100);
  cache.Insert("tok", UserNamed("alice"), 1000);
  EXPECT_FALSE(cache.Find("tok", 2000).has_value());
  // Expired entries are dropped on sight; size shows it.
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_FALSE(cache.Find("tok", 10).has_value());
}

TEST(TokenCacheTest, MissForUnknownTokens) {
  TokenCache cache(100);
  EXPECT_FALSE(cache.Find("never-inserted", 0).has_value());
  cache.Insert("tok", UserNamed("alice"), 1000);
  EXPECT_FALSE(cache.Find("tok2", 0).has_value());
  EXPECT_FALSE(cache.Find("to", 0).has_value());
  EXPECT_FALSE(cache.Find("", 0).has_value());
}

TEST(TokenCacheTest, ReinsertUpdatesInPlace) {
  TokenCache cache(100);
  cache.Insert("tok", UserNamed("alice"), 1000);
  cache.Insert("tok", UserNamed("alice"), 5000);
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_TRUE(cache.Find("tok", 4000).has_value());
}

TEST(TokenCacheTest, DistinctTokensDoNotCollide) {
  TokenCache cache(10000);
  constexpr size_t kCount = 2000;
  for (size_t i = 0; i < kCount; ++i) cache.Insert(TokenNumber(i), UserNamed(std::to_string(i)), 1000);
  EXPECT_EQ(cache.size(), kCount);
  for (size_t i = 0; i < kCount; ++i) {
    const auto hit = cache.Find(TokenNumber(i), 0);
    ASSERT_TRUE(hit.has_value()) << i;
    EXPECT_EQ(hit->user_id, std::to_string(i));
  }
}

class TokenCacheCapacityTest : public ::testing::TestWithParam<size_t> {};

TEST_P(TokenCacheCapacityTest, SizeNeverExceedsCapacity) {
  const size_t capacity = GetParam();
  TokenCache cache(capacity);
  for (size_t i = 0; i < 10 * capacity; ++i) {
    cache.Insert(TokenNumber(i), UserNamed(std::to_string(i)), 1000);
    ASSERT_LE(cache.size(), capacity) << "after " << i + 1 << " inserts";
  }
  // Still useful when full: the newest token is there.
  EXPECT_TRUE(cache.Find(TokenNumber(10 * capacity - 1), 0).has_value());
}

INSTANTIATE_TEST_SUITE_P(Capacities, TokenCacheCapacityTest,
                         ::testing::Values(size_t{1}, size_t{10}, size_t{16}, size_t{100},
                                           size_t{1000}));

TEST(TokenCacheTest, ExpiredEntriesDoNotPinMemory) {
  // Tokens inserted and then found expired, over and over: the bookkeeping must stay bounded.
  TokenCache cache(64);
  for (size_t i = 0; i < 20000; ++i) {
    cache.Insert(TokenNumber(i), UserNamed("u"), 10);
    EXPECT_FALSE(cache.Find(TokenNumber(i), 20).has_value());
  }
  EXPECT_EQ(cache.size(), 0u);
  cache.Insert("fresh", UserNamed("f"), 1000);
  EXPECT_TRUE(cache.Find("fresh", 0).has_value());
}

TEST(TokenCacheTest, ConcurrentFindAndInsertAreConsistent) {
  // 8 threads over a shared token space larger than the cache, so inserts, hits, misses and
  // evictions all race. Run under ASan/UBSan in the Sanitize build; a hit must always return
  // the user inserted for that very token.
  TokenCache cache(256);
  constexpr size_t kThreads = 8;
  constexpr size_t kTokens = 1024;
  constexpr size_t kRounds = 20000;
  std::atomic<size_t> hits{0};
  std::atomic<size_t> wrong{0};
  std::vector<std::thread> threads;
  for (size_t t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (size_t i = 0; i < kRounds; ++i) {
        const size_t n = (i * 7919 + t * 104729) % kTokens;
        const std::string token = TokenNumber(n);
        if (auto hit = cache.Find(token, 0)) {
          ++hits;
          if (hit->user_id != std::to_string(n)) ++wrong;
        } else {
          cache.Insert(token, UserNamed(std::to_string(n)), 1000);
        }
        if (i % 1000 == 0) (void)cache.size();
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0u);
  EXPECT_GT(hits.load(), 0u);
  EXPECT_LE(cache.size(), 256u);
}

// The key Validate derives in one pass with the signing input's digest is still SHA-256 of the
// WHOLE token (KeyOf's definition), so any changed byte, signature included, is another key: a
// forged signature on a cached token's header and payload can never hit its entry.
TEST(TokenCacheTest, KeyWithSigningInputDigestKeysTheWholeToken) {
  const std::string token = "eyJhbGciOiJSUzI1NiJ9.eyJvaWQiOiJhZGEifQ.c2lnbmF0dXJlLWJ5dGVz";
  const std::string signing_input = token.substr(0, token.rfind('.'));
  const auto keyed = TokenCache::KeyWithSigningInputDigest(token);
  EXPECT_EQ(keyed.key, TokenCache::KeyOf(token));
  EXPECT_EQ(keyed.key, crypto::Sha256(token));
  EXPECT_EQ(keyed.signing_input_size, signing_input.size());
  EXPECT_EQ(keyed.signing_input_sha256, crypto::Sha256(signing_input));

  std::string other_signature = token;
  other_signature.back() = other_signature.back() == 'z' ? 'y' : 'z';
  const auto forged = TokenCache::KeyWithSigningInputDigest(other_signature);
  EXPECT_NE(forged.key, keyed.key);
  EXPECT_EQ(forged.signing_input_sha256, keyed.signing_input_sha256);

  std::string other_payload = token;
  other_payload[signing_input.size() - 1] = 'X';
  const auto changed = TokenCache::KeyWithSigningInputDigest(other_payload);
  EXPECT_NE(changed.key, keyed.key);
  EXPECT_NE(changed.signing_input_sha256, keyed.signing_input_sha256);

  // Every single-byte change anywhere in the token moves the key.
  for (size_t i = 0; i < token.size(); ++i) {
    std::string mutated = token;
    mutated[i] = char(mutated[i] ^ 1);
    EXPECT_NE(TokenCache::KeyWithSigningInputDigest(mutated).key, keyed.key) << i;
  }
}

TEST(TokenCacheTest, SigningInputEndsAtTheSecondDot) {
  // Fewer than two dots: no signing input apart from the whole text (the parser refuses these).
  for (const std::string text : {"", "nodots", "one.dot"}) {
    const auto keyed = TokenCache::KeyWithSigningInputDigest(text);
    EXPECT_EQ(keyed.signing_input_size, text.size()) << text;
    EXPECT_EQ(keyed.signing_input_sha256, crypto::Sha256(text)) << text;
    EXPECT_EQ(keyed.key, crypto::Sha256(text)) << text;
  }
  const auto extra = TokenCache::KeyWithSigningInputDigest("a.b.c.d");
  EXPECT_EQ(extra.signing_input_size, 3u);
  EXPECT_EQ(extra.signing_input_sha256, crypto::Sha256("a.b"));
  EXPECT_EQ(extra.key, crypto::Sha256("a.b.c.d"));
}

}  // namespace
}  // namespace noisett::auth
