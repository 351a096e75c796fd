// LocalLinkSigner: a link it signs verifies for exactly one blob until se, and every change to it
// is refused with a stable reason. The golden URL was computed independently with Python's hmac
// and urllib, so the string-to-sign format is pinned, not just self-consistent.
#include "storage/link_signer.h"

#include <gtest/gtest.h>

#include <string>

#include "core/base64.h"
#include "core/clock.h"
#include "core/percent_encoding.h"
#include "storage/links/link_test_support.h"

namespace noisett::storage {
namespace {

using testing::Keys;
using testing::kSecretA;
using testing::kSecretB;
using testing::ParseLinkUrl;
using testing::WithParam;

constexpr char kBase[] = "https://noisett.example.com";
constexpr char kContainer[] = "noisett-storage";
constexpr char kPath[] = "generated/alice/01JABC/image_0.jpg";
constexpr int64_t kSe = 1795456800;  // 2026-11-23T18:00:00Z
constexpr int64_t kNow = kSe - 3600;

std::string KeyA() { return std::string("k1:") + kSecretA; }

class LinkSignerTest : public ::testing::Test {
 protected:
  std::unique_ptr<LocalLinkSigner> MakeSigner(const std::string& keys) {
    auto signer = LocalLinkSigner::Create(kBase, Keys(keys), clock_);
    EXPECT_TRUE(signer) << signer.error().ToString();
    return signer ? std::move(*signer) : nullptr;
  }

  std::string SignUrl(LocalLinkSigner& signer, const std::string& path = kPath,
                      int64_t expires_at = kSe) {
    auto link = signer.Sign(kContainer, path, expires_at);
    EXPECT_TRUE(link) << link.error().ToString();
    return link ? link->url : "";
  }
  std::string SignUrl() { return SignUrl(*signer_); }

  // What GET /blobs/... decides for `url` at `now`, as (container, path) in the URL. VerifyQuery
  // (what the blob route calls, on the raw query) must decide the same, every time: every test
  // below that goes through here checks both.
  Status VerifyUrl(const std::string& url, int64_t now = kNow,
                   const LocalLinkSigner* signer = nullptr) {
    const LocalLinkSigner& s = signer ? *signer : *signer_;
    auto parsed = ParseLinkUrl(url, kBase);
    Status verified = parsed ? s.Verify(parsed->container, parsed->blob_path, parsed->query, now)
                             : Status(Unexpected(parsed.error()));
    // The same container and path, whatever the query: the URL up to '?' with none.
    auto target = ParseLinkUrl(url.substr(0, url.find('?') + 1), kBase);
    EXPECT_TRUE(target) << url;
    if (!target) return verified;
    const std::string raw = url.substr(url.find('?') + 1);
    auto expiry = s.VerifyQuery(target->container, target->blob_path, raw, now);
    EXPECT_EQ(bool(expiry), bool(verified)) << url;
    if (!expiry && !verified) {
      EXPECT_EQ(expiry.error().reason, verified.error().reason) << url;
    }
    if (expiry) {
      EXPECT_EQ(*expiry, *ParseIsoUtc(*parsed->query.Get("se"))) << url;
    }
    return verified;
  }

  // Verify the query of `url` against a different container or path than the URL names.
  Status VerifyFor(const std::string& url, std::string_view container, std::string_view path) {
    auto parsed = ParseLinkUrl(url, kBase);
    if (!parsed) return Unexpected(parsed.error());
    return signer_->Verify(container, path, parsed->query, kNow);
  }

