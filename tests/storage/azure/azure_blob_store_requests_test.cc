// AzureBlobStore request by request, against a recording loopback server standing in for Azure.
//
// These cover what Azurite does not emulate — blob versioning (x-ms-version-id, include=versions,
// IsCurrentVersion), soft delete (include=deleted, Deleted/DeletedTime), Undelete Blob, and
// RestoreVersion's Copy Blob from a version — plus the exact shape of requests the contract suite
// only sees through Azurite's answers. Each test checks the request the store sends against the
// Blob REST reference (learn.microsoft.com/rest/api/storageservices: Put Blob, Get Blob, Delete
// Blob, Undelete Blob, List Blobs, Set Blob Tier, Set Blob Tags, Find Blobs by Tags, Copy Blob) and
// answers as that reference documents Azure answering. They are NOT a substitute for a run against
// a real account; they pin down what we send and how we read the documented replies.
#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/percent_encoding.h"
#include "storage/azure/azure_blob_store.h"
#include "storage/azure/azure_blob_xml.h"
#include "storage/azure/azure_client.h"
#include "support/azurite.h"
#include "support/recording_http_server.h"

namespace noisett::storage::azure {
namespace {

using noisett::testing::RecordedRequest;
using noisett::testing::RecordingHttpServer;
using noisett::testing::Reply;

// The decoded query parameters of a recorded request.
std::map<std::string, std::string> QueryOf(const RecordedRequest& request) {
  std::map<std::string, std::string> params;
  const std::string query = request.Query();
  size_t start = 0;
  while (start < query.size()) {
    const size_t amp = std::min(query.find('&', start), query.size());
    const std::string pair = query.substr(start, amp - start);
    const size_t eq = pair.find('=');
    params[PercentDecode(pair.substr(0, eq)).value_or("<bad %-escape>")] =
        eq == std::string::npos ? ""
                                : PercentDecode(pair.substr(eq + 1)).value_or("<bad %-escape>");
    start = amp + 1;
  }
  return params;
}

Reply AzureError(int status, const std::string& code) {
  return Reply{status,
               {{"x-ms-error-code", code}, {"Content-Type", "application/xml"}},
               "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>" + code +
                   "</Code><Message>as documented</Message></Error>"};
}

// One List Blobs <Blob> element with versioning on (VersionId always present).
std::string VersionXml(const std::string& name, const std::string& version, bool current,
                       int size) {
  std::string xml = "<Blob><Name>" + name + "</Name><VersionId>" + version + "</VersionId>";
  if (current) xml += "<IsCurrentVersion>true</IsCurrentVersion>";
  xml +=
      "<Properties><Creation-Time>Tue, 24 Nov 2026 00:00:00 GMT</Creation-Time>"
      "<Last-Modified>Tue, 24 Nov 2026 00:25:27 GMT</Last-Modified><Etag>0x8DC" +
      std::to_string(size) + "</Etag><Content-Length>" + std::to_string(size) +
      "</Content-Length><Content-Type>image/jpeg</Content-Type><BlobType>BlockBlob</BlobType>"
      "<AccessTier>Hot</AccessTier></Properties></Blob>";
  return xml;
}

std::string ListXml(const std::string& blobs, const std::string& next_marker) {
  return "<?xml version=\"1.0\" encoding=\"utf-8\"?><EnumerationResults "
         "ServiceEndpoint=\"https://acct.blob.core.windows.net/\" "
         "ContainerName=\"noisett-storage\">"
         "<Blobs>" +
         blobs + "</Blobs><NextMarker>" + next_marker +
         "</NextMarker>"
         "</EnumerationResults>";
}

class AzureRequestsTest : public ::testing::Test {
 protected:
  AzureRequestsTest() : server_([this](const RecordedRequest& r) { return Answer(r); }) {
    AzureConfig config;
    config.account = noisett::testing::kAzuriteAccount;
    config.account_key = noisett::testing::kAzuriteKey;
    config.container = "noisett-storage";
    config.endpoint = server_.BaseUrl() + "/devstoreaccount1";
    RetryPolicy retry;
    retry.max_attempts = 3;
    retry.base_delay_ms = 1;
    retry.max_delay_ms = 5;
    auto client = AzureClient::Create(config, nullptr, SystemClock::Instance(), retry);
    EXPECT_TRUE(client.has_value()) << client.error().ToString();
    if (client) client_ = std::move(*client);
    if (client_) store_ = std::make_unique<AzureBlobStore>(*client_);
  }

