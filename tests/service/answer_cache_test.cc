// AnswerCache: an answer is found only under the stamp it was stored with; a
// newer answer replaces an older one under its key and not the other way round;
// the bytes held never pass the bound, the least recently used answers going
// first; and many threads storing and finding at once get back only what was
// stored under the stamp they asked for.
#include "service/answer_cache.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace noisett::service {
namespace {

SharedText Text(std::string text) { return std::make_shared<const std::string>(std::move(text)); }

TEST(AnswerCacheTest, FoundOnlyUnderItsStamp) {
  AnswerCache cache(1 << 20);
  cache.Store("history alice 50 ", {7, 1000}, Text("page v7"));
  SharedText found = cache.Find("history alice 50 ", {7, 1000});
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(*found, "page v7");
  EXPECT_EQ(cache.Find("history alice 50 ", {8, 1000}),
            nullptr);  // the user wrote since
  EXPECT_EQ(cache.Find("history alice 50 ", {7, 4600}),
            nullptr);  // the next link bucket
  EXPECT_EQ(cache.Find("history alice 50 x", {7, 1000}), nullptr);
}

TEST(AnswerCacheTest, NewerReplacesOlderButNotTheOtherWayRound) {
  AnswerCache cache(1 << 20);
  cache.Store("k", {1, 1000}, Text("v1"));
  cache.Store("k", {2, 1000}, Text("v2"));
  EXPECT_EQ(cache.Find("k", {1, 1000}), nullptr);
  ASSERT_NE(cache.Find("k", {2, 1000}), nullptr);
  // A slow builder that read version 1 finishes last: the newer answer stays.
  cache.Store("k", {1, 1000}, Text("v1 late"));
  ASSERT_NE(cache.Find("k", {2, 1000}), nullptr);
  EXPECT_EQ(*cache.Find("k", {2, 1000}), "v2");
  cache.Store("k", {2, 4600}, Text("v2 next bucket"));
  EXPECT_EQ(*cache.Find("k", {2, 4600}), "v2 next bucket");
  EXPECT_EQ(cache.size(), 1u);
}

TEST(AnswerCacheTest, StaysWithinItsBoundDroppingTheLeastRecentlyUsed) {
  constexpr size_t kBound = 256 << 10;
  AnswerCache cache(kBound);
  const std::string body(4000, 'x');
  std::vector<std::string> keys;
  for (int i = 0; i < 400; ++i) {
    keys.push_back("history user-" + std::to_string(i) + " 50 ");
    cache.Store(keys.back(), {1, 1000}, Text(body));
    // Keep the first key in use: it must outlive everything stored after it.
    ASSERT_NE(cache.Find(keys[0], {1, 1000}), nullptr) << "after " << i;
    ASSERT_LE(cache.bytes(), kBound);
  }
  EXPECT_LT(cache.size(), 400u);
  EXPECT_GT(cache.bytes(), kBound / 2);  // the bound is used, not wasted
  EXPECT_NE(cache.Find(keys.back(), {1, 1000}), nullptr);
  EXPECT_EQ(cache.Find(keys[1], {1, 1000}),
            nullptr);  // the least recently used went
}

TEST(AnswerCacheTest, AnAnswerLargerThanAShardsShareIsNotKept) {
  AnswerCache cache(64 << 10);  // 8 KiB per shard
  cache.Store("big", {1, 1}, Text(std::string(9000, 'x')));
  EXPECT_EQ(cache.Find("big", {1, 1}), nullptr);
  EXPECT_EQ(cache.bytes(), 0u);
  cache.Store("small", {1, 1}, Text(std::string(2000, 'x')));
  EXPECT_NE(cache.Find("small", {1, 1}), nullptr);
}

TEST(AnswerCacheTest, ZeroKeepsNothing) {
  AnswerCache cache(0);
  cache.Store("k", {1, 1}, Text("v"));
  EXPECT_EQ(cache.Find("k", {1, 1}), nullptr);
  EXPECT_EQ(cache.size(), 0u);
}

// A text found stays whole even when the cache drops it meanwhile (the HTTP
// layer is still sending it).
TEST(AnswerCacheTest, FoundTextOutlivesItsEntry) {
  AnswerCache cache(64 << 10);
  cache.Store("k", {1, 1}, Text(std::string(3000, 'a')));
  SharedText held = cache.Find("k", {1, 1});
  ASSERT_NE(held, nullptr);
  for (int i = 0; i < 100; ++i)
    cache.Store("k" + std::to_string(i), {1, 1}, Text(std::string(3000, 'b')));
  cache.Store("k", {2, 1}, Text("newer"));
  EXPECT_EQ(*held, std::string(3000, 'a'));
}

// Threads store and find over a small key space at once: each text names its
// key and stamp, so an answer found under the wrong stamp or torn shows; the
// bound holds throughout.
TEST(AnswerCacheTest, ConcurrentStoresAndFindsGetWhatWasStoredUnderTheirStamp) {
  constexpr size_t kBound = 128 << 10;
  AnswerCache cache(kBound);
  std::atomic<int> wrong{0};
  std::atomic<int> over{0};
  std::atomic<int> found{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      uint32_t state = 977u * static_cast<uint32_t>(t + 1);
      auto next = [&state](uint32_t n) {
        state = state * 1103515245u + 12345u;
        return (state >> 8) % n;
      };
      for (int i = 0; i < 4000; ++i) {
        const std::string key = "k" + std::to_string(next(64));
        const AnswerStamp stamp{static_cast<int64_t>(next(4)),
                                1000 + static_cast<int64_t>(next(2))};
        const std::string expect = key + "@" + std::to_string(stamp.version) + "/" +
                                   std::to_string(stamp.term_end) + std::string(next(3000), '.');
        if (next(2) == 0) {
          cache.Store(key, stamp, Text(expect));
        } else if (SharedText text = cache.Find(key, stamp)) {
          ++found;
          const std::string head =
              key + "@" + std::to_string(stamp.version) + "/" + std::to_string(stamp.term_end);
          if (text->compare(0, head.size(), head) != 0 ||
              text->find_first_not_of('.', head.size()) != std::string::npos) {
            ++wrong;
          }
        }
        if (cache.bytes() > kBound) ++over;
      }
    });
  }
  for (std::thread &thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(over.load(), 0);
  EXPECT_GT(found.load(), 0);
}

}  // namespace
}  // namespace noisett::service