  ManualClock clock_{kNow};
  std::unique_ptr<LocalLinkSigner> signer_ = MakeSigner(KeyA());
};

void ExpectRefused(const Status& s, const std::string& reason) {
  ASSERT_FALSE(s) << "accepted; expected " << reason;
  EXPECT_EQ(s.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(s.error().reason, reason) << s.error().ToString();
}

TEST_F(LinkSignerTest, GoldenUrl) {
  auto link = signer_->Sign(kContainer, "generated/alice/01JABC/image 0+1.jpg", kSe);
  ASSERT_TRUE(link) << link.error().ToString();
  EXPECT_EQ(link->expires_at, kSe);
  EXPECT_EQ(link->url,
            "https://noisett.example.com/blobs/noisett-storage/generated/alice/01JABC/"
            "image%200%2B1.jpg?sv=noisett-1&se=2026-11-23T18%3A00%3A00Z&sr=b&sp=r&skid=k1"
            "&sig=uJuIAMM6xb4Z82RiC79Ie%2BcsUcTe2jO%2BkVQJEBpJrU4%3D");
  EXPECT_TRUE(VerifyUrl(link->url));
}

TEST_F(LinkSignerTest, StringToSignIsSevenLinesInAzureOrder) {
  EXPECT_EQ(LocalLinkStringToSign("r", "", "2026-11-23T18:00:00Z", "c0ntainer", "a/b c.jpg", "k1",
                                  "noisett-1", "b"),
            "r\n\n2026-11-23T18:00:00Z\n/blob/c0ntainer/a/b c.jpg\nk1\nnoisett-1\nb");
}

TEST_F(LinkSignerTest, SignThenVerify) {
  const std::string url = SignUrl();
  EXPECT_TRUE(VerifyUrl(url, kNow));
  EXPECT_TRUE(VerifyUrl(url, kSe - 1));
  // No start time: valid from signing (at most a week before se) until se.
  EXPECT_TRUE(VerifyUrl(url, kSe - kMaxLinkLifetimeSeconds));
}

TEST_F(LinkSignerTest, BaseUrlIsNormalizedAndValidated) {
  auto slash = LocalLinkSigner::Create("https://noisett.example.com/", Keys(KeyA()), clock_);
  ASSERT_TRUE(slash);
  auto link = (*slash)->Sign(kContainer, kPath, kSe);
  ASSERT_TRUE(link);
  EXPECT_EQ(link->url.rfind("https://noisett.example.com/blobs/noisett-storage/generated/", 0), 0u);
  auto bad = LocalLinkSigner::Create("noisett.example.com", Keys(KeyA()), clock_);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().reason, "bad_base_url");
  EXPECT_NE(bad.error().message.find("NOISETT_PUBLIC_URL"), std::string::npos);
}

TEST_F(LinkSignerTest, SignatureChangedByOneCharacter) {
  const std::string url = SignUrl();
  auto parsed = ParseLinkUrl(url, kBase);
  ASSERT_TRUE(parsed);
  const std::string sig(*parsed->query.Get("sig"));
  for (size_t i : {size_t{0}, sig.size() / 2, sig.size() - 2}) {
    std::string changed = sig;
    changed[i] = changed[i] == 'A' ? 'B' : 'A';
    ExpectRefused(VerifyUrl(WithParam(url, "sig",
                                      PercentEncode(changed, PercentKeep::kLinkComponent).c_str())),
                  "link_bad_signature");
  }
}

TEST_F(LinkSignerTest, SignatureOfTheWrongLengthOrNotBase64) {
  const std::string url = SignUrl();
  const std::string long_sig = Base64Encode(std::string(1000, 'x'));
  for (const char* sig :
       {"", "AAAA", "uJuI", "%21%21%21%21", "uJuIAMM6xb4Z82RiC79Ie", "=", long_sig.c_str()}) {
    ExpectRefused(VerifyUrl(WithParam(url, "sig", sig)), "link_bad_signature");
  }
}

TEST_F(LinkSignerTest, AnUnencodedPlusInTheSignatureStillMeansPlus) {
  // Some clients and proxies decode %2B to '+' on the way; '+' is not a space for us.
  auto link = signer_->Sign(kContainer, "generated/alice/01JABC/image 0+1.jpg", kSe);
  ASSERT_TRUE(link);
  std::string url = link->url;
  const size_t sig_at = url.find("&sig=");
  ASSERT_NE(url.find("%2B", sig_at), std::string::npos);
  std::string plain = url.substr(0, sig_at);
  for (size_t i = sig_at; i < url.size(); ++i) {
    const bool escaped_plus = url.compare(i, 3, "%2B") == 0;
    plain.push_back(escaped_plus ? '+' : url[i]);
    if (escaped_plus) i += 2;
  }
  url = plain;
  EXPECT_TRUE(VerifyUrl(url));
}

TEST_F(LinkSignerTest, PathOrContainerChanged) {
  const std::string url = SignUrl();
  for (const char* path :
       {"generated/bob/01JABC/image_0.jpg",          // other user
        "generated/alice/01JXYZ/image_0.jpg",        // other job
        "generated/alice/01JABC/thumb_image_0.jpg",  // thumbnail, not full
        "generated/alice/01JABC/image_1.jpg",        // other index
        "generated/alice/01JABC/metadata.json", "generated/alice/01JABC/image_0.jpg/x",
        "generated/alice/01JABC/../01JABC/image_0.jpg", "Generated/alice/01JABC/image_0.jpg"}) {
    ExpectRefused(VerifyFor(url, kContainer, path), "link_bad_signature");
  }
  ExpectRefused(VerifyFor(url, "other-container", kPath), "link_bad_signature");
  // Moving the container/path boundary keeps "/blob/{container}/{path}" the same; a container
  // with '/' is never valid, so the shift is refused.
  ExpectRefused(VerifyFor(url, "noisett-storage/generated", "alice/01JABC/image_0.jpg"),
                "link_bad_signature");
  // A thumbnail link does not open the full image either.
  const std::string thumb = SignUrl(*signer_, "generated/alice/01JABC/thumb_image_0.jpg");
  ExpectRefused(VerifyFor(thumb, kContainer, kPath), "link_bad_signature");
}

TEST_F(LinkSignerTest, ExpiryExtendedOrMalformed) {
  const std::string url = SignUrl();
  for (const char* se :
       {"2026-11-30T18%3A00%3A00Z", "2026-11-23T18%3A00%3A01Z", "2099-01-01T00%3A00%3A00Z",
        "2026-11-23T18:00:00Z%0A", "2026-11-23T18%3A00%3A00", "garbage"}) {
    ExpectRefused(VerifyUrl(WithParam(url, "se", se)), "link_bad_signature");
  }
}

TEST_F(LinkSignerTest, PermissionAndResourceChanged) {
  const std::string url = SignUrl();
  for (const char* sp : {"rw", "w", "rwd", "racwd", "R", ""}) {
    ExpectRefused(VerifyUrl(WithParam(url, "sp", sp)), "link_bad_permission");
  }
  for (const char* sr : {"c", "bv", "bs", "B", ""}) {
    ExpectRefused(VerifyUrl(WithParam(url, "sr", sr)), "link_bad_permission");
  }
}

TEST_F(LinkSignerTest, UnknownKeyOrVersion) {
  const std::string url = SignUrl();
  ExpectRefused(VerifyUrl(WithParam(url, "skid", "k2")), "link_unknown_key");
  ExpectRefused(VerifyUrl(WithParam(url, "skid", "")), "link_unknown_key");
  for (const char* sv : {"2025-05-05", "noisett-2", "noisett-0", ""}) {
    ExpectRefused(VerifyUrl(WithParam(url, "sv", sv)), "link_bad_version");
  }
}

TEST_F(LinkSignerTest, MissingEachParam) {
  const std::string url = SignUrl();
  for (const char* name : {"sv", "se", "sr", "sp", "skid", "sig"}) {
    SCOPED_TRACE(name);
    ExpectRefused(VerifyUrl(WithParam(url, name, nullptr)), "link_missing_param");
  }
  ExpectRefused(signer_->Verify(kContainer, kPath, QueryParams(), kNow), "link_missing_param");
}

TEST_F(LinkSignerTest, DuplicateParam) {
  const std::string url = SignUrl();
  for (const char* extra :
       {"&sp=r", "&sp=rw", "&sig=AAAA", "&s%6B%69%64=k1", "&st=&st=", "&se=x"}) {
    SCOPED_TRACE(extra);
    ExpectRefused(VerifyUrl(url + extra), "link_duplicate_param");
  }
  // A QueryParams built without Parse's check is refused by Verify itself.
  auto parsed = ParseLinkUrl(url, kBase);
  ASSERT_TRUE(parsed);
  QueryParams doubled = parsed->query;
  doubled.Add("sp", "r");
  ExpectRefused(signer_->Verify(kContainer, kPath, doubled, kNow), "link_duplicate_param");
  QueryParams two_st = parsed->query;
  two_st.Add("st", "");
  two_st.Add("st", "");
  ExpectRefused(signer_->Verify(kContainer, kPath, two_st, kNow), "link_duplicate_param");
}

TEST_F(LinkSignerTest, AddedStartTimeBreaksTheSignatureAndOtherParamsAreIgnored) {
  const std::string url = SignUrl();
  ExpectRefused(VerifyUrl(url + "&st=2026-11-23T17%3A00%3A00Z"), "link_bad_signature");
  // An empty st is exactly what was signed.
  EXPECT_TRUE(VerifyUrl(url + "&st="));
  // Unsigned extras (a CDN cache-buster) change nothing the link grants.
  EXPECT_TRUE(VerifyUrl(url + "&v=2&utm_source=mail"));
}

TEST_F(LinkSignerTest, ExpiredAtAndAfterSe) {
  const std::string url = SignUrl();
  EXPECT_TRUE(VerifyUrl(url, kSe - 1));
  clock_.Set(kSe);
  ExpectRefused(VerifyUrl(url, clock_.NowSeconds()), "link_expired");
  clock_.Advance(1);
  ExpectRefused(VerifyUrl(url, clock_.NowSeconds()), "link_expired");
  ExpectRefused(VerifyUrl(url, kSe + 365 * 86400), "link_expired");
}

TEST_F(LinkSignerTest, ExpiryIsCappedAtSevenDays) {
  auto link = signer_->Sign(kContainer, kPath, kNow + 30 * 86400);
  ASSERT_TRUE(link);
  EXPECT_EQ(link->expires_at, kNow + kMaxLinkLifetimeSeconds);
  auto parsed = ParseLinkUrl(link->url, kBase);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->query.Get("se"), FormatIsoUtc(kNow + 604800));
  EXPECT_TRUE(VerifyUrl(link->url, kNow + 604799));
  ExpectRefused(VerifyUrl(link->url, kNow + 604800), "link_expired");