  // Replies are given in order; past the end, 500.
  Reply Answer(const RecordedRequest&) {
    std::lock_guard lock(mu_);
    const size_t n = served_++;
    return n < replies_.size() ? replies_[n] : AzureError(500, "InternalError");
  }
  // The replies for the next requests, from the first again.
  void Script(std::vector<Reply> replies) {
    std::lock_guard lock(mu_);
    replies_ = std::move(replies);
    served_ = 0;
  }

  std::vector<RecordedRequest> Requests() { return server_.Requests(); }
  std::string BlobPathOf(const std::string& name) {
    return "/devstoreaccount1/noisett-storage/" + name;
  }

  std::mutex mu_;
  std::vector<Reply> replies_;  // guarded by mu_
  size_t served_ = 0;           // guarded by mu_
  RecordingHttpServer server_;
  std::unique_ptr<AzureClient> client_;
  std::unique_ptr<AzureBlobStore> store_;
};

void ExpectSigned(const RecordedRequest& request) {
  EXPECT_EQ(request.Header("x-ms-version"), kRestVersion);
  EXPECT_TRUE(request.HasHeader("x-ms-date"));
  EXPECT_TRUE(request.HasHeader("x-ms-client-request-id"));
  EXPECT_EQ(request.Header("authorization").rfind("SharedKey devstoreaccount1:", 0), 0u);
}

TEST_F(AzureRequestsTest, UndeleteIsPutCompUndelete) {
  Script({Reply{200, {}, ""}});
  ASSERT_TRUE(store_->Undelete("generated/alice/a.jpg"));
  const auto requests = Requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "PUT");
  EXPECT_EQ(requests[0].Path(), BlobPathOf("generated/alice/a.jpg"));
  EXPECT_EQ(QueryOf(requests[0]), (std::map<std::string, std::string>{{"comp", "undelete"}}));
  EXPECT_EQ(requests[0].body, "");
  ExpectSigned(requests[0]);
}

TEST_F(AzureRequestsTest, UndeleteOfAPurgedBlobIsBlobNotFound) {
  Script({AzureError(404, "BlobNotFound")});
  auto status = store_->Undelete("a.jpg");
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(status.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(status.error().reason, "BlobNotFound");
}

TEST_F(AzureRequestsTest, DeleteIsASingleDeleteNeverRetried) {
  Script({Reply{202, {{"x-ms-delete-type-permanent", "false"}}, ""}});
  ASSERT_TRUE(store_->Delete("a/b.jpg"));
  // Soft delete is the account's setting: the request is the same plain Delete Blob.
  Script({AzureError(503, "ServerBusy"), Reply{202, {}, ""}});
  auto status = store_->Delete("a/b.jpg");
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(status.error().reason, "StoreUnavailable");
  const auto requests = Requests();
  // A repeat after a lost answer would report BlobNotFound for a delete that happened.
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].method, "DELETE");
  EXPECT_EQ(requests[0].Path(), BlobPathOf("a/b.jpg"));
  EXPECT_EQ(requests[0].Query(), "");
  EXPECT_FALSE(requests[0].HasHeader("x-ms-delete-snapshots"));
}

