// The OpenSSL adapter against published vectors: RFC 4231 (HMAC-SHA256) and RFC 4648 (base64),
// plus the strictness the link verifier relies on.
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

TEST(Base64Test, Rfc4648Vectors) {
  const std::pair<const char*, const char*> vectors[] = {{"", ""},
                                                         {"f", "Zg=="},
                                                         {"fo", "Zm8="},
                                                         {"foo", "Zm9v"},
                                                         {"foob", "Zm9vYg=="},
                                                         {"fooba", "Zm9vYmE="},
                                                         {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(Base64Encode(plain), encoded);
    auto decoded = Base64Decode(encoded);
    ASSERT_TRUE(decoded) << encoded;
    EXPECT_EQ(*decoded, plain);
  }
}

TEST(Base64Test, StandardAlphabetRoundTrip) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  const std::string encoded = Base64Encode(all);
  EXPECT_NE(encoded.find('+'), std::string::npos);
  EXPECT_NE(encoded.find('/'), std::string::npos);
  auto decoded = Base64Decode(encoded);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(*decoded, all);
}

TEST(Base64Test, RefusesEverythingButTheCanonicalForm) {
  for (const char* bad : {"Zg", "Zg=", "Zm9", "Z===", "====", "Zg==Zg==", "Zm9v\n", " Zm9v", "Zm-v",
                          "Zm_v", "Zh==", "Zm9=", "Zm8=Zm8=", "Zm8A=", "Z=g="}) {
    auto r = Base64Decode(bad);
    EXPECT_FALSE(r) << "'" << bad << "' decoded";
    if (!r) {
      EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
      EXPECT_EQ(r.error().reason, "bad_base64");
    }
  }
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
