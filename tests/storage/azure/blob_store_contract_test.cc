// One BlobStore contract, three stores: LocalBlobStore on a temporary directory, AzureBlobStore on
// Azurite with Shared Key, and AzureBlobStore on Azurite with a bearer token over HTTPS (Azurite's
// --oauth basic; the token is an unsigned v1-shaped JWT from a small test credential, since the
// real credential chain has its own suite). Every test gets its own container (or directory).
//
// What Azurite lacks, and how it is covered:
//   - Blob versioning: Azurite keeps one version (no x-ms-version-id). Versions, ListVersions of
//     several versions and RestoreVersion run here on the local store only; for Azure they are
//     checked request by request in azure_blob_store_requests_test.cc against the REST reference.
//     On Azurite the suite asserts what the store must then do: one current version per blob.
//   - Soft delete and Undelete: Azurite deletes for good and answers Undelete "not implemented".
//     Undelete and include_deleted listings run here on the local store; the Azure requests are
//     checked in azure_blob_store_requests_test.cc. On Azurite the suite asserts that Undelete of a
//     deleted blob fails loudly rather than pretending to succeed.
// Tags on Get/GetProperties: Azure returns only a tag count there, so the suite reads tags through
// List(include_tags), which both stores fill.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "storage/azure/store_contract_fixture.h"

namespace noisett::storage::testing {
namespace {

PutOptions ImageOptions() {
  PutOptions options;
  options.content_type = "image/webp";
  options.cache_control = "public, max-age=31536000, immutable";
  return options;
}

TEST_P(StoreContractTest, PutThenGetReturnsBytesAndProperties) {
  const int64_t before = SystemClock::Instance().NowSeconds();
  std::string bytes(70000, '\0');
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 7 % 251);
  const BlobProperties put = MustPut("generated/alice/job1/image_0.webp", bytes, ImageOptions());
  EXPECT_EQ(put.size, bytes.size());
  ASSERT_GE(put.etag.size(), 3u);
  EXPECT_EQ(put.etag.front(), '"');
  EXPECT_EQ(put.etag.back(), '"');