TEST_F(AzureRequestsTest, ListVersionsReadsEveryPageAndSortsOldestFirst) {
  // Azure lists a name's versions in version order; the current one carries IsCurrentVersion.
  Script({Reply{200,
                {},
                ListXml(VersionXml("a/b.jpg", "2026-11-20T10:00:00.0000000Z", false, 1) +
                            VersionXml("a/b.jpg", "2026-11-21T10:00:00.0000000Z", false, 2),
                        "page2")},
          Reply{200,
                {},
                ListXml(VersionXml("a/b.jpg", "2026-11-22T10:00:00.0000000Z", true, 3) +
                            VersionXml("a/b.jpg.json", "2026-11-22T10:00:00.0000000Z", true, 9),
                        "")}});
  auto versions = store_->ListVersions("a/b.jpg");
  ASSERT_TRUE(versions.has_value()) << versions.error().ToString();
  ASSERT_EQ(versions->size(), 3u);
  EXPECT_EQ((*versions)[0].version_id, "2026-11-20T10:00:00.0000000Z");
  EXPECT_EQ((*versions)[0].size, 1u);
  EXPECT_FALSE((*versions)[0].is_current_version);
  EXPECT_EQ((*versions)[1].version_id, "2026-11-21T10:00:00.0000000Z");
  EXPECT_TRUE((*versions)[2].is_current_version);
  EXPECT_EQ((*versions)[2].etag, "\"0x8DC3\"");
  EXPECT_EQ((*versions)[2].created, 1795478400);        // Tue, 24 Nov 2026 00:00:00 GMT
  EXPECT_EQ((*versions)[2].last_modified, 1795479927);  // ... 00:25:27 GMT

  const auto requests = Requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].method, "GET");
  EXPECT_EQ(requests[0].Path(), "/devstoreaccount1/noisett-storage");
  auto query = QueryOf(requests[0]);
  EXPECT_EQ(query["restype"], "container");
  EXPECT_EQ(query["comp"], "list");
  EXPECT_EQ(query["prefix"], "a/b.jpg");
  EXPECT_EQ(query["include"], "versions");
  EXPECT_EQ(query.count("marker"), 0u);
  EXPECT_EQ(QueryOf(requests[1])["marker"], "page2");
}

TEST_F(AzureRequestsTest, ListVersionsOfADeletedBlobIsBlobNotFound) {
  // With versioning, Delete Blob turns the current version into a previous one: none is current.
  Script(
      {Reply{200, {}, ListXml(VersionXml("a.jpg", "2026-11-20T10:00:00.0000000Z", false, 1), "")}});
  auto versions = store_->ListVersions("a.jpg");
  ASSERT_FALSE(versions.has_value());
  EXPECT_EQ(versions.error().reason, "BlobNotFound");
}

TEST_F(AzureRequestsTest, RestoreVersionCopiesTheVersionOverTheBlob) {
  Script({Reply{202, {{"x-ms-copy-status", "success"}, {"x-ms-copy-id", "c1"}}, ""}});
  ASSERT_TRUE(store_->RestoreVersion("a/b.jpg", "2026-11-24T00:25:27.1234567Z"));
  const auto requests = Requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "PUT");
  EXPECT_EQ(requests[0].Path(), BlobPathOf("a/b.jpg"));
  EXPECT_EQ(requests[0].Query(), "");
  EXPECT_EQ(requests[0].Header("x-ms-copy-source"),
            server_.BaseUrl() +
                "/devstoreaccount1/noisett-storage/a/b.jpg?versionid=2026-11-24T00%3A25%3A27."
                "1234567Z");
  EXPECT_EQ(requests[0].Header("x-ms-access-tier"), "Hot");
  EXPECT_EQ(requests[0].body, "");
  ExpectSigned(requests[0]);
}

