// SAS query strings: known-answer strings-to-sign (every layout's line count, empty lines kept),
// and byte-for-byte equality with the official @azure/storage-blob SDK (sas_oracle.mjs) for
// service and user delegation SAS across versions, protocols, rscc and awkward blob names.
#include "storage/azure/azure_sas.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "storage/azure/sas_oracle.h"
#include "support/azurite.h"

namespace noisett::storage::azure {
namespace {

using testing::RunSasOracle;
using testing::SasOracleCase;

constexpr int64_t kStart = 1795436700;   // 2026-11-23T12:25:00Z
constexpr int64_t kExpiry = kStart + 86400;  // a day later

UserDelegationKey TestKey() {
  UserDelegationKey k;
  k.signed_oid = "0f5b3c5e-2c6a-4b7a-9d61-6a1d2e3f4a5b";
  k.signed_tid = "72f988bf-86f1-41af-91ab-2d7cd011db47";
  k.signed_start = "2026-11-23T12:10:00Z";
  k.signed_expiry = "2026-11-30T12:10:00Z";
  k.signed_service = "b";
  k.signed_version = "2025-11-05";
  k.value = "bm9pc2V0dCB0ZXN0IGRlbGVnYXRpb24ga2V5IDMyYiE=";
  k.expiry_unix = 1796040600;
  return k;
}

SasFields Fields(std::string version = kSasVersion) {
  SasFields f;
  f.account = "mystorageacct";
  f.container = "noisett-storage";
  f.blob = "u-42/photo.jpg";
  f.permissions = "r";
  f.start = kStart;
  f.expiry = kExpiry;
  f.protocol = "https";
  f.version = std::move(version);
  return f;
}

size_t LineCount(const std::string& s) { return std::count(s.begin(), s.end(), '\n') + 1; }

std::vector<std::string> Lines(const std::string& s) {
  std::vector<std::string> out(1);
  for (char c : s) {
    if (c == '\n') {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  return out;
}

TEST(SasTime, FormatsAndParses) {
  EXPECT_EQ(SasTime(kStart), "2026-11-23T12:25:00Z");
  EXPECT_EQ(*ParseSasTime("2026-11-23T12:25:00Z"), kStart);
  // Azure returns seven fraction digits; they are dropped, as the SDKs drop them when signing.
  EXPECT_EQ(*ParseSasTime("2026-11-23T12:25:00.9999999Z"), kStart);
  EXPECT_EQ(*ParseSasTime("2026-11-23T12:25:00.5Z"), kStart);
  for (const char* bad : {"", "2026-11-23", "2026-11-23T12:25:00", "2026-11-23T12:25:00.Z",
                          "2026-11-23T12:25:00.12345678Z", "2026-11-23T12:25:00.1a2Z",
                          "2026-02-30T00:00:00Z", "2026-11-23 12:25:00Z"}) {
    auto r = ParseSasTime(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().reason, "bad_time") << bad;
  }
}

TEST(SasStringToSign, ServiceLayoutKnownAnswer) {
  SasFields f = Fields("2025-07-05");
  f.cache_control = "public, max-age=60, immutable";
  const std::string expected =
      "r\n2026-11-23T12:25:00Z\n2026-11-24T12:25:00Z\n/blob/mystorageacct/noisett-storage/"
      "u-42/photo.jpg\n\n\nhttps\n2025-07-05\nb\n\n\npublic, max-age=60, immutable\n\n\n\n";
  EXPECT_EQ(ServiceSasStringToSign(f), expected);
  EXPECT_EQ(LineCount(expected), 16u);
  // The layout is the same for every version from 2020-12-06 on.
  EXPECT_EQ(LineCount(ServiceSasStringToSign(Fields("2020-12-06"))), 16u);
}

TEST(SasStringToSign, UserDelegationLayoutsByVersion) {
  const UserDelegationKey key = TestKey();
  SasFields f = Fields("2025-07-05");
  f.protocol = "https,http";
  const std::string head =
      "r\n2026-11-23T12:25:00Z\n2026-11-24T12:25:00Z\n/blob/mystorageacct/noisett-storage/"
      "u-42/photo.jpg\n0f5b3c5e-2c6a-4b7a-9d61-6a1d2e3f4a5b\n72f988bf-86f1-41af-91ab-"
      "2d7cd011db47\n2026-11-23T12:10:00Z\n2026-11-30T12:10:00Z\nb\n2025-11-05\n\n\n\n";
  // 2025-07-05: skdutid and sduoid (empty) after scid.
  EXPECT_EQ(UserDelegationSasStringToSign(f, key),
            head + "\n\n\nhttps,http\n2025-07-05\nb\n\n\n\n\n\n\n");
  EXPECT_EQ(LineCount(UserDelegationSasStringToSign(f, key)), 26u);
  // 2020-12-06 through 2025-05-05: 24 lines, no skdutid/sduoid.
  for (const char* sv : {"2020-12-06", "2023-11-03", "2025-05-05"}) {
    f.version = sv;
    const std::string sts = UserDelegationSasStringToSign(f, key);
    EXPECT_EQ(sts, head + "\nhttps,http\n" + sv + "\nb\n\n\n\n\n\n\n") << sv;
    EXPECT_EQ(LineCount(sts), 24u) << sv;
  }
  // 2026-04-06 on: srh and srq after ses.
  f.version = "2026-04-06";
  EXPECT_EQ(LineCount(UserDelegationSasStringToSign(f, key)), 28u);
  const auto lines = Lines(UserDelegationSasStringToSign(f, key));
  EXPECT_EQ(lines[17], "2026-04-06");  // sv
  EXPECT_EQ(lines[18], "b");           // sr
}

TEST(SasStringToSign, KeyTimesAreSignedInWholeSeconds) {
  UserDelegationKey key = TestKey();
  key.signed_start = "2026-11-23T12:10:00.0000000Z";
  key.signed_expiry = "2026-11-30T12:10:00.1234567Z";
  const auto lines = Lines(UserDelegationSasStringToSign(Fields(), key));
  EXPECT_EQ(lines[6], "2026-11-23T12:10:00Z");
  EXPECT_EQ(lines[7], "2026-11-30T12:10:00Z");
  auto q = UserDelegationSasQuery(Fields(), key);
  ASSERT_TRUE(q) << q.error().ToString();
  EXPECT_NE(q->find("skt=2026-11-23T12%3A10%3A00Z&ske=2026-11-30T12%3A10%3A00Z&"),
            std::string::npos)
      << *q;
}

TEST(SasQuery, DefaultVersionIsKSasVersion) {
  auto q = ServiceSasQuery(Fields(""), testing::kAzuriteKey);
  ASSERT_TRUE(q) << q.error().ToString();
  EXPECT_EQ(q->rfind(std::string("sv=") + kSasVersion + "&", 0), 0u) << *q;
}

TEST(SasQuery, PermissionsAreCanonicalAndChecked) {
  SasFields f = Fields();
  f.permissions = "wr";
  auto q = ServiceSasQuery(f, testing::kAzuriteKey);
  ASSERT_TRUE(q);
  EXPECT_NE(q->find("&sp=rw&"), std::string::npos) << *q;
  for (const char* bad : {"", "rr", "q", "r ", "R"}) {
    f.permissions = bad;
    auto r = ServiceSasQuery(f, testing::kAzuriteKey);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().reason, "sas_bad_permissions") << bad;
  }
}

TEST(SasQuery, RefusesVersionsWithoutAKnownLayout) {
  for (const char* sv : {"2020-10-02", "2019-02-02", "2027-01-01", "latest", "2025-7-05",
                         "2025-07-05\n"}) {
    auto a = ServiceSasQuery(Fields(sv), testing::kAzuriteKey);
    ASSERT_FALSE(a) << sv;
    EXPECT_EQ(a.error().reason, "sas_bad_version");
    auto b = UserDelegationSasQuery(Fields(sv), TestKey());
    ASSERT_FALSE(b) << sv;
    EXPECT_EQ(b.error().reason, "sas_bad_version");
  }
}

TEST(SasQuery, RefusesBadKeys) {
  for (const char* bad : {"", "not base64!", "abc", "YWJj\n"}) {
    auto r = ServiceSasQuery(Fields(), bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().reason, "bad_account_key");
  }
  UserDelegationKey key = TestKey();
  key.value = "%%%";
  EXPECT_EQ(UserDelegationSasQuery(Fields(), key).error().reason, "bad_delegation_key");
  key = TestKey();
  key.signed_oid.clear();
  EXPECT_EQ(UserDelegationSasQuery(Fields(), key).error().reason, "bad_delegation_key");
  key = TestKey();
  key.signed_expiry = "next week";
  EXPECT_EQ(UserDelegationSasQuery(Fields(), key).error().reason, "bad_delegation_key");
}

// A line break would move every later field of the string-to-sign up a line, so a value could
// impersonate another field; such input is refused, not signed.
TEST(SasQuery, RefusesLineBreaksInFields) {
  SasFields f = Fields();
  f.blob = "a\nb.jpg";
  EXPECT_EQ(ServiceSasQuery(f, testing::kAzuriteKey).error().reason, "sas_bad_field");
  f = Fields();
  f.cache_control = "public\r\nx";
  EXPECT_EQ(UserDelegationSasQuery(f, TestKey()).error().reason, "sas_bad_field");
  f = Fields();
  f.expiry = 0;
  EXPECT_EQ(UserDelegationSasQuery(f, TestKey()).error().reason, "sas_bad_field");
}

TEST(SasQuery, SignatureCoversTheBlob) {
  SasFields a = Fields(), b = Fields();
  b.blob = "u-42/photo.jpeg";
  EXPECT_NE(*UserDelegationSasQuery(a, TestKey()), *UserDelegationSasQuery(b, TestKey()));
  EXPECT_NE(*ServiceSasQuery(a, testing::kAzuriteKey), *ServiceSasQuery(b, testing::kAzuriteKey));
}

// The official SDK, run by node on the same inputs, writes the same bytes.
TEST(SasOracle, QueriesEqualTheOfficialSdk) {
  std::vector<SasOracleCase> cases;
  auto service = [&](SasFields f) { cases.push_back({std::move(f), testing::kAzuriteKey, {}}); };
  auto delegation = [&](SasFields f, UserDelegationKey k = TestKey()) {
    cases.push_back({std::move(f), "", std::move(k)});
  };
  const std::vector<std::string> blobs = {
      "u-42/photo.jpg", "a b/c d.jpg", "dir/ünïcödé – 写真.png", "x/y/z/it's (1)!*~.webp",
      "q/100%+;,=&#?@$.jpg"};
  for (const char* sv : {"2025-07-05", "2020-12-06"}) {
    for (const std::string& blob : blobs) {
      for (const char* protocol : {"https", "https,http"}) {
        for (bool rscc : {false, true}) {
          SasFields f = Fields(sv);
          f.blob = blob;
          f.protocol = protocol;
          if (rscc) f.cache_control = "public, max-age=86400, immutable";
          service(f);
          delegation(f);
        }
      }
    }
  }
  for (const char* sv : {"2025-05-05", "2026-04-06"}) delegation(Fields(sv));
  SasFields other = Fields();
  other.account = testing::kAzuriteAccount;
  other.permissions = "wr";
  other.start = 0;
  service(other);
  delegation(other);
  UserDelegationKey fractional = TestKey();
  fractional.signed_start = "2026-11-23T12:10:00.0000000Z";
  fractional.signed_expiry = "2026-11-30T12:10:00.0000000Z";
  delegation(Fields(), fractional);

  const auto oracle = RunSasOracle(cases);
  ASSERT_TRUE(oracle.error.empty()) << oracle.error;
  ASSERT_EQ(oracle.queries.size(), cases.size());
  for (size_t i = 0; i < cases.size(); ++i) {
    const auto& c = cases[i];
    auto ours = c.key ? UserDelegationSasQuery(c.fields, *c.key)
                      : ServiceSasQuery(c.fields, c.account_key);
    ASSERT_TRUE(ours) << ours.error().ToString();
    EXPECT_EQ(*ours, oracle.queries[i])
        << "case " << i << ": " << (c.key ? "user delegation" : "service") << " sv "
        << c.fields.version << " blob '" << c.fields.blob << "' spr " << c.fields.protocol;
  }
}

}  // namespace
}  // namespace noisett::storage::azure
