// images.import as an SSRF probe, through a real `noisett serve`: URLs naming loopback, private
// and link-local addresses (in every spelling), names that resolve to them, and — on a server
// whose operator allowed one loopback address — redirects from that allowed server to the
// internal addresses it must still refuse. Each is 403 address_not_allowed and fetches nothing.
// tests/net/safe_fetch_test.cc proves each class in process; tests/service/generate_e2e_test.cc
// the server's own address and the metadata endpoint.
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <unistd.h>

#include "image/test_images.h"
#include "net/scripted_http_server.h"
#include "service/e2e_fixture.h"

namespace noisett::service_e2e {
namespace {

class ImportSsrfTest : public E2eTest {
 protected:
  static RawResponse Import(const std::string& url) {
    return Call("POST", "/api/images/import", alice_, Json{{"url", url}}.dump(),
                "application/json");
  }

  static void ExpectRefused(const std::string& url) {
    SCOPED_TRACE(url);
    const RawResponse r = Import(url);
    EXPECT_EQ(r.status, 403) << r.body;
    EXPECT_EQ(ErrorCode(r), "address_not_allowed") << r.body;
  }
};

// The machine's own host name, when it resolves only to a loopback address (as /etc/hosts makes
// it in containers); "" otherwise.
std::string LoopbackHostName() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return "";
  addrinfo hints{};
  hints.ai_family = AF_INET;
  addrinfo* found = nullptr;
  if (::getaddrinfo(name, nullptr, &hints, &found) != 0) return "";
  bool loopback = found != nullptr;
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(a->ai_addr);
    loopback = loopback && (ntohl(in->sin_addr.s_addr) >> 24) == 127;
  }
  ::freeaddrinfo(found);
  return loopback ? name : "";
}

TEST_F(ImportSsrfTest, InternalAddressesInEverySpellingAreRefused) {
  // A live server on loopback with a real image: a refusal is the policy, not a failed fetch.
  noisett::testing::ScriptedHttpServer target;
  target.Body("/a.png", Png(16, 16));
  const std::string port = std::to_string(target.port());
  const std::vector<std::string> hosts = {
      // loopback
      "127.0.0.1", "127.1", "2130706433", "0x7f000001", "0177.0.0.1", "127.0.0.2", "[::1]",
      "[::ffff:127.0.0.1]", "[0:0:0:0:0:0:0:1]", "0.0.0.0",
      // private
      "10.0.0.1", "172.16.0.1", "192.168.1.1", "100.64.0.1", "[fc00::1]", "[fd12:3456::1]",
      // link-local (cloud metadata endpoints live here)
      "169.254.169.254", "[fe80::1]", "[::ffff:169.254.169.254]",
      // names
      "localhost", "LOCALHOST", "localhost."};
  for (const std::string& host : hosts) ExpectRefused("http://" + host + ":" + port + "/a.png");
  if (const std::string self = LoopbackHostName(); !self.empty()) {
    ExpectRefused("http://" + self + ":" + port + "/a.png");
  }
  EXPECT_EQ(target.Hits("/a.png"), 0) << "the server fetched from an internal address";
  EXPECT_TRUE(HistoryIds(alice_).empty());
}

// A caller mapping internal names: what a name resolves to, and whether it resolves at all, must
// not show. An internal name and a name that does not exist get the same answer.
TEST_F(ImportSsrfTest, RefusalsDoNotTellWhatANameResolvesTo) {
  std::vector<std::string> names = {"localhost", "no-such-host.invalid"};
  if (const std::string self = LoopbackHostName(); !self.empty()) names.push_back(self);
  for (const std::string& name : names) {
    SCOPED_TRACE(name);
    const RawResponse r = Import("http://" + name + ":9/a.png");
    EXPECT_EQ(r.status, 403) << r.body;
    EXPECT_EQ(ErrorCode(r), "address_not_allowed") << r.body;
    for (const char* leak : {"127.", "::1", "loopback", "resolve", "Name or service"}) {
      EXPECT_EQ(r.body.find(leak), std::string::npos) << "'" << leak << "' in " << r.body;
    }
    EXPECT_NE(r.body.find("address not allowed"), std::string::npos) << r.body;
  }
}

// The operator allowed 127.0.0.1 (an internal image server, say): redirects from it to any other
// internal address are still refused, hop by hop.
class ImportRedirectTest : public ImportSsrfTest {
 public:
  static void SetUpTestSuite() {
    noisett::testing::InitVips();
    allowed_ = std::make_unique<noisett::testing::ScriptedHttpServer>("127.0.0.1");
    E2eTest::SetUpTestSuite();
  }
  static void TearDownTestSuite() {
    E2eTest::TearDownTestSuite();
    allowed_.reset();
  }

 protected:
  static inline std::unique_ptr<noisett::testing::ScriptedHttpServer> allowed_;
};

TEST_F(ImportRedirectTest, RedirectsToInternalAddressesAreRefused) {
  // This suite's server must allow 127.0.0.1: restart it so.
  ASSERT_EQ(noisett().Stop(), 0);
  ASSERT_EQ(noisett().Start({"--import-allow", "127.0.0.1/32"}), "");
  alice_ = noisett().Token("alice");
  noisett::testing::ScriptedHttpServer other_loopback("127.0.0.2");
  other_loopback.Body("/secret.png", Png(16, 16));
  allowed_->Body("/ok.png", Png(16, 16));
  const std::string p2 = std::to_string(other_loopback.port());
  const std::vector<std::string> targets = {"http://127.0.0.2:" + p2 + "/secret.png",
                                            "http://[::1]:" + p2 + "/secret.png",
                                            "http://169.254.169.254/latest/meta-data/",
                                            "http://10.0.0.1/",
                                            "http://192.168.0.1/",
                                            "http://[fe80::1]/"};
  for (size_t i = 0; i < targets.size(); ++i) {
    const std::string path = "/r" + std::to_string(i);
    allowed_->Redirect(path, targets[i]);
    ExpectRefused(allowed_->Url(path));
    EXPECT_EQ(allowed_->Hits(path), 1)
        << "the allowed server was not asked: the test proves nothing";
  }
  // Two hops: allowed -> allowed -> internal.
  allowed_->Redirect("/hop", allowed_->Url("/r0"));
  ExpectRefused(allowed_->Url("/hop"));
  EXPECT_EQ(other_loopback.Hits("/secret.png"), 0) << "a redirect reached an internal server";
  // Positive control: a redirect that stays on the allowed address is followed.
  allowed_->Redirect("/fine", allowed_->Url("/ok.png"));
  const RawResponse ok = Import(allowed_->Url("/fine"));
  EXPECT_EQ(ok.status, 201) << ok.body;
}

}  // namespace
}  // namespace noisett::service_e2e
