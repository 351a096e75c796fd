// Requests an attacker would send: path tricks in every path parameter (job, image index, command
// name, blob path) — including a blob path with a *valid* signature, so the store's own checks are
// tested and not only the link's — an oversized body refused before it is read, and missing or bad
// tokens. Canary files beside and inside the data dir must never come back.
#include <ctime>
#include <fstream>

#include "core/base64.h"
#include "service/e2e_fixture.h"
#include "storage/hmac.h"
#include "storage/link_keys.h"
#include "storage/link_signer.h"
#include "storage/query_params.h"

namespace noisett::service_e2e {
namespace {

// Segments that try to leave the current directory or smuggle a separator, as sent on the wire.
const std::vector<std::string> kTricks = {
    "..",          "%2e%2e",       "%2E%2E",          ".%2e",          "..%2F..%2Fcanary.txt",
    "a%2Fb",       "%2Fetc%2Fpasswd", "%00",          "a%00b",         "..%00",
    "%5C..%5C..",  "..%5Ccanary.txt", "..\\..",        "%2e%2e%5c%2e%2e", "%252e%252e",
    "%C0%AE%C0%AE", "%",           "%zz",             "%0d%0aX-Injected:%201"};

class RequestSafetyTest : public E2eTest {
 protected:
  static void SetUpTestSuite() {
    E2eTest::SetUpTestSuite();
    // A second canary inside the store directory, outside the container's blob tree.
    std::ofstream(noisett().root() / "data" / "blobs" / kContainer / "canary.txt")
        << Noisett::kCanaryText;
    std::ofstream(noisett().root() / "data" / "canary.txt") << Noisett::kCanaryText;
  }

  // A 4xx that serves nothing it should not: no canary, no /etc/passwd, no image bytes.
  static void ExpectRefused(const RawResponse& r, const std::string& what) {
    EXPECT_GE(r.status, 400) << what << " -> " << r.status << " " << r.body;
    EXPECT_LT(r.status, 500) << what << " -> " << r.body;
    EXPECT_EQ(r.body.find(Noisett::kCanaryText), std::string::npos) << what;
    EXPECT_EQ(r.body.find("root:x:0:0"), std::string::npos) << what;
    EXPECT_EQ(r.body.find("\xFF\xD8\xFF"), std::string::npos) << what;
    EXPECT_FALSE(r.Has("x-injected")) << what;
  }