  auto got = store_->Get("generated/alice/job1/image_0.webp");
  ASSERT_TRUE(got.has_value()) << got.error().ToString();
  EXPECT_EQ(got->bytes, bytes);
  EXPECT_EQ(got->range_offset, 0u);
  EXPECT_EQ(got->properties.size, bytes.size());
  EXPECT_EQ(got->properties.content_type, "image/webp");
  EXPECT_EQ(got->properties.cache_control, "public, max-age=31536000, immutable");
  EXPECT_EQ(got->properties.etag, put.etag);
  EXPECT_NEAR(got->properties.last_modified, before, 120);
}

TEST_P(StoreContractTest, GetPropertiesDescribesTheBlob) {
  PutOptions options = ImageOptions();
  options.tier = AccessTier::kCool;
  const BlobProperties put = MustPut("a/b.png", "png bytes", options);
  auto props = store_->GetProperties("a/b.png");
  ASSERT_TRUE(props.has_value()) << props.error().ToString();
  EXPECT_EQ(props->name, "a/b.png");
  EXPECT_EQ(props->size, 9u);
  EXPECT_EQ(props->content_type, "image/webp");
  EXPECT_EQ(props->cache_control, "public, max-age=31536000, immutable");
  EXPECT_EQ(props->etag, put.etag);
  EXPECT_EQ(props->tier, AccessTier::kCool);
  EXPECT_GT(props->created, 0);
  EXPECT_FALSE(props->deleted);
}

TEST_P(StoreContractTest, DefaultContentTypeIsOctetStream) {
  PutOptions options;
  options.content_type = "";
  MustPut("raw.bin", "xyz", options);
  auto props = store_->GetProperties("raw.bin");
  ASSERT_TRUE(props.has_value());
  EXPECT_EQ(props->content_type, "application/octet-stream");
}

TEST_P(StoreContractTest, OverwriteReplacesContentAndEtag) {
  const BlobProperties first = MustPut("doc.json", "{\"v\":1}");
  const BlobProperties second = MustPut("doc.json", "{\"v\":2}");
  EXPECT_NE(first.etag, second.etag);
  EXPECT_EQ(MustGet("doc.json"), "{\"v\":2}");
}

TEST_P(StoreContractTest, IfNoneMatchAnyCreatesOnlyOnce) {
  PutOptions create_only;
  create_only.if_none_match_any = true;
  MustPut("once.txt", "first", create_only);
  ExpectError(store_->Put("once.txt", "second", create_only), ErrorCode::kConflict,
              "ConditionNotMet");
  EXPECT_EQ(MustGet("once.txt"), "first");
}

TEST_P(StoreContractTest, RangeReadsReturnOnlyTheRange) {
  MustPut("digits", "0123456789");
  auto middle = store_->Get("digits", ByteRange{2, 3});
  ASSERT_TRUE(middle.has_value()) << middle.error().ToString();
  EXPECT_EQ(middle->bytes, "234");
  EXPECT_EQ(middle->range_offset, 2u);
  EXPECT_EQ(middle->properties.size, 10u);  // the blob's size, not the range's

  auto tail = store_->Get("digits", ByteRange{7, std::nullopt});
  ASSERT_TRUE(tail.has_value());
  EXPECT_EQ(tail->bytes, "789");
  auto clipped = store_->Get("digits", ByteRange{8, 100});
  ASSERT_TRUE(clipped.has_value());
  EXPECT_EQ(clipped->bytes, "89");

  ExpectError(store_->Get("digits", ByteRange{10, std::nullopt}), ErrorCode::kInvalidArgument,
              "InvalidRange");
  ExpectError(store_->Get("digits", ByteRange{3, 0}), ErrorCode::kInvalidArgument, "InvalidRange");
}

TEST_P(StoreContractTest, EmptyBlobsReadAsEmpty) {
  MustPut("empty", "");
  auto whole = store_->Get("empty");
  ASSERT_TRUE(whole.has_value()) << whole.error().ToString();
  EXPECT_EQ(whole->bytes, "");
  EXPECT_EQ(whole->properties.size, 0u);
  auto from_zero = store_->Get("empty", ByteRange{0, 10});
  ASSERT_TRUE(from_zero.has_value()) << from_zero.error().ToString();
  EXPECT_EQ(from_zero->bytes, "");
  auto props = store_->GetProperties("empty");
  ASSERT_TRUE(props.has_value());
  EXPECT_EQ(props->size, 0u);
}

TEST_P(StoreContractTest, MissingBlobsAreBlobNotFound) {
  ExpectError(store_->Get("nope"), ErrorCode::kNotFound, "BlobNotFound");
  ExpectError(store_->GetProperties("nope"), ErrorCode::kNotFound, "BlobNotFound");
  ExpectError(store_->Delete("nope"), ErrorCode::kNotFound, "BlobNotFound");
  ExpectError(store_->SetTier("nope", AccessTier::kCool), ErrorCode::kNotFound, "BlobNotFound");
  ExpectError(store_->SetTags("nope", {{"k", "v"}}), ErrorCode::kNotFound, "BlobNotFound");
  ExpectError(store_->ListVersions("nope"), ErrorCode::kNotFound, "BlobNotFound");
}

TEST_P(StoreContractTest, HostileNamesAreRefusedBeforeAnyIo) {
  for (const std::string name : {"../outside", "a/../../b", "a//b", "/abs", "", "a/./b", "sp ace",
                                 "a?comp=list", "a%2F..%2Fb"}) {
    ExpectError(store_->Put(name, "x", {}), ErrorCode::kInvalidArgument, "InvalidBlobName");
    ExpectError(store_->Get(name), ErrorCode::kInvalidArgument, "InvalidBlobName");
    ExpectError(store_->Delete(name), ErrorCode::kInvalidArgument, "InvalidBlobName");
  }
  EXPECT_TRUE(ListAll({}).empty());
}

TEST_P(StoreContractTest, HeaderInjectionIsRefused) {
  PutOptions evil;
  evil.content_type = "image/png\r\nx-ms-meta-evil: 1";
  ExpectError(store_->Put("evil.png", "x", evil), ErrorCode::kInvalidArgument,
              "InvalidHeaderValue");
  evil = PutOptions{};
  evil.cache_control = "max-age=1\nSet-Cookie: a=b";
  ExpectError(store_->Put("evil.png", "x", evil), ErrorCode::kInvalidArgument,
              "InvalidHeaderValue");
  ExpectError(store_->GetProperties("evil.png"), ErrorCode::kNotFound, "BlobNotFound");
}

TEST_P(StoreContractTest, ListPagesThroughAPrefixInNameOrder) {
  std::vector<std::string> expected;
  for (int i = 6; i >= 0; --i) {
    const std::string name = "p/item-" + std::to_string(i);
    MustPut(name, "x");
    expected.insert(expected.begin(), name);
  }
  MustPut("q/other", "x");
  MustPut("p", "not under p/");

  ListOptions options;
  options.prefix = "p/";
  options.max_results = 3;
  std::vector<std::string> names;
  std::vector<size_t> page_sizes;
  do {
    auto page = store_->List(options);
    ASSERT_TRUE(page.has_value()) << page.error().ToString();
    page_sizes.push_back(page->items.size());
    for (const BlobProperties& item : page->items) {
      names.push_back(item.name);
      EXPECT_EQ(item.size, 1u);
      EXPECT_TRUE(item.is_current_version);
      EXPECT_FALSE(item.deleted);
    }
    options.continuation = page->continuation;
  } while (!options.continuation.empty());
  EXPECT_EQ(names, expected);
  EXPECT_EQ(page_sizes, (std::vector<size_t>{3, 3, 1}));
}

TEST_P(StoreContractTest, ListRefusesABadPageSize) {
  ListOptions options;
  options.max_results = 0;
  ExpectError(store_->List(options), ErrorCode::kInvalidArgument, "InvalidQueryParameterValue");
  options.max_results = 5001;
  ExpectError(store_->List(options), ErrorCode::kInvalidArgument, "InvalidQueryParameterValue");
}

TEST_P(StoreContractTest, TagsFromPutAndSetTagsShowInListings) {
  PutOptions options;
  options.tags = {{"subscription_tier", "free"}, {"owner", "alice smith"}};
  const BlobProperties put = MustPut("tagged.jpg", "jpeg", options);

  ListOptions with_tags;
  with_tags.include_tags = true;
  auto listed = ListAll(with_tags);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].tags, options.tags);
  auto without = ListAll({});
  ASSERT_EQ(without.size(), 1u);
  EXPECT_TRUE(without[0].tags.empty());

  const Tags replaced = {{"subscription_tier", "pro"}};
  ASSERT_TRUE(store_->SetTags("tagged.jpg", replaced));
  listed = ListAll(with_tags);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].tags, replaced);
  // Tags are not content: the ETag stays.
  auto props = store_->GetProperties("tagged.jpg");
  ASSERT_TRUE(props.has_value());
  EXPECT_EQ(props->etag, put.etag);
}

