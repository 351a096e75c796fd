// net::CheckKeyUrl: key material only over TLS, or plain http to this machine.
#include "net/http_client.h"

#include <gtest/gtest.h>

#include <string>

namespace noisett::net {
namespace {

void ExpectAllowed(const std::string& url) {
  const Status status = CheckKeyUrl(url);
  EXPECT_TRUE(status) << url << ": " << status.error().ToString();
}

void ExpectRefused(const std::string& url) {
  const Status status = CheckKeyUrl(url);
  ASSERT_FALSE(status) << url << " was allowed";
  EXPECT_EQ(status.error().code, ErrorCode::kInvalidArgument) << url;
  EXPECT_EQ(status.error().reason, "bad_url") << url;
}

TEST(CheckKeyUrlTest, HttpsAnywhere) {
  ExpectAllowed("https://login.microsoftonline.com/common/discovery/v2.0/keys");
  ExpectAllowed("https://keys.example:8443/jwks.json");
  ExpectAllowed("https://127.0.0.1/jwks");
}

TEST(CheckKeyUrlTest, PlainHttpToLoopback) {
  ExpectAllowed("http://127.0.0.1:8080/jwks.json");
  ExpectAllowed("http://127.0.0.1");
  ExpectAllowed("http://127.1.2.3:9/");  // all of 127.0.0.0/8
  ExpectAllowed("http://localhost/jwks");
  ExpectAllowed("http://localhost:3000");
  ExpectAllowed("http://LOCALHOST/jwks");
  ExpectAllowed("http://[::1]/jwks");
  ExpectAllowed("http://[::1]:8080/jwks");
}

TEST(CheckKeyUrlTest, PlainHttpElsewhereIsRefused) {
  ExpectRefused("http://example.com/jwks");
  ExpectRefused("http://10.0.0.1/jwks");
  ExpectRefused("http://0.0.0.0/jwks");
  ExpectRefused("http://128.0.0.1/jwks");
  ExpectRefused("http://[::2]/jwks");
}

TEST(CheckKeyUrlTest, LoopbackLookalikesAreRefused) {
  ExpectRefused("http://127.0.0.1.evil.com/jwks");
  ExpectRefused("http://127.0.0.1.nip.io/jwks");
  ExpectRefused("http://localhost.evil.com/jwks");
  ExpectRefused("http://evil-localhost/jwks");
  ExpectRefused("http://evil.com/127.0.0.1");
  ExpectRefused("http://evil.com/?host=localhost");
  ExpectRefused("http://evil.com#@127.0.0.1");
  ExpectRefused("http://evil.com?@127.0.0.1/");
}

TEST(CheckKeyUrlTest, OddIpv4SpellingsAreJudgedByTheAddressTheyName) {
  // curl normalises numeric hosts before the loopback test, so these name 127.0.0.1 ...
  ExpectAllowed("http://2130706433/jwks");
  ExpectAllowed("http://0x7f.1/jwks");
  // ... and these name no loopback address (or no address at all).
  ExpectRefused("http://127.0.0.256/jwks");
  ExpectRefused("http://127.0.0.99999999999999999999/jwks");
  ExpectRefused("http://127.0.0.+1/jwks");
  ExpectRefused("http://127.0.0.-1/jwks");
  ExpectRefused("http://127.0.0.1./jwks");
  ExpectRefused("http://[::ffff:127.0.0.1]/jwks");
}

TEST(CheckKeyUrlTest, UserinfoIsRefused) {
  // The host of "http://a@b" is b. The dangerous spelling names loopback as userinfo and
  // connects elsewhere; the implementation refuses credentials in key URLs outright, so the
  // harmless reverse spelling (host 127.0.0.1) is refused too.
  ExpectRefused("http://127.0.0.1@evil.com/jwks");
  ExpectRefused("http://localhost:80@evil.com/jwks");
  ExpectRefused("http://evil.com@127.0.0.1/jwks");
  ExpectRefused("https://user:password@keys.example/jwks");
}

TEST(CheckKeyUrlTest, OtherSchemesAndNonUrlsAreRefused) {
  ExpectRefused("file:///etc/passwd");
  ExpectRefused("ftp://127.0.0.1/jwks");
  ExpectRefused("ftp://keys.example/jwks");
  ExpectRefused("gopher://127.0.0.1/");
  ExpectRefused("ldap://127.0.0.1/");
  ExpectRefused("");
  ExpectRefused("keys.example/jwks");
  ExpectRefused("//keys.example/jwks");
  ExpectRefused("https://");
  ExpectRefused("http:///jwks");
  ExpectRefused("not a url");
}

}  // namespace
}  // namespace noisett::net
