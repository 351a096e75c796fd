// Strict parsing of the URLs a user hands to SafeFetch, and redirect resolution.
#include "net/fetch_url.h"

#include <gtest/gtest.h>

#include <string>

namespace noisett::net {
namespace {

FetchUrl Parse(const std::string& url) {
  auto parsed = ParseFetchUrl(url);
  EXPECT_TRUE(parsed) << url << ": " << (parsed ? "" : parsed.error().ToString());
  return parsed ? *parsed : FetchUrl{};
}

std::string Reason(const std::string& url) {
  auto parsed = ParseFetchUrl(url);
  return parsed ? "ok" : parsed.error().reason;
}

std::string Redirect(const std::string& base, const std::string& location) {
  auto next = ResolveRedirect(Parse(base), location);
  return next ? next->ToString() : next.error().reason;
}

TEST(FetchUrl, SplitsSchemeHostPortAndTarget) {
  const FetchUrl u = Parse("HTTPS://Images.Example.COM:8443/a/b.png?x=1&y=2#frag");
  EXPECT_EQ(u.scheme, "https");
  EXPECT_EQ(u.host, "images.example.com");
  EXPECT_FALSE(u.host_is_ip);
  EXPECT_EQ(u.port, 8443);
  EXPECT_EQ(u.target, "/a/b.png?x=1&y=2");
  EXPECT_EQ(u.ToString(), "https://images.example.com:8443/a/b.png?x=1&y=2");
  EXPECT_EQ(Parse("http://example.com").target, "/");
  EXPECT_EQ(Parse("http://example.com").port, 80);
  EXPECT_EQ(Parse("https://example.com?q").target, "/?q");
  EXPECT_EQ(Parse("https://example.com:443/").ToString(), "https://example.com/");
  EXPECT_EQ(Parse("http://example.com./x").host, "example.com");
}

TEST(FetchUrl, RefusesOtherSchemes) {
  for (const char* url : {"file:///etc/passwd", "ftp://example.com/a", "gopher://example.com/",
                          "data:text/plain,hi", "javascript:alert(1)", "dict://127.0.0.1:11211/",
                          "ldap://example.com"}) {
    EXPECT_EQ(Reason(url), "scheme_not_allowed") << url;
  }
}

TEST(FetchUrl, RefusesMalformedUrls) {
  for (const char* url :
       {"", "example.com/a.png", "/relative", "http:/example.com", "http://", "http:///x",
        "http://user@example.com/", "http://user:pw@example.com/", "http://a@127.0.0.1/",
        "http://example.com\\@127.0.0.1/", "http://exa mple.com/", "http://%31%32%37.0.0.1/",
        "http://example.com:0/", "http://example.com:65536/", "http://example.com:80a/",
        "http://[::1/", "http://[fe80::1%25eth0]/", "http://[127.0.0.1]/", "http://a..b/",
        "http://example.com/\r\nX-Injected: 1", "http://ex\tample.com/"}) {
    EXPECT_EQ(Reason(url), "bad_url") << url;
  }
}

TEST(FetchUrl, CanonicalizesNumericHosts) {
  // Every spelling the resolver would read as 127.0.0.1 is recognized as that address.
  for (const char* url : {"http://2130706433/", "http://0x7f.1/", "http://017700000001/",
                          "http://127.1/", "http://0x7F000001/", "http://127.0.0.1./"}) {
    const FetchUrl u = Parse(url);
    EXPECT_EQ(u.host, "127.0.0.1") << url;
    EXPECT_TRUE(u.host_is_ip) << url;
  }
  const FetchUrl v6 = Parse("http://[0:0:0:0:0:0:0:1]:8080/x");
  EXPECT_EQ(v6.host, "::1");
  EXPECT_TRUE(v6.host_is_ip);
  EXPECT_EQ(v6.ToString(), "http://[::1]:8080/x");
}

TEST(FetchUrl, NormalizesTheTarget) {
  EXPECT_EQ(Parse("http://e.com/a/./b/../c").target, "/a/c");
  EXPECT_EQ(Parse("http://e.com/../../etc").target, "/etc");
  EXPECT_EQ(Parse("http://e.com/a b\"<>").target, "/a%20b%22%3C%3E");
  EXPECT_EQ(Parse("http://e.com/caf\xc3\xa9").target, "/caf%C3%A9");
  EXPECT_EQ(Parse("http://e.com/a%2Fb").target, "/a%2Fb");  // escapes stay as they are
}

TEST(FetchUrl, ResolvesRelativeRedirects) {
  EXPECT_EQ(Redirect("http://e.com/a/b?q", "/c"), "http://e.com/c");
  EXPECT_EQ(Redirect("http://e.com:81/a/b", "c/d.png"), "http://e.com:81/a/c/d.png");
  EXPECT_EQ(Redirect("http://e.com/a/b", "../x"), "http://e.com/x");
  EXPECT_EQ(Redirect("http://e.com/a/b?q", "?r"), "http://e.com/a/b?r");
  EXPECT_EQ(Redirect("https://e.com/a", "//other.org/z"), "https://other.org/z");
  EXPECT_EQ(Redirect("http://e.com/a", "https://f.com/y"), "https://f.com/y");
  EXPECT_EQ(Redirect("http://e.com/a", "#top"), "http://e.com/a");
}

TEST(FetchUrl, RefusesBadRedirects) {
  EXPECT_EQ(Redirect("http://e.com/a", "file:///etc/passwd"), "scheme_not_allowed");
  EXPECT_EQ(Redirect("http://e.com/a", "ftp://e.com/x"), "scheme_not_allowed");
  EXPECT_EQ(Redirect("https://e.com/a", "http://e.com/a"), "scheme_not_allowed");  // downgrade
  EXPECT_EQ(Redirect("https://e.com/a", "//e.com/b"), "https://e.com/b");  // keeps https
  EXPECT_EQ(Redirect("http://e.com/a", "http://u@e.com/"), "bad_url");
  EXPECT_EQ(Redirect("http://e.com/a", ""), "bad_url");
}

TEST(FetchUrl, MessagesStayShortAndPrintable) {
  const std::string huge(100000, 'a');
  auto r = ParseFetchUrl("http://" + huge + "/");
  ASSERT_FALSE(r);
  EXPECT_LT(r.error().message.size(), 300u);
  EXPECT_EQ(ShortForMessage("a\nb\x01", 10), "a?b?");
  EXPECT_EQ(ShortForMessage("abcdef", 3), "abc...");
}

}  // namespace
}  // namespace noisett::net
