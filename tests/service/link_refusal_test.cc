// Signed links are capabilities for exactly one blob until exactly one instant: every change to the
// signature, the path (another job, another user, thumbnail ↔ full image), the expiry or the
// permission is refused with 403, and so is a correctly signed link whose time is up.
#include <ctime>

#include "core/clock.h"
#include "service/e2e_fixture.h"
#include "storage/link_keys.h"
#include "storage/link_signer.h"
#include "storage/query_params.h"

namespace noisett::service_e2e {
namespace {

class LinkRefusalTest : public InProcessE2eTest {
 protected:
  static std::string QueryOf(const std::string& url) {
    const size_t q = url.find('?');
    return q == std::string::npos ? "" : url.substr(q + 1);
  }

  // The link with query parameter `name` set to `value` (the rest kept, in order).
  static std::string WithParam(const std::string& url, const std::string& name,
                               const std::string& value) {
    auto query = storage::QueryParams::Parse(QueryOf(url));
    EXPECT_TRUE(query.has_value());
    storage::QueryParams out;
    for (const auto& [n, v] : query->entries()) out.Add(n, n == name ? value : v);
    return PathAndQuery(url).substr(0, PathAndQuery(url).find('?')) + "?" + out.Encode();
  }

  // The link's query on another blob's path.
  static std::string OnPath(const std::string& url, const std::string& blob_path) {
    return std::string("/blobs/") + kContainer + "/" + blob_path + "?" + QueryOf(url);
  }

  static void ExpectRefused(const std::string& target, const std::string& reason) {
    const RawResponse r = FetchLink(target);
    EXPECT_EQ(r.status, 403) << target << " -> " << r.body;
    EXPECT_EQ(ErrorCode(r), reason) << target << " -> " << r.body;
    EXPECT_EQ(r.body.find("\xFF\xD8\xFF"), std::string::npos) << "image bytes in a refusal";
  }

  static std::string Param(const std::string& url, const std::string& name) {
    auto query = storage::QueryParams::Parse(QueryOf(url));
    if (!query || !query->Get(name)) return "";
    return std::string(*query->Get(name));
  }

  void SetUp() override {
    E2eTest::SetUp();
    if (HasFatalFailure()) return;
    const Json a1 = Upload(alice_, Png(80, 60));
    const Json a2 = Upload(alice_, Png(80, 60));
    const Json b1 = Upload(bob_, Png(80, 60));
    url_ = a1["image"].value("url", "");
    thumb_url_ = a1["image"].value("thumbnail_url", "");
    other_job_url_ = a2["image"].value("url", "");
    bob_url_ = b1["image"].value("url", "");
    ASSERT_FALSE(url_.empty() || thumb_url_.empty() || other_job_url_.empty() || bob_url_.empty());
    // The untouched link works, so each refusal below is caused by its one change.
    ASSERT_EQ(FetchLink(url_).status, 200);
  }