  auto week = signer_->Sign(kContainer, kPath, kNow + 168 * 3600);  // images.url's maximum
  ASSERT_TRUE(week);
  EXPECT_EQ(week->expires_at, kNow + 168 * 3600);
  auto second = signer_->Sign(kContainer, kPath, kNow + 1);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->expires_at, kNow + 1);
}

// Signed by the right key, but for longer than a week (here: by a signer whose clock is 300
// days ahead, as good as one without the cap): refused, so it is never served with a max-age of
// a year. A week, plus a few minutes of clock skew between instances, still passes.
TEST_F(LinkSignerTest, LinkValidForLongerThanSevenDaysIsRefusedWhoeverSignedIt) {
  ManualClock ahead{kNow + 300 * 86400};
  auto far = LocalLinkSigner::Create(kBase, Keys(KeyA()), ahead);
  ASSERT_TRUE(far);
  const int64_t year_out = kNow + 300 * 86400 + kMaxLinkLifetimeSeconds;
  const std::string url = SignUrl(**far, kPath, year_out);
  ExpectRefused(VerifyUrl(url, kNow), "link_bad_expiry");
  EXPECT_TRUE(VerifyUrl(url, kNow + 300 * 86400)) << "the signature itself is good";
  ManualClock skewed{kNow + kLinkClockSkewSeconds};
  auto skew = LocalLinkSigner::Create(kBase, Keys(KeyA()), skewed);
  ASSERT_TRUE(skew);
  const std::string week =
      SignUrl(**skew, kPath, kNow + kLinkClockSkewSeconds + kMaxLinkLifetimeSeconds);
  EXPECT_TRUE(VerifyUrl(week, kNow));
  ManualClock too_far{kNow + kLinkClockSkewSeconds + 1};
  auto beyond = LocalLinkSigner::Create(kBase, Keys(KeyA()), too_far);
  ASSERT_TRUE(beyond);
  ExpectRefused(VerifyUrl(SignUrl(**beyond, kPath, kNow + kLinkClockSkewSeconds + 1 +
                                                      kMaxLinkLifetimeSeconds),
                          kNow),
                "link_bad_expiry");
}