TEST_P(StoreContractTest, InvalidTagsAreRefused) {
  MustPut("t.jpg", "x");
  ExpectError(store_->SetTags("t.jpg", {{"bad<key>", "v"}}), ErrorCode::kInvalidArgument,
              "InvalidTags");
  Tags eleven;
  for (char c = 'a'; c <= 'k'; ++c) eleven[std::string(1, c)] = "v";
  ExpectError(store_->SetTags("t.jpg", eleven), ErrorCode::kInvalidArgument, "InvalidTags");
  PutOptions options;
  options.tags = {{"k", std::string(257, 'v')}};
  ExpectError(store_->Put("u.jpg", "x", options), ErrorCode::kInvalidArgument, "InvalidTags");
}

TEST_P(StoreContractTest, ArchiveRefusesReadsUntilRehydrated) {
  MustPut("old.jpg", "old bytes");
  ASSERT_TRUE(store_->SetTier("old.jpg", AccessTier::kArchive));
  ExpectError(store_->Get("old.jpg"), ErrorCode::kConflict, "BlobArchived");
  ExpectError(store_->Get("old.jpg", ByteRange{0, 2}), ErrorCode::kConflict, "BlobArchived");
  ExpectError(store_->Put("old.jpg", "overwrite", {}), ErrorCode::kConflict, "BlobArchived");
  auto props = store_->GetProperties("old.jpg");
  ASSERT_TRUE(props.has_value()) << props.error().ToString();
  EXPECT_EQ(props->tier, AccessTier::kArchive);

  ASSERT_TRUE(store_->SetTier("old.jpg", AccessTier::kHot));
  EXPECT_EQ(MustGet("old.jpg"), "old bytes");
  props = store_->GetProperties("old.jpg");
  ASSERT_TRUE(props.has_value());
  EXPECT_EQ(props->tier, AccessTier::kHot);
}

TEST_P(StoreContractTest, CoolTierStaysReadable) {
  MustPut("cool.jpg", "c");
  ASSERT_TRUE(store_->SetTier("cool.jpg", AccessTier::kCool));
  EXPECT_EQ(MustGet("cool.jpg"), "c");
  ListOptions options;
  auto listed = ListAll(options);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].tier, AccessTier::kCool);
}

TEST_P(StoreContractTest, ColdTierStaysReadableAndListsAsCold) {
  MustPut("cold.jpg", "c");
  ASSERT_TRUE(store_->SetTier("cold.jpg", AccessTier::kCold));
  EXPECT_EQ(MustGet("cold.jpg"), "c");
  auto props = store_->GetProperties("cold.jpg");
  ASSERT_TRUE(props.has_value()) << props.error().ToString();
  EXPECT_EQ(props->tier, AccessTier::kCold);
  auto listed = ListAll(ListOptions{});
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].tier, AccessTier::kCold);
}

TEST_P(StoreContractTest, RehydrateWithHighPriorityBringsAnArchivedBlobBack) {
  MustPut("arch.jpg", "bytes");
  ASSERT_TRUE(store_->SetTier("arch.jpg", AccessTier::kArchive));
  ASSERT_TRUE(store_->SetTier("arch.jpg", AccessTier::kHot, RehydratePriority::kHigh));
  // Both the local store and Azurite rehydrate at once (Azure would take up to an hour).
  EXPECT_EQ(MustGet("arch.jpg"), "bytes");
}