TEST_F(AzureRequestsTest, RestoreVersionWaitsForAPendingCopy) {
  Script({Reply{202, {{"x-ms-copy-status", "pending"}}, ""},
          Reply{200, {{"x-ms-copy-status", "pending"}}, ""},
          Reply{200, {{"x-ms-copy-status", "success"}}, ""}});
  ASSERT_TRUE(store_->RestoreVersion("a.jpg", "2026-11-24T00:25:27.1234567Z"));
  const auto requests = Requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[1].method, "HEAD");
  EXPECT_EQ(requests[2].method, "HEAD");

  Script({Reply{202, {{"x-ms-copy-status", "failed"}}, ""}});
  auto failed = store_->RestoreVersion("a.jpg", "2026-11-24T00:25:27.1234567Z");
  ASSERT_FALSE(failed.has_value());
  EXPECT_EQ(failed.error().reason, "StoreUnavailable");
}

TEST_F(AzureRequestsTest, RestoreVersionRefusesForgedVersionIdsWithoutARequest) {
  // A version id ends up inside the copy-source URL: query injection must not get through.
  for (const char* forged : {"v&comp=undelete", "../../other/blob", "x?sig=abc", "", "a b",
                             "2026-11-24T00:25:27Z#frag"}) {
    auto status = store_->RestoreVersion("a.jpg", forged);
    ASSERT_FALSE(status.has_value()) << forged;
    EXPECT_EQ(status.error().reason, "BlobNotFound") << forged;
  }
  EXPECT_TRUE(Requests().empty());
}

TEST_F(AzureRequestsTest, ListWithDeletedTagsAndVersionsReadsSoftDeleteFields) {
  const std::string deleted =
      "<Blob><Name>trash.jpg</Name><Deleted>true</Deleted><Properties>"
      "<Creation-Time>Mon, 23 Nov 2026 00:00:00 GMT</Creation-Time>"
      "<Last-Modified>Mon, 23 Nov 2026 00:00:00 GMT</Last-Modified><Etag>0x1</Etag>"
      "<Content-Length>4</Content-Length><Content-Type>image/png</Content-Type>"
      "<AccessTier>Cool</AccessTier><DeletedTime>Tue, 24 Nov 2026 00:00:00 GMT</DeletedTime>"
      "<RemainingRetentionDays>7</RemainingRetentionDays></Properties><Tags><TagSet>"
      "<Tag><Key>subscription_tier</Key><Value>free</Value></Tag></TagSet></Tags></Blob>";
  Script({Reply{200, {}, ListXml(deleted, "")}});
  ListOptions options;
  options.prefix = "t";
  options.max_results = 10;
  options.include_deleted = true;
  options.include_tags = true;
  options.include_versions = true;
  auto page = store_->List(options);
  ASSERT_TRUE(page.has_value()) << page.error().ToString();
  ASSERT_EQ(page->items.size(), 1u);
  const BlobProperties& item = page->items[0];
  EXPECT_TRUE(item.deleted);
  EXPECT_EQ(item.deleted_at, 1795478400);
  EXPECT_EQ(item.tier, AccessTier::kCool);
  EXPECT_EQ(item.tags, (Tags{{"subscription_tier", "free"}}));
  EXPECT_TRUE(item.is_current_version);  // no VersionId: an account without versioning
  EXPECT_TRUE(page->continuation.empty());
  auto query = QueryOf(Requests().at(0));
  EXPECT_EQ(query["include"], "deleted,tags,versions");
  EXPECT_EQ(query["maxresults"], "10");
}