TEST_F(LinkSignerTest, SignRefusesPastExpiryAndBadTargets) {
  for (int64_t when : {kNow, kNow - 1, int64_t{0}}) {
    auto link = signer_->Sign(kContainer, kPath, when);
    ASSERT_FALSE(link);
    EXPECT_EQ(link.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(link.error().reason, "link_bad_expiry");
  }
  EXPECT_EQ(signer_->Sign("Bad_Container", kPath, kSe).error().reason, "link_bad_container");
  for (const char* path : {"", "/abs", "a/../b", "a//b", "a\nb"}) {
    EXPECT_EQ(signer_->Sign(kContainer, path, kSe).error().reason, "link_bad_path") << path;
  }
}

TEST_F(LinkSignerTest, KeyRotation) {
  auto old_only = MakeSigner(std::string("old:") + kSecretA);
  const std::string old_link = SignUrl(*old_only);
  ASSERT_NE(old_link.find("skid=old"), std::string::npos);

  // Add the new key last: it signs from now on, and links made with the old key still work.
  auto both = MakeSigner(std::string("old:") + kSecretA + ",new:" + kSecretB);
  EXPECT_TRUE(VerifyUrl(old_link, kNow, both.get()));
  const std::string new_link = SignUrl(*both);
  EXPECT_NE(new_link.find("skid=new"), std::string::npos);
  EXPECT_TRUE(VerifyUrl(new_link, kNow, both.get()));
  ExpectRefused(VerifyUrl(new_link, kNow, old_only.get()), "link_unknown_key");

  // Drop the old key: its links stop working, the new ones keep going.
  auto new_only = MakeSigner(std::string("new:") + kSecretB);
  ExpectRefused(VerifyUrl(old_link, kNow, new_only.get()), "link_unknown_key");
  EXPECT_TRUE(VerifyUrl(new_link, kNow, new_only.get()));

  // Relabelling a key (same id, other secret) is a signature failure, not a silent accept.
  auto relabelled = MakeSigner(std::string("old:") + kSecretB);
  ExpectRefused(VerifyUrl(old_link, kNow, relabelled.get()), "link_bad_signature");
}

TEST_F(LinkSignerTest, NamesWithAllowedCharactersRoundTrip) {
  for (const char* path : {"generated/alice/01JABC/image_0.jpg", "a b/c d.jpg", "x+y/z%20w.png",
                           "q?uery#frag&amp=1;x.jpg", "caf\xC3\xA9/\xE6\x97\xA5\xE6\x9C\xAC.jpg",
                           "tilde~/semi;colon/a'b\"c<d>.jpg", "..a/b..", "-_./x"}) {
    SCOPED_TRACE(path);
    const std::string url = SignUrl(*signer_, path);
    const std::string path_part = url.substr(0, url.find('?'));
    EXPECT_EQ(path_part.find_first_of(" #+?&;'\"<>~"), std::string::npos) << path_part;
    auto parsed = ParseLinkUrl(url, kBase);
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->container, kContainer);
    EXPECT_EQ(parsed->blob_path, path);
    EXPECT_TRUE(VerifyUrl(url));
  }
}