TEST_P(StoreContractTest, DeleteHidesTheBlob) {
  MustPut("gone.jpg", "bytes");
  MustPut("kept.jpg", "bytes");
  ASSERT_TRUE(store_->Delete("gone.jpg"));
  ExpectError(store_->Get("gone.jpg"), ErrorCode::kNotFound, "BlobNotFound");
  ExpectError(store_->GetProperties("gone.jpg"), ErrorCode::kNotFound, "BlobNotFound");
  ExpectError(store_->Delete("gone.jpg"), ErrorCode::kNotFound, "BlobNotFound");
  auto listed = ListAll({});
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].name, "kept.jpg");
  // A new blob may take the name again.
  MustPut("gone.jpg", "new");
  EXPECT_EQ(MustGet("gone.jpg"), "new");
}

TEST_P(StoreContractTest, UndeleteRestoresASoftDeletedBlob) {
  MustPut("trash.jpg", "bytes");
  ASSERT_TRUE(store_->Delete("trash.jpg"));
  if (!IsLocal()) {
    // Azurite has no soft delete (see the file comment): the blob is gone for good, and Undelete
    // must say so rather than report a restore that did not happen.
    EXPECT_FALSE(store_->Undelete("trash.jpg").has_value());
    ExpectError(store_->Get("trash.jpg"), ErrorCode::kNotFound, "BlobNotFound");
    return;
  }
  ListOptions deleted;
  deleted.include_deleted = true;
  auto listed = ListAll(deleted);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_TRUE(listed[0].deleted);
  EXPECT_GT(listed[0].deleted_at, 0);
  ASSERT_TRUE(store_->Undelete("trash.jpg"));
  EXPECT_EQ(MustGet("trash.jpg"), "bytes");
  EXPECT_TRUE(store_->Undelete("trash.jpg"));  // undeleting a live blob is a no-op
}

TEST_P(StoreContractTest, VersionsKeepEarlierContent) {
  const BlobProperties v1 = MustPut("v.json", "one");
  MustPut("v.json", "two");
  auto versions = store_->ListVersions("v.json");
  ASSERT_TRUE(versions.has_value()) << versions.error().ToString();
  if (!IsLocal()) {
    // Azurite keeps no versions (see the file comment): only the current content exists.
    ASSERT_EQ(versions->size(), 1u);
    EXPECT_TRUE(versions->back().is_current_version);
    EXPECT_EQ(versions->back().size, 3u);
    return;
  }
  ASSERT_EQ(versions->size(), 2u);
  EXPECT_FALSE(versions->front().is_current_version);
  EXPECT_TRUE(versions->back().is_current_version);
  EXPECT_EQ(versions->front().version_id, v1.version_id);
  EXPECT_LT(versions->front().version_id, versions->back().version_id);

  ASSERT_TRUE(store_->RestoreVersion("v.json", v1.version_id));
  EXPECT_EQ(MustGet("v.json"), "one");
  versions = store_->ListVersions("v.json");
  ASSERT_TRUE(versions.has_value());
  EXPECT_EQ(versions->size(), 3u);
  ExpectError(store_->RestoreVersion("v.json", "2001-01-01T00:00:00.0000000Z"),
              ErrorCode::kNotFound, "BlobNotFound");
}

TEST_P(StoreContractTest, ConcurrentWritersOfDifferentNames) {
  constexpr int kThreads = 8;
  std::vector<std::thread> threads;
  std::vector<int> failures(kThreads, 0);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([this, t, &failures] {
      for (int i = 0; i < 4; ++i) {
        const std::string name = "c/" + std::to_string(t) + "-" + std::to_string(i);
        if (!store_->Put(name, name, {})) ++failures[t];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(std::count(failures.begin(), failures.end(), 0), kThreads);
  auto listed = ListAll({});
  EXPECT_EQ(listed.size(), 32u);
  for (const BlobProperties& item : listed) EXPECT_EQ(MustGet(item.name), item.name);
}

TEST_P(StoreContractTest, ReadyAndDescribed) {
  EXPECT_TRUE(store_->CheckReady());
  const std::string described = store_->Describe();
  const std::string expected =
      IsLocal() ? "noisett-storage" : "azure://devstoreaccount1/" + container_;
  EXPECT_NE(described.find(expected), std::string::npos) << described;
}

INSTANTIATE_TEST_SUITE_P(Stores, StoreContractTest,
                         ::testing::Values(StoreKind::kLocal, StoreKind::kAzuriteSharedKey,
                                           StoreKind::kAzuriteBearer),
                         KindName);

}  // namespace
}  // namespace noisett::storage::testing
