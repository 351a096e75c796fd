// SafeFetch against real loopback servers that misbehave on purpose: every refused address
// class, redirects into the internal network, endless and oversized bodies, stalling servers, a
// proxy planted in the environment. Tests run with small limits (a 64 KiB cap, deadlines under a
// second) so each stays fast; the defaults are checked in import_policy_test.
#include "net/safe_fetch.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <optional>
#include <string>

#include "core/log.h"
#include "net/address_policy.h"
#include "net/http_client.h"
#include "net/scripted_http_server.h"

namespace noisett::net {
namespace {

using noisett::testing::ScriptedHttpServer;
using std::chrono::milliseconds;

ImportPolicy Policy(const std::string& allow = "", const std::string& hosts = "") {
  auto policy = ParseImportPolicy(allow, hosts);
  EXPECT_TRUE(policy) << policy.error().ToString();
  ImportPolicy p = policy ? *policy : ImportPolicy{};
  p.timeout_ms = 2000;
  p.max_bytes = 64 * 1024;
  return p;
}

// "ok" or the error's reason.
std::string Reason(const std::string& url, const ImportPolicy& policy) {
  auto fetched = SafeFetch(url, policy);
  return fetched ? "ok" : fetched.error().reason;
}

std::string Port(const ScriptedHttpServer& server) { return std::to_string(server.port()); }

TEST(SafeFetch, RefusesEveryInternalAddressClassWithoutConnecting) {
  ScriptedHttpServer server;  // on 127.0.0.1: a loopback fetch that got through would hit it
  server.Body("/x", "secret");
  const std::string p = Port(server);
  for (const std::string host :
       {"127.0.0.1", "127.9.9.9", "0.0.0.0", "10.0.0.1", "172.16.0.1", "192.168.0.1",
        "100.64.0.1", "169.254.169.254", "192.0.0.170", "198.18.0.1", "224.0.0.1", "240.0.0.1",
        "255.255.255.255", "[::1]", "[::]", "[fc00::1]", "[fd00:ec2::254]", "[fe80::1]",
        "[ff02::1]", "[::ffff:127.0.0.1]", "[::ffff:169.254.169.254]", "[64:ff9b::7f00:1]",
        "[2002:7f00:1::]", "[::ffff:10.0.0.1]"}) {
    auto fetched = SafeFetch("http://" + host + ":" + p + "/x", Policy());
    ASSERT_FALSE(fetched) << host;
    EXPECT_EQ(fetched.error().reason, "address_not_allowed") << host;
    EXPECT_EQ(fetched.error().code, ErrorCode::kPermissionDenied) << host;
  }
  EXPECT_EQ(server.Hits("/x"), 0);
}

TEST(SafeFetch, RefusesNumericSpellingsOfLoopback) {
  ScriptedHttpServer server;
  server.Body("/x", "secret");
  const std::string p = Port(server);
  for (const std::string host : {"2130706433", "0x7f.1", "017700000001", "127.1", "0x7f000001"}) {
    EXPECT_EQ(Reason("http://" + host + ":" + p + "/x", Policy()), "address_not_allowed") << host;
  }
  EXPECT_EQ(server.Hits("/x"), 0);
  // They really are 127.0.0.1: allowed, the same spellings reach the server.
  EXPECT_EQ(Reason("http://0x7f.1:" + p + "/x", Policy("127.0.0.1")), "ok");
  EXPECT_EQ(server.Hits("/x"), 1);
}

// Captures log lines for one test.
class LogCapture {
 public:
  LogCapture() {
    previous_ = SetLogSink([this](LogLevel, std::string_view line) { text_ += line; });
  }
  ~LogCapture() { SetLogSink(previous_); }
  const std::string& text() const { return text_; }