TEST_F(AzureRequestsTest, PutSendsTheDocumentedHeaders) {
  Script({Reply{201,
                {{"ETag", "\"0x8DCABC\""},
                 {"Last-Modified", "Tue, 24 Nov 2026 00:25:27 GMT"},
                 {"x-ms-version-id", "2026-11-24T00:25:27.1234567Z"},
                 {"x-ms-request-server-encrypted", "true"}},
                ""}});
  PutOptions options;
  options.content_type = "image/webp";
  options.cache_control = "public, max-age=31536000, immutable";
  options.tags = {{"subscription_tier", "free"}, {"owner", "alice smith"}};
  options.tier = AccessTier::kCool;
  options.if_none_match_any = true;
  auto put = store_->Put("generated/alice/x.webp", "WEBPDATA", options);
  ASSERT_TRUE(put.has_value()) << put.error().ToString();
  EXPECT_EQ(put->etag, "\"0x8DCABC\"");
  EXPECT_EQ(put->last_modified, 1795479927);
  EXPECT_EQ(put->version_id, "2026-11-24T00:25:27.1234567Z");
  EXPECT_EQ(put->size, 8u);

  const auto requests = Requests();
  ASSERT_EQ(requests.size(), 1u);
  const RecordedRequest& r = requests[0];
  EXPECT_EQ(r.method, "PUT");
  EXPECT_EQ(r.Path(), BlobPathOf("generated/alice/x.webp"));
  EXPECT_EQ(r.body, "WEBPDATA");
  EXPECT_EQ(r.Header("x-ms-blob-type"), "BlockBlob");
  EXPECT_EQ(r.Header("x-ms-blob-content-type"), "image/webp");
  EXPECT_EQ(r.Header("x-ms-blob-cache-control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(r.Header("x-ms-access-tier"), "Cool");
  EXPECT_EQ(r.Header("If-None-Match"), "*");
  // x-ms-tags is a URL-encoded query string (Put Blob reference).
  EXPECT_EQ(r.Header("x-ms-tags"), "owner=alice%20smith&subscription_tier=free");
  ExpectSigned(r);
}

TEST_F(AzureRequestsTest, AzureErrorsBecomeBlobStoreReasons) {
  struct Case {
    Reply reply;
    ErrorCode code;
    std::string reason;
  };
  const std::vector<Case> cases = {
      {AzureError(409, "BlobAlreadyExists"), ErrorCode::kConflict, "ConditionNotMet"},
      {AzureError(412, "ConditionNotMet"), ErrorCode::kConflict, "ConditionNotMet"},
      {AzureError(409, "BlobArchived"), ErrorCode::kConflict, "BlobArchived"},
      {AzureError(404, "ContainerNotFound"), ErrorCode::kNotFound, "BlobNotFound"},
      {AzureError(403, "AuthorizationPermissionMismatch"), ErrorCode::kUnavailable,
       "StoreUnavailable"},
      {AzureError(401, "InvalidAuthenticationInfo"), ErrorCode::kUnavailable, "StoreUnavailable"},
  };
  for (const Case& c : cases) {
    Script({c.reply});
    PutOptions create_only;
    create_only.if_none_match_any = true;  // not idempotent: exactly one request per case
    auto put = store_->Put("a.jpg", "x", create_only);
    ASSERT_FALSE(put.has_value()) << c.reason;
    EXPECT_EQ(put.error().code, c.code) << c.reply.status;
    EXPECT_EQ(put.error().reason, c.reason) << c.reply.status;
  }
}

TEST_F(AzureRequestsTest, RangeReadAsksForTheRangeAndReadsTheTotalSize) {
  Script({Reply{206,
                {{"Content-Range", "bytes 2-4/10"},
                 {"Content-Type", "image/jpeg"},
                 {"ETag", "\"0x1\""},
                 {"Last-Modified", "Tue, 24 Nov 2026 00:25:27 GMT"},
                 {"x-ms-creation-time", "Tue, 24 Nov 2026 00:00:00 GMT"}},
                "234"}});
  auto got = store_->Get("d.jpg", ByteRange{2, 3});
  ASSERT_TRUE(got.has_value()) << got.error().ToString();
  EXPECT_EQ(got->bytes, "234");
  EXPECT_EQ(got->range_offset, 2u);
  EXPECT_EQ(got->properties.size, 10u);
  EXPECT_EQ(got->properties.created, 1795478400);
  EXPECT_EQ(Requests().at(0).Header("x-ms-range"), "bytes=2-4");

  // A length running past 2^64 must not wrap into a bogus range: it reads to the end.
  Script({Reply{206, {{"Content-Range", "bytes 8-9/10"}}, "89"}});
  auto tail = store_->Get("d.jpg", ByteRange{8, UINT64_MAX});
  ASSERT_TRUE(tail.has_value()) << tail.error().ToString();
  EXPECT_EQ(tail->bytes, "89");
  EXPECT_EQ(Requests().at(1).Header("x-ms-range"), "bytes=8-");
}

TEST_F(AzureRequestsTest, SetTierAndSetTagsRequests) {
  Script({Reply{202, {}, ""}, Reply{204, {}, ""}});
  ASSERT_TRUE(store_->SetTier("a.jpg", AccessTier::kArchive));
  ASSERT_TRUE(store_->SetTags("a.jpg", {{"k", "a b+c-d.e:f=g_h/i"}, {"z", ""}}));
  const auto requests = Requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].method, "PUT");
  EXPECT_EQ(QueryOf(requests[0])["comp"], "tier");
  EXPECT_EQ(requests[0].Header("x-ms-access-tier"), "Archive");
  EXPECT_EQ(QueryOf(requests[1])["comp"], "tags");
  EXPECT_EQ(requests[1].body,
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><Tags><TagSet><Tag><Key>k</Key><Value>"
            "a b+c-d.e:f=g_h/i</Value></Tag><Tag><Key>z</Key><Value></Value></Tag></TagSet>"
            "</Tags>");
  EXPECT_EQ(requests[1].Header("content-type").rfind("application/xml", 0), 0u);
}

