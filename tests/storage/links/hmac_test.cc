// The OpenSSL adapter against published vectors: RFC 4231 (HMAC-SHA256), plus the constant-time
// comparison and CSPRNG the link verifier relies on. Base64 is tested with core/base64.h.
#include "storage/hmac.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace noisett::storage::crypto {
namespace {

std::string ToHex(const std::string& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 0xF]);
  }
  return out;
}

std::string Mac(const std::string& key, const std::string& data) {
  auto mac = HmacSha256(key, data);
  EXPECT_TRUE(mac);
  return mac ? ToHex(*mac) : "";
}

TEST(HmacSha256Test, Rfc4231Vectors) {
  EXPECT_EQ(Mac(std::string(20, '\x0b'), "Hi There"),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(Mac("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // A key longer than the block size is hashed first.
  EXPECT_EQ(Mac(std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First"),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(HmacSha256Test, EmptyKeyAndDataAreFine) {
  auto mac = HmacSha256("", "");
  ASSERT_TRUE(mac);
  EXPECT_EQ(mac->size(), kHmacSha256Bytes);
}

// Keyed contexts are cached per thread (four keys): cycling through more keys than that, with
// prefixes of one another, repeats and interleaved calls, must always give the vectors' answers.
TEST(HmacSha256Test, CachedContextsNeverMixKeys) {
  const std::string jefe = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
  const std::string there = "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7";
  std::vector<std::string> keys = {"k1", "k2", "k3", "k4", "k5", "k", "k1x"};
  for (int round = 0; round < 3; ++round) {
    for (const std::string& key : keys) {
      const std::string first = Mac(key, "data");
      EXPECT_EQ(Mac("Jefe", "what do ya want for nothing?"), jefe);
      EXPECT_EQ(Mac(key, "data"), first) << key;
      EXPECT_EQ(Mac(std::string(20, '\x0b'), "Hi There"), there);
    }
  }
  EXPECT_NE(Mac("k1", "data"), Mac("k1x", "data"));
  EXPECT_NE(Mac("k", "data"), Mac("k1", "data"));
}

TEST(HmacSha256Test, ThreadsEachGetTheRightMac) {
  const std::string jefe = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 500; ++i) {
        if (Mac("Jefe", "what do ya want for nothing?") != jefe) ++wrong;
        (void)HmacSha256("other-" + std::to_string((t + i) % 6), "x");
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST(ConstantTimeEqualTest, ComparesContentAndLength) {
  EXPECT_TRUE(ConstantTimeEqual("", ""));
  EXPECT_TRUE(ConstantTimeEqual("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEqual("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEqual("abc", "ab"));
  EXPECT_FALSE(ConstantTimeEqual("", "a"));
  EXPECT_TRUE(ConstantTimeEqual(std::string("a\0b", 3), std::string("a\0b", 3)));
  EXPECT_FALSE(ConstantTimeEqual(std::string("a\0b", 3), std::string("a\0c", 3)));
}

TEST(RandomBytesTest, GivesFreshBytesOfTheAskedLength) {
  auto a = RandomBytes(32);
  auto b = RandomBytes(32);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->size(), 32u);
  EXPECT_NE(*a, *b);
  auto none = RandomBytes(0);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
}

}  // namespace
}  // namespace noisett::storage::crypto
