// The local store's pure pieces: version ids (shape, order, parsing), ETags, and the meta.json
// record (round trip, and refusal of anything damaged or dangerous).
#include "storage/local_meta.h"

#include <gtest/gtest.h>

#include "core/clock.h"
#include "storage/local_version_id.h"

namespace noisett::storage {
namespace {

TEST(VersionIdTest, FormatsLikeAzureAndParsesBack) {
  const VersionInstant instant{1'800'000'000, 42};
  EXPECT_EQ(FormatVersionId(instant), "2027-01-15T08:00:00.0000042Z");
  EXPECT_EQ(ParseVersionId("2027-01-15T08:00:00.0000042Z"), instant);
  EXPECT_EQ(FormatVersionId({0, 0}), "1970-01-01T00:00:00.0000000Z");
  for (const char* bad : {"", "meta.json", "2027-01-15T08:00:00.0000042", "../../../etc/passwd",
                          "2027-01-15T08:00:00.000004xZ", "2027-01-15 08:00:00.0000042Z",
                          "2027-01-15T08:00:00.0000042Z/"}) {
    EXPECT_FALSE(ParseVersionId(bad)) << bad;
  }
}

TEST(VersionIdTest, EtagIsStrongQuotedAndFollowsTheInstant) {
  const std::string a = EtagFor({1'800'000'000, 0});
  const std::string b = EtagFor({1'800'000'000, 1});
  EXPECT_EQ(a.front(), '"');
  EXPECT_EQ(a.back(), '"');
  EXPECT_EQ(a.substr(1, 2), "0x");
  EXPECT_NE(a, b);
}

TEST(VersionIdTest, SourceIsStrictlyIncreasing) {
  ManualClock clock(1'800'000'000);
  VersionIdSource source(clock);
  const VersionInstant first = source.Next("");
  EXPECT_EQ(first, (VersionInstant{1'800'000'000, 0}));
  EXPECT_EQ(source.Next(""), (VersionInstant{1'800'000'000, 1}));
  clock.Advance(1);
  EXPECT_EQ(source.Next(""), (VersionInstant{1'800'000'001, 0}));
  clock.Advance(-100);  // the clock steps back: ids do not
  EXPECT_EQ(source.Next(""), (VersionInstant{1'800'000'001, 1}));
  // A floor from the blob's record wins over a fresh source.
  VersionIdSource fresh(clock);
  EXPECT_EQ(fresh.Next("2030-01-01T00:00:00.9999999Z"),
            *ParseVersionId("2030-01-01T00:00:01.0000000Z"));
}

BlobRecord SampleRecord() {
  BlobRecord record;
  record.created = 100;
  record.deleted = true;
  record.deleted_at = 200;
  VersionRecord v;
  v.version_id = "2027-01-15T08:00:00.0000000Z";
  v.size = 5;
  v.content_type = "image/jpeg";
  v.cache_control = "no-cache";
  v.etag = "\"0x1\"";
  v.last_modified = 150;
  v.tier = AccessTier::kArchive;
  v.tier_changed = 160;
  v.tags = {{"subscription_tier", "pro"}, {"k", ""}};
  record.versions.push_back(v);
  v.version_id = "2027-01-15T08:00:00.0000001Z";
  v.tier = AccessTier::kCool;
  v.tags.clear();
  record.versions.push_back(v);
  return record;
}

TEST(BlobRecordTest, RoundTripsThroughJson) {
  const BlobRecord record = SampleRecord();
  auto parsed = ParseRecord(SerializeRecord(record));
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  EXPECT_EQ(parsed->created, 100);
  EXPECT_TRUE(parsed->deleted);
  EXPECT_EQ(parsed->deleted_at, 200);
  ASSERT_EQ(parsed->versions.size(), 2u);
  EXPECT_EQ(parsed->versions[0].tier, AccessTier::kArchive);
  EXPECT_EQ(parsed->versions[0].tags, record.versions[0].tags);
  EXPECT_EQ(parsed->versions[1].version_id, record.versions[1].version_id);
  EXPECT_EQ(parsed->current().tier, AccessTier::kCool);
  const BlobProperties p = PropertiesOf("n", *parsed, 0);
  EXPECT_EQ(p.name, "n");
  EXPECT_FALSE(p.is_current_version);
  EXPECT_TRUE(p.deleted);
  EXPECT_TRUE(PropertiesOf("n", *parsed, 1).is_current_version);
}

TEST(BlobRecordTest, RefusesDamagedDocuments) {
  std::string good = SerializeRecord(SampleRecord());
  auto with = [&](const std::string& from, const std::string& to) {
    std::string s = good;
    s.replace(s.find(from), from.size(), to);
    return s;
  };
  const std::string bad[] = {
      "",
      "not json",
      "[]",
      good.substr(0, good.size() / 2),
      with("\"format\":1", "\"format\":2"),
      with("\"versions\":[", "\"versions\":[1,"),
      with("2027-01-15T08:00:00.0000000Z", "../../etc/passwd"),
      with("\"Archive\"", "\"Frozen\""),
      with("\"size\":5", "\"size\":\"5\""),
      with("\"created\":100", "\"created\":null"),
      "{\"format\":1,\"created\":1,\"deleted\":false,\"deleted_at\":0,\"versions\":[]}",
  };
  for (const std::string& text : bad) {
    auto parsed = ParseRecord(text);
    ASSERT_FALSE(parsed) << text;
    EXPECT_EQ(parsed.error().reason, "StoreCorrupt");
  }
}

}  // namespace
}  // namespace noisett::storage