TEST(IsoUtcTest, FormatAndStrictParse) {
  EXPECT_EQ(FormatIsoUtc(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatIsoUtc(kSe), "2026-11-23T18:00:00Z");
  EXPECT_EQ(FormatIsoUtc(1835481599), "2028-02-29T23:59:59Z");
  for (int64_t t : {int64_t{0}, kSe, int64_t{1835481599}, int64_t{253402300799}}) {
    auto back = ParseIsoUtc(FormatIsoUtc(t));
    ASSERT_TRUE(back) << t;
    EXPECT_EQ(*back, t);
  }
  for (const char* bad : {"", "2026-11-23T18:00:00", "2026-11-23T18:00:00z", "2026-11-23 18:00:00Z",
                          "2026-11-23T18:00:00+00:00", "2026-02-29T00:00:00Z",
                          "2026-04-31T00:00:00Z", "2026-13-01T00:00:00Z", "2026-00-01T00:00:00Z",
                          "2026-11-23T24:00:00Z", "2026-11-23T18:60:00Z", "2026-11-23T18:00:60Z",
                          "1969-12-31T23:59:59Z", "+026-11-23T18:00:00Z", "2026-1-23T18:00:00ZZ",
                          "2026-11-23T18:00:00.5Z", "2026_11_23T18:00:00Z"}) {
    auto r = ParseIsoUtc(bad);
    EXPECT_FALSE(r) << bad;
    if (!r) {
      EXPECT_EQ(r.error().reason, "bad_time");
    }
  }
}

TEST(MaxAgeForTest, NeverBeyondTheLinkNorAYearNorNegative) {
  EXPECT_EQ(MaxAgeFor(kSe, kSe - 3600), 3600);
  EXPECT_EQ(MaxAgeFor(kSe, kSe - 1), 1);
  EXPECT_EQ(MaxAgeFor(kSe, kSe), 0);
  EXPECT_EQ(MaxAgeFor(kSe, kSe + 10), 0);
  EXPECT_EQ(MaxAgeFor(kSe, kSe - kMaxLinkLifetimeSeconds), 604800);
  EXPECT_EQ(MaxAgeFor(kSe + 31536000, kSe), 31536000);
  EXPECT_EQ(MaxAgeFor(kSe + 2 * 31536000, kSe), kMaxCacheAgeSeconds);
  // Extreme inputs neither overflow nor go negative.
  EXPECT_EQ(MaxAgeFor(INT64_MAX, INT64_MIN), kMaxCacheAgeSeconds);
  EXPECT_EQ(MaxAgeFor(INT64_MIN, INT64_MAX), 0);
  EXPECT_EQ(MaxAgeFor(INT64_MAX, INT64_MAX - 5), 5);
}

TEST(CacheControlForTest, PublicImmutableWithTheRemainingLifetime) {
  EXPECT_EQ(CacheControlFor(kSe, kSe - 3600), "public, max-age=3600, immutable");
  EXPECT_EQ(CacheControlFor(kSe + 5 * 31536000, kSe), "public, max-age=31536000, immutable");
}

// Link buckets: every call during one bucket gets the same terms, whatever second it is; the
// lifetime is at least what was asked and at most a bucket more, never past the week's cap.
TEST(BucketedLinkTermsTest, OneBucketOneExpiryLifetimeBetweenTtlAndTtlPlusABucket) {
  constexpr int64_t kBucket = 3600, kTtl = 86400;
  const int64_t start = kSe - 7200;  // 16:00:00, a bucket boundary
  const LinkTerms first = BucketedLinkTerms(start, kTtl, kBucket);
  EXPECT_EQ(first.issued_until, start + kBucket);
  EXPECT_EQ(first.expires_at, start + kBucket + kTtl);
  for (int64_t now = start; now < start + kBucket; now += 7) {
    const LinkTerms t = BucketedLinkTerms(now, kTtl, kBucket);
    ASSERT_EQ(t.expires_at, first.expires_at) << now;
    ASSERT_EQ(t.issued_until, first.issued_until) << now;
    ASSERT_GE(t.expires_at - now, kTtl);
    ASSERT_LE(t.expires_at - now, kTtl + kBucket);
  }
  const LinkTerms next = BucketedLinkTerms(start + kBucket, kTtl, kBucket);
  EXPECT_EQ(next.expires_at, first.expires_at + kBucket);
  EXPECT_EQ(BucketedLinkTerms(start - 1, kTtl, kBucket).expires_at, first.expires_at - kBucket);
}

TEST(BucketedLinkTermsTest, NoBucketCountsFromNowAndTheWeekCapIsNeverCrossed) {
  EXPECT_EQ(BucketedLinkTerms(kNow, 600, 0).expires_at, kNow + 600);
  EXPECT_EQ(BucketedLinkTerms(kNow, 600, 1).expires_at, kNow + 600);
  EXPECT_EQ(BucketedLinkTerms(kNow, 600, 0).issued_until, kNow);
  // A week asked for: shortened by a bucket, so that from any second of the bucket the signers'
  // cap (a week from now) never cuts it.
  for (int64_t now = kSe; now < kSe + 3600; now += 599) {
    const LinkTerms t = BucketedLinkTerms(now, kMaxLinkLifetimeSeconds, 3600);
    EXPECT_LE(t.expires_at - now, kMaxLinkLifetimeSeconds) << now;
    EXPECT_GE(t.expires_at - now, kMaxLinkLifetimeSeconds - 3600) << now;
  }
  // Before 1970 (a test clock) the bucket is still the one holding now.
  const LinkTerms early = BucketedLinkTerms(-10, 60, 3600);
  EXPECT_EQ(early.issued_until, 0);
  EXPECT_EQ(early.expires_at, 60);
}

TEST_F(LinkSignerTest, OneBucketsLinksAreTheSameUrlAndVerifyUntilTheirExpiry) {
  const LinkTerms terms = BucketedLinkTerms(kNow, 600, 3600);
  auto first = signer_->SignFor(kContainer, kPath, terms);
  clock_.Advance(1799);
  auto later = signer_->SignFor(kContainer, kPath, BucketedLinkTerms(kNow + 1799, 600, 3600));
  ASSERT_TRUE(first && later);
  EXPECT_EQ(first->url, later->url);
  EXPECT_EQ(later->expires_at, terms.expires_at);
  EXPECT_TRUE(VerifyUrl(first->url, terms.expires_at - 1));
  ExpectRefused(VerifyUrl(first->url, terms.expires_at), "link_expired");
}

TEST(CacheControlForTermsTest, CountedFromTheLastMomentTheLinkIsHandedOut) {
  const LinkTerms terms{.expires_at = kSe, .issued_until = kSe - 600};
  EXPECT_EQ(CacheControlForTerms(terms, kSe, kSe - 3000), "public, max-age=600, immutable");
  // Cut short by the signer: still never past the link.
  EXPECT_EQ(CacheControlForTerms(terms, kSe - 900, kSe - 3000), "public, max-age=0, immutable");
  // Handed out only now (issued_until 0): the remaining lifetime, as CacheControlFor.
  EXPECT_EQ(CacheControlForTerms(LinkTerms{.expires_at = kSe}, kSe, kSe - 60),
            "public, max-age=60, immutable");
}

}  // namespace
}  // namespace noisett::storage