  // A link for `blob_path` signed with the server's key, computed here so no validation on the
  // signing side stops a path the server must refuse by itself.
  static std::string ForgedButSignedLink(const std::string& container, const std::string& blob_path,
                                         const std::string& path_on_wire) {
    auto keys = storage::LoadOrCreateDataDirLinkKey(noisett().data_dir());
    EXPECT_TRUE(keys.has_value());
    if (!keys) return "";
    const std::string se = storage::FormatIsoUtc(std::time(nullptr) + 3600);
    const std::string skid = keys->signing().id;
    auto mac = storage::crypto::HmacSha256(
        keys->signing().secret,
        storage::LocalLinkStringToSign("r", "", se, container, blob_path, skid,
                                       storage::kLocalLinkVersion, "b"));
    EXPECT_TRUE(mac.has_value());
    storage::QueryParams q;
    q.Add("sv", storage::kLocalLinkVersion);
    q.Add("se", se);
    q.Add("sr", "b");
    q.Add("sp", "r");
    q.Add("skid", skid);
    q.Add("sig", Base64Encode(mac ? *mac : ""));
    return "/blobs/" + container + "/" + path_on_wire + "?" + q.Encode();
  }
};

TEST_F(RequestSafetyTest, PathTricksInTheJobParameterAreRefused) {
  for (const std::string& trick : kTricks) {
    SCOPED_TRACE(trick);
    ExpectRefused(Call("GET", "/api/history/" + trick, alice_), "GET history/" + trick);
    ExpectRefused(Call("DELETE", "/api/history/" + trick, alice_), "DELETE history/" + trick);
    ExpectRefused(Call("POST", "/api/history/" + trick + "/restore", alice_), "restore " + trick);
    ExpectRefused(Call("PUT", "/api/favorites/" + trick + "/0", alice_), "favorite " + trick);
    ExpectRefused(Call("GET", "/api/images/" + trick + "/0/url", alice_), "url " + trick);
    ExpectRefused(Call("POST", "/api/images?job_id=" + trick, alice_, Png(16, 16), "image/png"),
                  "upload job_id=" + trick);
  }
  // Absolute paths and dot segments spanning several segments.
  for (const char* target :
       {"/api/history//etc/passwd", "/api/history/../../../etc/passwd",
        "/api/history/%2F..%2F..%2Fetc%2Fpasswd", "/api/history/./01M84TF5EJV7XPYM9WGFCY3EJC",
        "/api/images/../history/x/0/url"}) {
    ExpectRefused(Call("GET", target, alice_), target);
  }
}

TEST_F(RequestSafetyTest, PathTricksInTheIndexParameterAreRefused) {
  const std::string job = Upload(alice_, Png(32, 32)).value("job_id", "");
  ASSERT_FALSE(job.empty());
  for (const std::string& trick : kTricks) {
    SCOPED_TRACE(trick);
    ExpectRefused(Call("PUT", "/api/favorites/" + job + "/" + trick, alice_), "favorite " + trick);
    ExpectRefused(Call("DELETE", "/api/favorites/" + job + "/" + trick, alice_),
                  "unfavorite " + trick);
    ExpectRefused(Call("GET", "/api/images/" + job + "/" + trick + "/url", alice_),
                  "url " + trick);
  }
  for (const std::string index : {"0x0", "+0", "0.0", "1e0", " 0", "99999999999999999999"}) {
    ExpectRefused(Call("GET", "/api/images/" + job + "/" + index + "/url", alice_), index);
  }
}

TEST_F(RequestSafetyTest, PathTricksInTheCommandNameAreRefused) {
  for (const std::string& trick : kTricks) {
    ExpectRefused(Call("POST", "/api/commands/" + trick, alice_, "{}"), "command " + trick);
  }
  for (const std::string name :
       {"history.list%00", "history.list%2F..", "..%2Fhistory.list", "%2e%2e%2Fhistory.list",
        "history%2Elist%00x", "/etc/passwd", "history.list/..", "HISTORY.LIST"}) {
    ExpectRefused(Call("POST", std::string("/api/commands/") + name, alice_, "{}"), name);
  }
}

TEST_F(RequestSafetyTest, PathTricksInTheBlobPathAreRefused) {
  const Json up = Upload(alice_, Png(32, 32));
  const std::string url = up["image"].value("url", "");
  const std::string query = url.substr(url.find('?'));
  const std::string root = noisett().root().string();
  std::vector<std::string> targets = {
      "/blobs/noisett-storage/../../canary.txt",
      "/blobs/noisett-storage/../../../canary.txt",
      "/blobs/noisett-storage/%2e%2e/%2e%2e/%2e%2e/canary.txt",
      "/blobs/noisett-storage/%2e%2e%2f%2e%2e%2f%2e%2e%2fcanary.txt",
      "/blobs/noisett-storage/..%5C..%5C..%5Ccanary.txt",
      "/blobs/noisett-storage/canary.txt%00.jpg",
      "/blobs/noisett-storage/%2Fetc%2Fpasswd",
      "/blobs/noisett-storage//etc/passwd",
      "/blobs/noisett-storage/" + root + "/canary.txt",
      "/blobs/%2e%2e/canary.txt",
      "/blobs/../canary.txt",
      "/blobs/noisett-storage",
      "/blobs/",
  };
  for (const std::string& target : targets) {
    ExpectRefused(FetchLink(target), target);
    ExpectRefused(FetchLink(target + query), target + " with a real link's query");
  }
}

// The link check is not the only guard: links for traversal paths signed with the server's own
// key (as a leaked key or a signer bug would make them) still read nothing outside the store.
// Local links only (not registered on Azure: service_tests.cmake): Azure's links are Azure's.
TEST_F(RequestSafetyTest, CorrectlySignedTraversalLinksReadNothingOutsideTheStore) {
  if (OnAzure()) GTEST_SKIP() << "local links only";
  struct Case {
    std::string container, signed_path, wire_path;
  };
  const std::string root = noisett().root().string();
  const std::vector<Case> cases = {
      {kContainer, "../../canary.txt", "%2e%2e/%2e%2e/canary.txt"},
      {kContainer, "../../../canary.txt", "%2e%2e/%2e%2e/%2e%2e/canary.txt"},
      {kContainer, "../canary.txt", "..%2Fcanary.txt"},
      {kContainer, "..\\..\\canary.txt", "..%5C..%5Ccanary.txt"},
      {kContainer, root.substr(1) + "/canary.txt", root.substr(1) + "/canary.txt"},
      {kContainer, "/etc/passwd", "%2Fetc%2Fpasswd"},
      {kContainer, std::string("canary.txt\0.jpg", 15), "canary.txt%00.jpg"},
      {"..", "canary.txt", "canary.txt"},
  };
  for (const Case& c : cases) {
    const std::string target = ForgedButSignedLink(c.container, c.signed_path, c.wire_path);
    ExpectRefused(FetchLink(target), target);
  }
  // Positive control: the same forging code makes a link the server accepts for a real blob.
  const Json up = Upload(alice_, Png(32, 32));
  const std::string path = BlobPathOfLink(up["image"].value("url", ""));
  EXPECT_EQ(FetchLink(ForgedButSignedLink(kContainer, path, path)).status, 200);
}

TEST_F(RequestSafetyTest, OversizedBodyGets413BeforeItIsSent) {
  const size_t before = HistoryIds(alice_).size();
  for (const char* target : {"/api/images", "/api/commands/images.upload"}) {
    RawRequest request;
    request.method = "POST";
    request.target = target;
    request.headers = {{"Authorization", "Bearer " + alice_}, {"Content-Type", "image/png"}};
    request.content_length = 10 * 1024 * 1024 + 1;
    // Only the head goes out: a server that waited for the body would time out here (status 0).
    const RawResponse r = SendHeadOnly(port(), request);
    EXPECT_EQ(r.status, 413) << target << ": " << r.body;
    EXPECT_EQ(ErrorCode(r), "too_large") << r.body;
  }
  // Without a token too: the size is refused before anything else is read.
  RawRequest anonymous;
  anonymous.method = "POST";
  anonymous.target = "/api/images";
  anonymous.content_length = uint64_t{1} << 40;
  EXPECT_EQ(SendHeadOnly(port(), anonymous).status, 413);
  EXPECT_EQ(HistoryIds(alice_).size(), before);
}

// A large body (over 64 KiB, or chunked) is read only for a caller its route would serve: without
// a valid token it is refused from the head alone, so it never takes a place in the server's
// budget of bodies held at once (a slow sender could otherwise hold it for the read timeout).
// Routes without a token (links, health, the gallery) take no large body at all.
TEST_F(RequestSafetyTest, LargeBodiesWithoutAValidTokenAreRefusedBeforeTheyAreSent) {
  struct Case {
    std::string method, target, authorization;
    bool chunked;
    int status;
    std::string code;
  };
  std::string tampered = alice_;  // a signature byte changed
  tampered[tampered.size() - 10] = tampered[tampered.size() - 10] == 'A' ? 'B' : 'A';
  const std::vector<Case> cases = {
      {"POST", "/api/images", "", false, 401, "missing"},
      {"POST", "/api/images", "Bearer " + tampered, false, 401, "bad_signature"},
      {"POST", "/api/commands/images.upload", "", true, 401, "missing"},
      {"POST", "/api/generate", "Basic YWxpY2U6cHc=", false, 401, "malformed"},
      {"DELETE", "/api/history/01J00000000000000000000000", "", false, 401, "missing"},
      {"POST", "/api/nowhere", "Bearer " + alice_, false, 404, "not_found"},
      {"PATCH", "/api/images", "Bearer " + alice_, true, 405, "method_not_allowed"},
      // Routes that need no token read no large body either (the /blobs route, only served with
      // local links: RouterTest.AdmitBodyRefusesUnroutedRequestsAndAsksTheRoutesCheck).
      {"GET", "/readyz", "", false, 413, "too_large"},
      {"GET", "/healthz", "", true, 413, "too_large"},
      {"GET", "/", "", false, 413, "too_large"},
  };
  const size_t before = HistoryIds(alice_).size();
  for (const Case& c : cases) {
    SCOPED_TRACE(c.method + " " + c.target + " [" + c.authorization.substr(0, 12) + "]");
    RawRequest request;
    request.method = c.method;
    request.target = c.target;
    request.headers = {{"Content-Type", "image/png"}};
    if (!c.authorization.empty()) request.headers.push_back({"Authorization", c.authorization});
    if (c.chunked) {
      request.headers.push_back({"Transfer-Encoding", "chunked"});
    } else {
      request.content_length = 5 * 1024 * 1024;
    }
    // Only the head goes out: a server that waited for the body would time out (status 0).
    const RawResponse r = SendHeadOnly(port(), request);
    EXPECT_EQ(r.status, c.status) << r.body;
    EXPECT_EQ(ErrorCode(r), c.code) << r.body;
  }
  // The same head with a valid token is admitted: the server waits for the body.
  RawRequest allowed;
  allowed.method = "POST";
  allowed.target = "/api/images";
  allowed.headers = {{"Authorization", "Bearer " + alice_}, {"Content-Type", "image/png"}};
  allowed.content_length = 5 * 1024 * 1024;
  EXPECT_EQ(SendHeadOnly(port(), allowed, 1500).status, 0);
  EXPECT_EQ(HistoryIds(alice_).size(), before);
}

TEST_F(RequestSafetyTest, OversizedChunkedBodyGets413) {
  const size_t before = HistoryIds(alice_).size();
  // No Content-Length to refuse up front: the limit must hold while the chunks are read.
  const std::string chunk(1 << 20, 'x');
  RawRequest request;
  request.method = "POST";
  request.target = "/api/images";
  request.headers = {{"Authorization", "Bearer " + alice_},
                     {"Content-Type", "image/png"},
                     {"Transfer-Encoding", "chunked"}};
  for (int i = 0; i < 11; ++i) request.body += "100000\r\n" + chunk + "\r\n";
  request.body += "0\r\n\r\n";
  const RawResponse r = Send(request);
  EXPECT_EQ(r.status, 413) << r.body;
  EXPECT_EQ(HistoryIds(alice_).size(), before);
}

TEST_F(RequestSafetyTest, MissingOrBadTokensGet401WithAChallenge) {
  std::string tampered = alice_;
  tampered.back() = tampered.back() == 'A' ? 'B' : 'A';
  const std::vector<std::pair<std::string, std::string>> auths = {
      {"", ""},
      {"Authorization", "Bearer"},
      {"Authorization", "Bearer x.y.z"},
      {"Authorization", "Bearer " + tampered},
      {"Authorization", "Basic YWxpY2U6c2VjcmV0"},
      {"Authorization", "bearer-ish " + alice_},
  };
  const std::vector<std::pair<std::string, std::string>> routes = {
      {"GET", "/api/history"},          {"GET", "/api/favorites"},
      {"GET", "/api/me/storage"},       {"GET", "/api/images"},
      {"POST", "/api/images"},          {"POST", "/api/commands/history.list"},
      {"GET", "/api/history/01M84TF5EJV7XPYM9WGFCY3EJC"}};
  const size_t images_before = BlobDataFiles("image_").size();
  for (const auto& [header, value] : auths) {
    for (const auto& [method, target] : routes) {
      RawRequest request;
      request.method = method;
      request.target = target;
      if (!header.empty()) request.headers.push_back({header, value});
      if (method == "POST") {
        request.headers.push_back({"Content-Type", "image/png"});
        request.body = Png(8, 8);
      }
      const RawResponse r = Send(request);
      SCOPED_TRACE(method + " " + target + " with '" + value.substr(0, 20) + "'");
      EXPECT_EQ(r.status, 401) << r.body;
      EXPECT_EQ(r.Header("www-authenticate").rfind("Bearer", 0), 0u)
          << r.Header("www-authenticate");
      EXPECT_EQ(r.body.find(alice_), std::string::npos) << "the token is echoed";
    }
  }
  EXPECT_EQ(BlobDataFiles("image_").size(), images_before) << "a refused upload stored an image";
  // Two Authorization headers: refused, whichever one is valid.
  RawRequest twice;
  twice.target = "/api/history";
  twice.headers = {{"Authorization", "Bearer " + alice_}, {"Authorization", "Bearer " + bob_}};
  EXPECT_EQ(Send(twice).status, 401);
}

}  // namespace
}  // namespace noisett::service_e2e