TEST_F(AzureRequestsTest, RehydratePriorityAndDeleteVersionRequests) {
  Script({Reply{202, {}, ""}, Reply{202, {}, ""}});
  ASSERT_TRUE(store_->SetTier("a.jpg", AccessTier::kHot, RehydratePriority::kHigh));
  ASSERT_TRUE(store_->DeleteVersion("a/b.jpg", "2026-11-24T00:25:27.1234567Z"));
  const auto requests = Requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].Header("x-ms-access-tier"), "Hot");
  EXPECT_EQ(requests[0].Header("x-ms-rehydrate-priority"), "High");
  EXPECT_EQ(requests[1].method, "DELETE");
  EXPECT_EQ(requests[1].Path(), BlobPathOf("a/b.jpg"));
  EXPECT_EQ(QueryOf(requests[1])["versionid"], "2026-11-24T00:25:27.1234567Z");
  ExpectSigned(requests[1]);
  // A version id that cannot be one is refused before any request.
  EXPECT_EQ(store_->DeleteVersion("a.jpg", "../x").error().reason, "BlobNotFound");
  EXPECT_EQ(Requests().size(), 2u);
}

// A failed job's blob is taken back for good: Delete Blob, then Delete Blob of the version the
// failed Put made, which versioning would otherwise keep as a previous version for 90 days.
TEST_F(AzureRequestsTest, DiscardDeletesTheBlobThenTheVersionItsPutMade) {
  const std::string version = "2026-11-24T00:25:27.1234567Z";
  Script({Reply{202, {}, ""}, Reply{202, {}, ""}});
  ASSERT_TRUE(store_->Discard("a/b.jpg", version));
  auto requests = Requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].method, "DELETE");
  EXPECT_EQ(requests[0].Path(), BlobPathOf("a/b.jpg"));
  EXPECT_EQ(requests[0].Query(), "");
  EXPECT_EQ(requests[1].method, "DELETE");
  EXPECT_EQ(QueryOf(requests[1]), (std::map<std::string, std::string>{{"versionid", version}}));
  ExpectSigned(requests[1]);

  // Versioning off (no version id from the Put): the Delete alone.
  Script({Reply{202, {}, ""}});
  ASSERT_TRUE(store_->Discard("a/c.jpg", ""));
  EXPECT_EQ(Requests().size(), 3u);

  // The version gone already (BlobNotFound) is not an error; a failing Delete is.
  Script({Reply{202, {}, ""}, AzureError(404, "BlobNotFound")});
  EXPECT_TRUE(store_->Discard("a/d.jpg", version));
  Script({AzureError(403, "AuthorizationFailure")});
  auto refused = store_->Discard("a/e.jpg", version);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(Requests().size(), 6u);  // no DeleteVersion after a refused Delete
}

