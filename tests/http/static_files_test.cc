// The gallery's static files: what is loaded, what is refused, and the headers a page needs.
// Requests go through a real Router, so path tricks meet the same decoding as in the server.
#include "http/static_files.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace noisett::http {
namespace {

namespace fs = std::filesystem;

class StaticFilesTest : public ::testing::Test {
 protected:
  StaticFilesTest() {
    char tmpl[] = "/tmp/noisett-web-XXXXXX";
    dir_ = mkdtemp(tmpl);
    Write("index.html", "<!doctype html><title>Noisett</title>");
    Write("app.js", "export const x = 1;");
    Write("vendor/msal.js", "var msal = {};");
    Write("redirect.html", "<!doctype html><title>bridge</title>");
    Write(".env", "SECRET=1");
    Write(".git/config", "[core]");
    Write("notes{1}.txt", "odd name");
    fs::create_directories(fs::path(dir_).parent_path());
    std::ofstream(fs::path(dir_).parent_path() / "outside.txt") << "CANARY";
  }
  ~StaticFilesTest() override { fs::remove_all(dir_); }

  void Write(const std::string& name, const std::string& text) {
    fs::path path = fs::path(dir_) / name;
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
  }

  std::shared_ptr<const StaticSite> Load(const PageOrigins& origins = {}) {
    auto site = StaticSite::Load(dir_, origins);
    EXPECT_TRUE(site) << site.error().ToString();
    return site ? *site : nullptr;
  }

  HttpResponse Get(const Router& router, const std::string& target,
                   const std::string& if_none_match = "") {
    HttpRequest q;
    q.method = "GET";
    q.target = target;
    if (!if_none_match.empty()) q.headers.Set("If-None-Match", if_none_match);
    return router.Handle(q);
  }

  std::string dir_;
};

TEST_F(StaticFilesTest, LoadsVisibleFilesOnly) {
  auto site = Load();
  ASSERT_TRUE(site);
  EXPECT_EQ(site->Paths(), (std::vector<std::string>{"/app.js", "/index.html", "/redirect.html",
                                                     "/vendor/msal.js"}));
}

TEST_F(StaticFilesTest, ServesFilesWithTypesAndSecurityHeaders) {
  Router router;
  AddStaticRoutes(router, Load({{"https://acct.blob.core.windows.net"},
                                {"https://login.microsoftonline.com"}}));
  HttpResponse root = Get(router, "/");
  EXPECT_EQ(root.status, 200);
  EXPECT_EQ(root.body, "<!doctype html><title>Noisett</title>");
  EXPECT_EQ(root.headers.Get("Content-Type").value_or(""), "text/html; charset=utf-8");
  EXPECT_EQ(root.headers.Get("X-Content-Type-Options").value_or(""), "nosniff");
  EXPECT_EQ(root.headers.Get("Referrer-Policy").value_or(""), "no-referrer");
  const std::string csp(root.headers.Get("Content-Security-Policy").value_or(""));
  EXPECT_NE(csp.find("script-src 'self';"), std::string::npos) << csp;
  EXPECT_NE(csp.find("img-src 'self' data: blob: https://acct.blob.core.windows.net;"),
            std::string::npos) << csp;
  EXPECT_NE(csp.find("connect-src 'self' https://login.microsoftonline.com;"), std::string::npos)
      << csp;
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << csp;
  EXPECT_EQ(csp.find("unsafe"), std::string::npos) << csp;
  EXPECT_NE(csp.find("frame-src 'self' https://login.microsoftonline.com;"), std::string::npos)
      << csp;
  EXPECT_EQ(root.headers.Get("X-Frame-Options").value_or(""), "DENY");
  // Only MSAL's redirect bridge may be framed, and only by the gallery itself.
  HttpResponse bridge = Get(router, "/redirect.html");
  EXPECT_EQ(bridge.headers.Get("X-Frame-Options").value_or(""), "SAMEORIGIN");
  EXPECT_NE(std::string(bridge.headers.Get("Content-Security-Policy").value_or(""))
                .find("frame-ancestors 'self'"),
            std::string::npos);
  HttpResponse js = Get(router, "/vendor/msal.js");
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.headers.Get("Content-Type").value_or(""), "text/javascript; charset=utf-8");
}

TEST_F(StaticFilesTest, WithoutAnIdentityProviderNothingMayBeFramed) {
  Router router;
  AddStaticRoutes(router, Load());
  const std::string csp(Get(router, "/").headers.Get("Content-Security-Policy").value_or(""));
  EXPECT_NE(csp.find("frame-src 'none';"), std::string::npos) << csp;
}

TEST_F(StaticFilesTest, ARepeatedRequestWithTheETagGets304) {
  Router router;
  AddStaticRoutes(router, Load());
  HttpResponse first = Get(router, "/app.js");
  const std::string etag(first.headers.Get("ETag").value_or(""));
  ASSERT_FALSE(etag.empty());
  HttpResponse again = Get(router, "/app.js", etag);
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(Get(router, "/app.js", "\"other\"").status, 200);
}

TEST_F(StaticFilesTest, NoRequestReachesAFileThatWasNotLoaded) {
  Router router;
  AddStaticRoutes(router, Load());
  for (const char* target :
       {"/.env", "/.git/config", "/notes%7B1%7D.txt", "/../outside.txt", "/%2e%2e/outside.txt",
        "/vendor/../../outside.txt", "/vendor%2f..%2f..%2foutside.txt", "/index.html%00",
        "/vendor\\..\\index.html", "/index.html/", "/missing.js"}) {
    HttpResponse r = Get(router, target);
    EXPECT_TRUE(r.status == 400 || r.status == 404) << target << " -> " << r.status;
    EXPECT_EQ(r.body.find("CANARY"), std::string::npos) << target;
    EXPECT_EQ(r.body.find("SECRET"), std::string::npos) << target;
  }
}

TEST_F(StaticFilesTest, AMissingDirectoryIsAnError) {
  auto site = StaticSite::Load(dir_ + "/nope", {});
  ASSERT_FALSE(site);
  EXPECT_EQ(site.error().reason, "web_dir_missing");
}

TEST_F(StaticFilesTest, AFileOverTheLimitIsRefusedAtLoad) {
  Write("big.bin", std::string((size_t{8} << 20) + 1, 'x'));
  auto site = StaticSite::Load(dir_, {});
  ASSERT_FALSE(site);
  EXPECT_EQ(site.error().reason, "web_dir_too_large");
}

TEST(ContentTypeForName, KnowsTheGallerysTypes) {
  EXPECT_EQ(ContentTypeForName("/a.css"), "text/css; charset=utf-8");
  EXPECT_EQ(ContentTypeForName("/a.svg"), "image/svg+xml");
  EXPECT_EQ(ContentTypeForName("/a.mjs"), "text/javascript; charset=utf-8");
  EXPECT_EQ(ContentTypeForName("/a"), "application/octet-stream");
  EXPECT_EQ(ContentTypeForName("/a.exe"), "application/octet-stream");
}

}  // namespace
}  // namespace noisett::http
