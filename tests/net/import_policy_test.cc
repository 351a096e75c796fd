// NOISETT_IMPORT_ALLOW / NOISETT_IMPORT_HOSTS parsing, host matching, and the policy defaults.
#include "net/import_policy.h"

#include <gtest/gtest.h>

#include "net/address_policy.h"
#include "net/safe_fetch.h"

namespace noisett::net {
namespace {

TEST(ImportPolicy, DefaultsMatchTheIssue) {
  const ImportPolicy policy;
  EXPECT_EQ(policy.max_redirects, 3);
  EXPECT_EQ(policy.timeout_ms, 30000);
  EXPECT_EQ(policy.max_bytes, size_t{10} * 1024 * 1024);
  EXPECT_TRUE(policy.allow.empty());
  EXPECT_TRUE(policy.hosts.empty());
}

TEST(ImportPolicy, ParsesAllowRangesAndHosts) {
  auto policy = ParseImportPolicy(" 127.0.0.1, 10.0.0.0/8,,fd00::/8 ",
                                  "Images.Example.com, *.cdn.example.org.,[::1]");
  ASSERT_TRUE(policy) << policy.error().ToString();
  ASSERT_EQ(policy->allow.size(), 3u);
  EXPECT_EQ(policy->allow[1].prefix, 8);
  EXPECT_EQ(policy->allow[2].base.size(), 16u);
  EXPECT_EQ(policy->hosts,
            (std::vector<std::string>{"images.example.com", "*.cdn.example.org", "::1"}));
  auto empty = ParseImportPolicy("", "");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->allow.empty());
  EXPECT_TRUE(empty->hosts.empty());
}

TEST(ImportPolicy, ParseErrorsNameTheBadEntry) {
  auto allow = ParseImportPolicy("127.0.0.1,10.0.0.0/40", "");
  ASSERT_FALSE(allow);
  EXPECT_EQ(allow.error().reason, "bad_import_allow");
  EXPECT_EQ(allow.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(allow.error().message.find("10.0.0.0/40"), std::string::npos);

  for (const char* bad : {"exa mple.com", "*", "*.", "a.*.com", "ex*ample.com", "http://x.com",
                          "user@x.com", "a..b"}) {
    auto hosts = ParseImportPolicy("", std::string("ok.com,") + bad);
    ASSERT_FALSE(hosts) << bad;
    EXPECT_EQ(hosts.error().reason, "bad_import_hosts");
    EXPECT_NE(hosts.error().message.find(bad), std::string::npos) << hosts.error().message;
  }
}

TEST(ImportPolicy, HostListMatchesExactNamesAndSubdomains) {
  const std::vector<std::string> hosts = {"images.example.com", "*.cdn.example.org"};
  EXPECT_TRUE(HostAllowed("images.example.com", hosts));
  EXPECT_TRUE(HostAllowed("a.cdn.example.org", hosts));
  EXPECT_TRUE(HostAllowed("a.b.cdn.example.org", hosts));
  EXPECT_FALSE(HostAllowed("cdn.example.org", hosts));  // the wildcard means subdomains only
  EXPECT_FALSE(HostAllowed("evilcdn.example.org", hosts));
  EXPECT_FALSE(HostAllowed("x.images.example.com", hosts));
  EXPECT_FALSE(HostAllowed("images.example.com.evil.net", hosts));
  EXPECT_FALSE(HostAllowed("example.com", hosts));
  EXPECT_TRUE(HostAllowed("anything.net", {}));  // no list: any host
  EXPECT_TRUE(HostAllowed("images.example.com", {"IMAGES.Example.com"}));
}

}  // namespace
}  // namespace noisett::net
