// Shared Key signing: a known-answer vector whose string-to-sign was written out by hand from
// Microsoft's "Authorize with Shared Key" and whose signature was computed with the openssl CLI
// and node's crypto (both agree), plus a runtime cross-check of the HMAC against openssl, so no
// expected value here comes from our own code.
#include "storage/azure/shared_key.h"

#include <gtest/gtest.h>

#include <string>

#include "core/base64.h"
#include "storage/azure/azure_client.h"
#include "support/subprocess.h"

namespace noisett::storage::azure {
namespace {

constexpr char kDevKey[] =
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

std::string DevKeyBytes() {
  auto key = Base64Decode(kDevKey);
  EXPECT_TRUE(key);
  return key ? *key : "";
}

// The vector's request: a path-style Put Blob with metadata, a precondition and a query whose
// names differ in case and repeat. User-Agent is there to show that only the listed standard
// headers and x-ms-* are signed.
HeaderList VectorHeaders() {
  return {{"Content-Type", "image/jpeg"},    {"Content-Length", "5"},
          {"If-Match", "\"0x8DCB\""},        {"x-ms-version", "2025-11-05"},
          {"X-MS-Blob-Type", "BlockBlob"},   {"x-ms-date", "Tue, 05 Nov 2024 08:09:10 GMT"},
          {"x-ms-meta-a", "  spaced out  "}, {"User-Agent", "noisett"}};
}

constexpr char kVectorStringToSign[] =
    "PUT\n"
    "\n"            // Content-Encoding
    "\n"            // Content-Language
    "5\n"           // Content-Length
    "\n"            // Content-MD5
    "image/jpeg\n"  // Content-Type
    "\n"            // Date: empty, x-ms-date is sent
    "\n"            // If-Modified-Since
    "\"0x8DCB\"\n"  // If-Match
    "\n"            // If-None-Match
    "\n"            // If-Unmodified-Since
    "\n"            // Range
    "x-ms-blob-type:BlockBlob\n"
    "x-ms-date:Tue, 05 Nov 2024 08:09:10 GMT\n"
    "x-ms-meta-a:spaced out\n"
    "x-ms-version:2025-11-05\n"
    "/devstoreaccount1/devstoreaccount1/images/a%20b.jpg\n"
    "b:1,2\n"
    "comp:tags";

// HMAC-SHA256 of kVectorStringToSign under the decoded development key, from
// `openssl dgst -sha256 -mac HMAC -macopt hexkey:... -binary | base64` and node's
// crypto.createHmac (identical).
constexpr char kVectorSignature[] = "y1/OHdnpeLOCm7NQE6iycpWnG9958xKm5WhXdtX76jk=";

TEST(SharedKeyTest, KnownAnswerStringToSign) {
  const std::string to_sign =
      SharedKeyStringToSign("PUT", "devstoreaccount1", "/devstoreaccount1/images/a%20b.jpg",
                            {{"Comp", "tags"}, {"b", "2"}, {"b", "1"}}, VectorHeaders());
  EXPECT_EQ(to_sign, kVectorStringToSign);
}

TEST(SharedKeyTest, KnownAnswerSignature) {
  auto header = SharedKeyAuthorization("devstoreaccount1", DevKeyBytes(), kVectorStringToSign);
  ASSERT_TRUE(header) << header.error().ToString();
  EXPECT_EQ(*header, std::string("SharedKey devstoreaccount1:") + kVectorSignature);
}

TEST(SharedKeyTest, ZeroLengthAndDateRules) {
  // Content-Length 0 signs as empty (version 2015-02-21+); Date is signed only without x-ms-date.
  const std::string with_date = SharedKeyStringToSign(
      "PUT", "acct", "/c/b", {},
      {{"content-length", "0"}, {"Date", "Tue, 05 Nov 2024 08:09:10 GMT"}, {"Range", "bytes=0-9"}});
  EXPECT_EQ(with_date,
            "PUT\n\n\n\n\n\nTue, 05 Nov 2024 08:09:10 GMT\n\n\n\n\nbytes=0-9\n/acct/c/b");
  const std::string with_ms_date = SharedKeyStringToSign(
      "GET", "acct", "/", {{"comp", "list"}},
      {{"Date", "Tue, 05 Nov 2024 08:09:10 GMT"}, {"x-ms-date", "Wed, 06 Nov 2024 00:00:00 GMT"}});
  EXPECT_EQ(
      with_ms_date,
      "GET\n\n\n\n\n\n\n\n\n\n\n\nx-ms-date:Wed, 06 Nov 2024 00:00:00 GMT\n/acct/\ncomp:list");
}

// The HMAC and base64 of SharedKeyAuthorization against the openssl CLI, for awkward inputs.
TEST(SharedKeyTest, SignatureMatchesOpenssl) {
  const std::string key = DevKeyBytes();
  std::string hex_key;
  static constexpr char kHex[] = "0123456789abcdef";
  for (unsigned char c : key) {
    hex_key += kHex[c >> 4];
    hex_key += kHex[c & 15];
  }
  for (const std::string& to_sign :
       {std::string(), std::string("GET\n\n\n\n"), std::string("\xC3\xBC\x00z", 4),
        std::string(kVectorStringToSign)}) {
    testing::ProcessOptions options;
    options.stdin_text = to_sign;
    const auto run = testing::RunProcess(
        {"/usr/bin/openssl", "dgst", "-sha256", "-mac", "HMAC", "-macopt", "hexkey:" + hex_key},
        options);
    ASSERT_EQ(run.status, 0) << run.err;
    const size_t eq = run.out.find("= ");
    ASSERT_NE(eq, std::string::npos) << run.out;
    const std::string expected_hex = run.out.substr(eq + 2, 64);

    auto header = SharedKeyAuthorization("acct", key, to_sign);
    ASSERT_TRUE(header);
    auto mac = Base64Decode(header->substr(std::string("SharedKey acct:").size()));
    ASSERT_TRUE(mac);
    std::string actual_hex;
    for (unsigned char c : *mac) {
      actual_hex += kHex[c >> 4];
      actual_hex += kHex[c & 15];
    }
    EXPECT_EQ(actual_hex, expected_hex);
  }
}

}  // namespace
}  // namespace noisett::storage::azure