 private:
  LogSink previous_;
  std::string text_;
};

TEST(SafeFetch, RefusesLocalhostByNameWithoutSayingWhatItResolvesTo) {
  ScriptedHttpServer server;
  server.Body("/x", "secret");
  LogCapture log;
  auto fetched = SafeFetch("http://localhost:" + Port(server) + "/x", Policy());
  ASSERT_FALSE(fetched);
  EXPECT_EQ(fetched.error().reason, "address_not_allowed");
  EXPECT_EQ(fetched.error().message, "'localhost': address not allowed");
  // The operator still learns why.
  EXPECT_NE(log.text().find("127.0.0.1 (loopback)"), std::string::npos) << log.text();
  EXPECT_EQ(server.Hits("/x"), 0);
}

// A name that does not resolve is answered exactly as one that resolves to a refused address:
// otherwise the difference tells a caller which internal names exist.
TEST(SafeFetch, UnresolvableNameIsAnsweredAsARefusal) {
  LogCapture log;
  auto fetched = SafeFetch("http://no-such-host.invalid/x", Policy());
  ASSERT_FALSE(fetched);
  EXPECT_EQ(fetched.error().reason, "address_not_allowed");
  EXPECT_EQ(fetched.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(fetched.error().message, "'no-such-host.invalid': address not allowed");
  EXPECT_NE(log.text().find("does not resolve"), std::string::npos) << log.text();
}

TEST(SafeFetch, AllowListLetsAnInternalAddressThrough) {
  ScriptedHttpServer server;
  server.Body("/img.png", "PNGDATA", "image/png");
  auto fetched = SafeFetch(server.Url("/img.png"), Policy("127.0.0.1"));
  ASSERT_TRUE(fetched) << fetched.error().ToString();
  EXPECT_EQ(fetched->body, "PNGDATA");
  EXPECT_EQ(fetched->content_type, "image/png");
  EXPECT_EQ(fetched->final_url, server.Url("/img.png"));
  EXPECT_EQ(fetched->redirects, 0);
  // A range that does not cover the address lets nothing through.
  EXPECT_EQ(Reason(server.Url("/img.png"), Policy("127.0.0.2,10.0.0.0/8")),
            "address_not_allowed");
}

TEST(SafeFetch, AllowedServerCannotRedirectToARefusedAddress) {
  ScriptedHttpServer inside("127.0.0.1");
  inside.Body("/secret", "metadata");
  ScriptedHttpServer allowed("127.0.0.2");
  allowed.Redirect("/img", inside.Url("/secret"));
  auto fetched = SafeFetch(allowed.Url("/img"), Policy("127.0.0.2"));
  ASSERT_FALSE(fetched);
  EXPECT_EQ(fetched.error().reason, "address_not_allowed");
  EXPECT_EQ(allowed.Hits("/img"), 1);
  EXPECT_EQ(inside.Hits("/secret"), 0);
  // The same redirect to a numeric spelling of 127.0.0.1 is refused as well.
  allowed.Redirect("/img", "http://2130706433:" + Port(inside) + "/secret", 301);
  EXPECT_EQ(Reason(allowed.Url("/img"), Policy("127.0.0.2")), "address_not_allowed");
  EXPECT_EQ(inside.Hits("/secret"), 0);
}

TEST(SafeFetch, FollowsThreeRedirectsAndRefusesTheFourth) {
  ScriptedHttpServer server;
  server.Redirect("/r0", "/r1", 301);
  server.Redirect("/r1", server.Url("/r2"), 302);
  server.Redirect("/r2", "r3", 307);
  server.Redirect("/r3", "/img.png", 308);
  server.Body("/img.png", "PNG", "image/png");
  const ImportPolicy policy = Policy("127.0.0.1");

  auto three = SafeFetch(server.Url("/r1"), policy);
  ASSERT_TRUE(three) << three.error().ToString();
  EXPECT_EQ(three->redirects, 3);
  EXPECT_EQ(three->body, "PNG");
  EXPECT_EQ(three->final_url, server.Url("/img.png"));

  auto four = SafeFetch(server.Url("/r0"), policy);
  ASSERT_FALSE(four);
  EXPECT_EQ(four.error().reason, "too_many_redirects");
  EXPECT_EQ(four.error().code, ErrorCode::kUpstreamFailed);
  EXPECT_EQ(server.Hits("/img.png"), 1);  // only the first fetch got there

  ImportPolicy none = policy;
  none.max_redirects = 0;
  EXPECT_EQ(Reason(server.Url("/r3"), none), "too_many_redirects");
}

TEST(SafeFetch, RefusesRedirectsToOtherSchemes) {
  ScriptedHttpServer server;
  server.Redirect("/file", "file:///etc/passwd");
  server.Redirect("/ftp", "ftp://127.0.0.1/pub");
  server.Redirect("/gopher", "gopher://127.0.0.1:70/_x");
  server.Redirect("/creds", "http://user:pw@127.0.0.1:" + Port(server) + "/x");
  const ImportPolicy policy = Policy("127.0.0.1");
  EXPECT_EQ(Reason(server.Url("/file"), policy), "scheme_not_allowed");
  EXPECT_EQ(Reason(server.Url("/ftp"), policy), "scheme_not_allowed");
  EXPECT_EQ(Reason(server.Url("/gopher"), policy), "scheme_not_allowed");
  EXPECT_EQ(Reason(server.Url("/creds"), policy), "bad_url");
  EXPECT_EQ(Reason("file:///etc/passwd", policy), "scheme_not_allowed");
}

TEST(SafeFetch, FollowsRelativeRedirects) {
  ScriptedHttpServer server;
  server.Redirect("/dir/sub/start", "../img.png?v=2");
  server.Body("/dir/img.png", "PNG", "image/png");
  auto fetched = SafeFetch(server.Url("/dir/sub/start"), Policy("127.0.0.1"));
  ASSERT_TRUE(fetched) << fetched.error().ToString();
  EXPECT_EQ(fetched->body, "PNG");
  EXPECT_EQ(fetched->final_url, server.Url("/dir/img.png?v=2"));
  EXPECT_EQ(fetched->redirects, 1);
}

TEST(SafeFetch, StallingServerTimesOut) {
  ScriptedHttpServer server;
  server.Stall("/stall");
  ImportPolicy policy = Policy("127.0.0.1");
  policy.timeout_ms = 300;
  const auto start = std::chrono::steady_clock::now();
  auto fetched = SafeFetch(server.Url("/stall"), policy);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(fetched);
  EXPECT_EQ(fetched.error().reason, "fetch_timeout");
  // The remote end was slow, not this server: a gateway timeout, not "busy, retry" (503).
  EXPECT_EQ(fetched.error().code, ErrorCode::kUpstreamTimeout);
  // Generous: what matters is that the policy's deadline, not curl's default, ended it.
  EXPECT_LT(elapsed, std::chrono::seconds(10));
}

TEST(SafeFetch, DrippingBodyTimesOut) {
  ScriptedHttpServer server;
  server.Drip("/drip", milliseconds(20));
  ImportPolicy policy = Policy("127.0.0.1");
  policy.timeout_ms = 400;
  EXPECT_EQ(Reason(server.Url("/drip"), policy), "fetch_timeout");
}

TEST(SafeFetch, OneDeadlineCoversAllRedirects) {
  // Each hop is well within the deadline; together they are not.
  ScriptedHttpServer server;
  server.Redirect("/a", "/b");
  server.Redirect("/b", "/c");
  server.Body("/c", "PNG");
  for (const char* path : {"/a", "/b", "/c"}) server.Delay(path, milliseconds(250));
  ImportPolicy policy = Policy("127.0.0.1");
  policy.timeout_ms = 600;
  EXPECT_EQ(Reason(server.Url("/a"), policy), "fetch_timeout");
  policy.timeout_ms = 5000;
  EXPECT_EQ(Reason(server.Url("/a"), policy), "ok");
}

TEST(SafeFetch, EndlessBodyIsCutOff) {
  ScriptedHttpServer server;
  server.Endless("/forever");
  auto fetched = SafeFetch(server.Url("/forever"), Policy("127.0.0.1"));
  ASSERT_FALSE(fetched);
  EXPECT_EQ(fetched.error().reason, "too_large");
  EXPECT_EQ(fetched.error().code, ErrorCode::kTooLarge);
}

TEST(SafeFetch, HugeContentLengthIsRefusedBeforeTheBody) {
  // The server sends 4 bytes of the announced size and waits: only a refusal on the header
  // ends this before the deadline, with too_large rather than fetch_timeout.
  ScriptedHttpServer server;
  server.HugeLength("/huge", uint64_t{1} << 40);
  ImportPolicy policy = Policy("127.0.0.1");
  EXPECT_EQ(Reason(server.Url("/huge"), policy), "too_large");
  server.HugeLength("/huge", policy.max_bytes + 1);
  EXPECT_EQ(Reason(server.Url("/huge"), policy), "too_large");
}

TEST(SafeFetch, BodyAtTheCapIsAccepted) {
  ScriptedHttpServer server;
  ImportPolicy policy = Policy("127.0.0.1");
  server.Body("/exact", std::string(policy.max_bytes, 'x'));
  auto fetched = SafeFetch(server.Url("/exact"), policy);
  ASSERT_TRUE(fetched) << fetched.error().ToString();
  EXPECT_EQ(fetched->body.size(), policy.max_bytes);
}

TEST(SafeFetch, NonSuccessStatusIsAnError) {
  ScriptedHttpServer server;
  server.Body("/gone", "nope", "text/plain", 410);
  auto missing = SafeFetch(server.Url("/missing"), Policy("127.0.0.1"));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().reason, "fetch_status");
  EXPECT_EQ(missing.error().code, ErrorCode::kUpstreamFailed);
  EXPECT_NE(missing.error().message.find("404"), std::string::npos);
  EXPECT_EQ(Reason(server.Url("/gone"), Policy("127.0.0.1")), "fetch_status");
  server.Redirect("/304", "/x", 304);  // not a redirect to follow
  EXPECT_EQ(Reason(server.Url("/304"), Policy("127.0.0.1")), "fetch_status");
}

TEST(SafeFetch, HugeHeaderIsReportedAsSuch) {
  ScriptedHttpServer server;
  server.HugeHeader("/one-line", 2 << 20, 2 << 20);  // one 2 MiB line: over curl's own limit
  server.HugeHeader("/many-lines", 128 * 1024, 1024);  // 128 lines of 1 KiB: over ours
  server.HugeHeader("/fine", 16 * 1024, 1024);
  for (const char* path : {"/one-line", "/many-lines"}) {
    auto fetched = SafeFetch(server.Url(path), Policy("127.0.0.1"));
    ASSERT_FALSE(fetched) << path;
    EXPECT_EQ(fetched.error().reason, "header_too_large") << path;
    EXPECT_EQ(fetched.error().code, ErrorCode::kUpstreamFailed) << path;
    EXPECT_EQ(fetched.error().message.find("memory"), std::string::npos)
        << fetched.error().message;
    EXPECT_NE(fetched.error().message.find("header is over 64 KiB"), std::string::npos)
        << fetched.error().message;
  }
  auto fine = SafeFetch(server.Url("/fine"), Policy("127.0.0.1"));
  ASSERT_TRUE(fine) << fine.error().ToString();
  EXPECT_EQ(fine->body, "PNG");
}

TEST(SafeFetch, RefusesUserinfoAndMalformedUrls) {
  ScriptedHttpServer server;
  server.Body("/x", "secret");
  const std::string p = Port(server);
  EXPECT_EQ(Reason("http://user@127.0.0.1:" + p + "/x", Policy("127.0.0.1")), "bad_url");
  EXPECT_EQ(Reason("http://u:pw@127.0.0.1:" + p + "/x", Policy("127.0.0.1")), "bad_url");
  EXPECT_EQ(Reason("http://evil.example\\@127.0.0.1:" + p + "/x", Policy("127.0.0.1")),
            "bad_url");
  EXPECT_EQ(Reason("127.0.0.1:" + p + "/x", Policy("127.0.0.1")), "bad_url");
  EXPECT_EQ(Reason("localhost:" + p + "/x", Policy("127.0.0.1")), "scheme_not_allowed");
  EXPECT_EQ(Reason("//127.0.0.1/x", Policy("127.0.0.1")), "bad_url");
  EXPECT_EQ(server.Hits("/x"), 0);
}

TEST(SafeFetch, HostListAcceptsListedHostsAndRefusesOthers) {
  ScriptedHttpServer server;
  server.Body("/x", "PNG");
  const std::string p = Port(server);
  // localhost may resolve to ::1 as well: every address must pass, so both are allowed.
  const ImportPolicy policy = Policy("127.0.0.1,::1", "localhost,*.images.example.com");
  EXPECT_EQ(Reason("http://localhost:" + p + "/x", policy), "ok");
  EXPECT_EQ(Reason("http://LocalHost:" + p + "/x", policy), "ok");
  // Refused before any DNS lookup or connection.
  EXPECT_EQ(Reason("http://127.0.0.1:" + p + "/x", policy), "host_not_allowed");
  EXPECT_EQ(Reason("http://images.example.com/x", policy), "host_not_allowed");
  EXPECT_EQ(Reason("http://evil.example.org/x", policy), "host_not_allowed");
  EXPECT_EQ(server.Hits("/x"), 2);
  auto fetched = SafeFetch("http://elsewhere.test/x", policy);
  ASSERT_FALSE(fetched);
  EXPECT_EQ(fetched.error().code, ErrorCode::kPermissionDenied);

  // The list applies to redirect targets too.
  server.Redirect("/hop", "http://127.0.0.1:" + p + "/x");
  EXPECT_EQ(Reason("http://localhost:" + p + "/hop", policy), "host_not_allowed");
}

// Sets proxy variables for the scope of a test and puts the old values back.
class ScopedEnv {
 public:
  void Set(const char* name, const char* value) {
    const char* old = std::getenv(name);
    saved_.push_back({name, old ? std::optional<std::string>(old) : std::nullopt});
    if (value) {
      ::setenv(name, value, 1);
    } else {
      ::unsetenv(name);
    }
  }
  ~ScopedEnv() {
    for (auto it = saved_.rbegin(); it != saved_.rend(); ++it) {
      if (it->second) {
        ::setenv(it->first.c_str(), it->second->c_str(), 1);
      } else {
        ::unsetenv(it->first.c_str());
      }
    }
  }