TEST_F(AzureRequestsTest, PropertiesCarryColdTierAndArchiveStatus) {
  Script({Reply{200,
                {{"x-ms-access-tier", "Archive"},
                 {"x-ms-archive-status", "rehydrate-pending-to-hot"},
                 {"content-length", "3"}},
                ""},
          Reply{200, {{"x-ms-access-tier", "Cold"}, {"content-length", "3"}}, ""}});
  auto archived = store_->GetProperties("a.jpg");
  ASSERT_TRUE(archived) << archived.error().ToString();
  EXPECT_EQ(archived->tier, AccessTier::kArchive);
  EXPECT_EQ(archived->archive_status, "rehydrate-pending-to-hot");
  auto cold = store_->GetProperties("b.jpg");
  ASSERT_TRUE(cold);
  EXPECT_EQ(cold->tier, AccessTier::kCold);
  EXPECT_EQ(cold->archive_status, "");
}

TEST(AzureBlobXmlTest, TagsXmlEscapesAndRoundTrips) {
  // ValidateTags keeps XML's special characters out of tags; the writer escapes them regardless.
  const Tags tags = {{"a&b", "<v>"}, {"q", "'\""}};
  const std::string xml = TagsXml(tags);
  EXPECT_EQ(xml.find("<v>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("&lt;v&gt;"), std::string::npos) << xml;
  auto parsed = ParseTagsXml(xml);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(*parsed, tags);
  EXPECT_FALSE(ParseTagsXml("<Tags><TagSet>").has_value());
}

TEST_F(AzureRequestsTest, FindByTagsPagesThroughTheContainer) {
  auto page = [](const std::string& names, const std::string& next) {
    return Reply{200,
                 {},
                 "<?xml version=\"1.0\" encoding=\"utf-8\"?><EnumerationResults><Where>w"
                 "</Where><Blobs>" +
                     names + "</Blobs><NextMarker>" + next + "</NextMarker></EnumerationResults>"};
  };
  Script(
      {page("<Blob><Name>a.jpg</Name><ContainerName>noisett-storage</ContainerName></Blob>",
            "next"),
       page("<Blob><Name>b.jpg</Name><ContainerName>noisett-storage</ContainerName></Blob>", "")});
  auto found = store_->FindByTags("\"subscription_tier\" = 'free'");
  ASSERT_TRUE(found.has_value()) << found.error().ToString();
  EXPECT_EQ(*found, (std::vector<std::string>{"a.jpg", "b.jpg"}));
  const auto requests = Requests();
  ASSERT_EQ(requests.size(), 2u);
  auto query = QueryOf(requests[0]);
  EXPECT_EQ(requests[0].Path(), "/devstoreaccount1/noisett-storage");
  EXPECT_EQ(query["restype"], "container");
  EXPECT_EQ(query["comp"], "blobs");
  EXPECT_EQ(query["where"], "\"subscription_tier\" = 'free'");
  EXPECT_EQ(QueryOf(requests[1])["marker"], "next");
}

TEST_F(AzureRequestsTest, MalformedListXmlIsStoreUnavailable) {
  Script({Reply{200, {}, "<html>proxy error</html>"}});
  auto page = store_->List({});
  ASSERT_FALSE(page.has_value());
  EXPECT_EQ(page.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(page.error().reason, "StoreUnavailable");
}

}  // namespace
}  // namespace noisett::storage::azure