  std::string url_, thumb_url_, other_job_url_, bob_url_;
};

TEST_F(LinkRefusalTest, TamperedSignatureIsRefused) {
  std::string sig = Param(url_, "sig");
  ASSERT_FALSE(sig.empty());
  sig[0] = sig[0] == 'A' ? 'B' : 'A';
  ExpectRefused(WithParam(url_, "sig", sig), "link_bad_signature");
  // The signature of another blob's link does not fit this one either.
  ExpectRefused(WithParam(url_, "sig", Param(other_job_url_, "sig")), "link_bad_signature");
}

TEST_F(LinkRefusalTest, LinkOnAnotherJobsPathIsRefused) {
  ExpectRefused(OnPath(url_, BlobPathOfLink(other_job_url_)), "link_bad_signature");
}

TEST_F(LinkRefusalTest, LinkOnAnotherUsersPathIsRefused) {
  ExpectRefused(OnPath(url_, BlobPathOfLink(bob_url_)), "link_bad_signature");
  // alice's link with only the user segment changed: bob has no such job, but the signature
  // check comes first and must not tell the two apart.
  std::string path = BlobPathOfLink(url_);
  path.replace(path.find("/alice/"), 7, "/bob/");
  ExpectRefused(OnPath(url_, path), "link_bad_signature");
}

TEST_F(LinkRefusalTest, ThumbnailLinkDoesNotOpenTheFullImageNorTheReverse) {
  ExpectRefused(OnPath(thumb_url_, BlobPathOfLink(url_)), "link_bad_signature");
  ExpectRefused(OnPath(url_, BlobPathOfLink(thumb_url_)), "link_bad_signature");
  // Nor the job's metadata.json next to them.
  std::string meta = BlobPathOfLink(url_);
  meta = meta.substr(0, meta.rfind('/') + 1) + "metadata.json";
  ExpectRefused(OnPath(url_, meta), "link_bad_signature");
}

TEST_F(LinkRefusalTest, ChangedExpiryIsRefused) {
  const std::string se = Param(url_, "se");
  ASSERT_EQ(se.size(), 20u) << se;
  auto expires = storage::ParseIsoUtc(se);
  ASSERT_TRUE(expires.has_value());
  // Later (a longer life) and earlier (still in the future): both break the signature.
  ExpectRefused(WithParam(url_, "se", storage::FormatIsoUtc(*expires + 86400)),
                "link_bad_signature");
  ExpectRefused(WithParam(url_, "se", storage::FormatIsoUtc(*expires - 60)), "link_bad_signature");
  // An se in the past is refused too (signature or expiry: either way not served).
  const RawResponse past = FetchLink(WithParam(url_, "se", "2001-01-01T00:00:00Z"));
  EXPECT_EQ(past.status, 403) << past.body;
}

TEST_F(LinkRefusalTest, WritePermissionOrOtherResourceIsRefused) {
  ExpectRefused(WithParam(url_, "sp", "w"), "link_bad_permission");
  ExpectRefused(WithParam(url_, "sp", "rw"), "link_bad_permission");
  ExpectRefused(WithParam(url_, "sr", "c"), "link_bad_permission");
}

TEST_F(LinkRefusalTest, MissingDuplicatedOrUnknownParametersAreRefused) {
  ExpectRefused(PathAndQuery(url_).substr(0, PathAndQuery(url_).find('?')), "link_missing_param");
  std::string without_sig = PathAndQuery(url_);
  without_sig = without_sig.substr(0, without_sig.find("&sig="));
  ExpectRefused(without_sig, "link_missing_param");
  ExpectRefused(PathAndQuery(url_) + "&sp=r", "link_duplicate_param");
  ExpectRefused(WithParam(url_, "skid", "local-00000000"), "link_unknown_key");
  ExpectRefused(WithParam(url_, "sv", "noisett-2"), "link_bad_version");
  // An st (start time) is signed as given, so adding one breaks the signature.
  const RawResponse st = FetchLink(PathAndQuery(url_) + "&st=2001-01-01T00%3A00%3A00Z");
  EXPECT_EQ(st.status, 403) << st.body;
}

// A real expiry: the server has no flag for a link lifetime shorter than images.url's 1 hour, so
// the test signs links itself with the server's own key (DATA/link-keys/link.key) and a clock set
// in the past. The same signer's link for the future is served (the key and format agree with the
// server's), so the refusal of the expired one is the expiry and nothing else.
TEST_F(LinkRefusalTest, CorrectlySignedLinkIsRefusedOnceExpired) {
  auto keys = storage::LoadOrCreateDataDirLinkKey(noisett().data_dir());
  ASSERT_TRUE(keys.has_value()) << keys.error().ToString();
  const int64_t now = std::time(nullptr);
  ManualClock clock(now - 7200);
  auto signer = storage::LocalLinkSigner::Create(noisett().base_url(), *keys, clock);
  ASSERT_TRUE(signer.has_value()) << signer.error().ToString();
  const std::string path = BlobPathOfLink(url_);

  auto fresh = (*signer)->Sign(kContainer, path, now + 600);
  ASSERT_TRUE(fresh.has_value()) << fresh.error().ToString();
  ASSERT_EQ(FetchLink(fresh->url).status, 200) << "the test's signer does not match the server's";

  auto expired = (*signer)->Sign(kContainer, path, now - 3600);
  ASSERT_TRUE(expired.has_value()) << expired.error().ToString();
  ExpectRefused(expired->url, "link_expired");
  // The expiry instant itself is already invalid ("the first instant it is invalid").
  auto just_now = (*signer)->Sign(kContainer, path, now - 1);
  ASSERT_TRUE(just_now.has_value());
  ExpectRefused(just_now->url, "link_expired");
}

TEST_F(LinkRefusalTest, CorrectlySignedLinkForAnotherContainerIsNotServed) {
  auto keys = storage::LoadOrCreateDataDirLinkKey(noisett().data_dir());
  ASSERT_TRUE(keys.has_value());
  auto signer = storage::LocalLinkSigner::Create(noisett().base_url(), *keys,
                                                 SystemClock::Instance());
  ASSERT_TRUE(signer.has_value());
  auto link = (*signer)->Sign("other-container", BlobPathOfLink(url_), std::time(nullptr) + 600);
  ASSERT_TRUE(link.has_value());
  const RawResponse r = FetchLink(link->url);
  EXPECT_EQ(r.status, 404) << r.body;
  EXPECT_EQ(r.body.find("\xFF\xD8\xFF"), std::string::npos);
}

}  // namespace
}  // namespace noisett::service_e2e