 private:
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

TEST(SafeFetch, IgnoresProxiesFromTheEnvironment) {
  ScriptedHttpServer server;
  server.Body("/x", "PNG");
  ScopedEnv env;
  // Port 9 (discard) on loopback: nothing listens, so a proxied request fails.
  for (const char* name : {"http_proxy", "https_proxy", "HTTPS_PROXY", "ALL_PROXY", "all_proxy"}) {
    env.Set(name, "http://127.0.0.1:9");
  }
  env.Set("no_proxy", nullptr);
  env.Set("NO_PROXY", nullptr);
  // The premise: a plain request in this environment does go to the bogus proxy.
  auto plain = HttpGet(server.Url("/x"));
  EXPECT_FALSE(plain && plain->status == 200);
  EXPECT_EQ(server.Hits("/x"), 0);

  auto fetched = SafeFetch(server.Url("/x"), Policy("127.0.0.1"));
  ASSERT_TRUE(fetched) << fetched.error().ToString();
  EXPECT_EQ(fetched->body, "PNG");
  EXPECT_EQ(server.Hits("/x"), 1);
}

// The adapter's own guards that SafeFetch relies on.
TEST(HttpClientGuards, ConnectCheckRefusesBeforeAnyByteIsSent) {
  ScriptedHttpServer server;
  server.Body("/x", "PNG");
  HttpGetOptions options;
  std::vector<IpBytes> asked;
  options.allow_connect = [&](const IpBytes& peer) {
    asked.push_back(peer);
    return false;
  };
  auto response = HttpGet(server.Url("/x"), options);
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().reason, "fetch_failed");
  ASSERT_EQ(asked.size(), 1u);
  EXPECT_EQ(FormatIp(asked[0]), "127.0.0.1");
  EXPECT_EQ(server.Hits("/x"), 0);
}

TEST(HttpClientGuards, PinnedAddressIsUsedInsteadOfDns) {
  ScriptedHttpServer server;
  server.Body("/x", "PNG");
  HttpGetOptions options;
  const std::string p = Port(server);
  options.resolve.push_back("pinned.invalid:" + p + ":127.0.0.1");
  auto response = HttpGet("http://pinned.invalid:" + p + "/x", options);
  ASSERT_TRUE(response) << response.error().ToString();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "PNG");
}

TEST(HttpClientGuards, TimeoutReasonAndContentLengthCheckAreOptIn) {
  ScriptedHttpServer server;
  server.Stall("/stall");
  server.HugeLength("/huge", 1 << 30);
  HttpGetOptions options;
  options.timeout_ms = 200;
  auto stalled = HttpGet(server.Url("/stall"), options);
  ASSERT_FALSE(stalled);
  EXPECT_EQ(stalled.error().reason, "fetch_failed");  // unchanged for existing callers
  options.timeout_reason = "fetch_timeout";
  stalled = HttpGet(server.Url("/stall"), options);
  ASSERT_FALSE(stalled);
  EXPECT_EQ(stalled.error().reason, "fetch_timeout");

  options.timeout_reason.clear();
  options.refuse_long_content_length = true;
  auto huge = HttpGet(server.Url("/huge"), options);
  ASSERT_FALSE(huge);
  EXPECT_EQ(huge.error().reason, "too_large");
}

}  // namespace
}  // namespace noisett::net
