// What the gallery needs from `noisett serve`: its files at /, /api/config, and the dev sign-in
// that exists only in --auth dev mode. Also `noisett generate` in direct mode.
#include <fstream>

#include <gtest/gtest.h>

#include "service/e2e_fixture.h"

namespace noisett::service_e2e {
namespace {

// A server of its own, with a gallery directory the test wrote.
class WebE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    web_ = noisett_.root() / "web";
    fs::create_directories(web_ / "vendor");
    std::ofstream(web_ / "index.html") << "<!doctype html><title>Noisett gallery</title>";
    std::ofstream(web_ / "app.js") << "console.log('hi');";
    std::ofstream(web_ / ".secret") << "SECRET";
    const std::string error = noisett_.Start({"--web-dir", web_.string()});
    ASSERT_EQ(error, "");
  }
  void TearDown() override { EXPECT_EQ(noisett_.Stop(), 0) << noisett_.process().Log(); }

  RawResponse Send(const std::string& method, const std::string& target,
                   const std::string& body = "", const std::string& token = "") {
    RawRequest q;
    q.method = method;
    q.target = target;
    q.body = body;
    if (!body.empty()) q.headers.push_back({"Content-Type", "application/json"});
    if (!token.empty()) q.headers.push_back({"Authorization", "Bearer " + token});
    return service_e2e::Send(noisett_.port(), q);
  }

  Noisett noisett_;
  fs::path web_;
};

TEST_F(WebE2eTest, ServesTheGalleryWithItsSecurityHeaders) {
  RawResponse page = Send("GET", "/");
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.body, "<!doctype html><title>Noisett gallery</title>");
  EXPECT_EQ(page.Header("content-type"), "text/html; charset=utf-8");
  EXPECT_NE(page.Header("content-security-policy").find("script-src 'self'"), std::string::npos);
  EXPECT_EQ(page.Header("referrer-policy"), "no-referrer");
  RawResponse js = Send("GET", "/app.js");
  EXPECT_EQ(js.status, 200);
  for (const char* target : {"/.secret", "/../canary.txt", "/%2e%2e/canary.txt",
                             "/web/../../canary.txt", "/app.js%00.png", "/data/noisett.db"}) {
    RawResponse r = Send("GET", target);
    EXPECT_TRUE(r.status == 400 || r.status == 404) << target << " -> " << r.status;
    EXPECT_EQ(r.body.find("SECRET"), std::string::npos) << target;
    EXPECT_EQ(r.body.find(Noisett::kCanaryText), std::string::npos) << target;
  }
}

TEST_F(WebE2eTest, ConfigTellsThePageHowToSignIn) {
  RawResponse r = Send("GET", "/api/config");
  ASSERT_EQ(r.status, 200);
  Json config = Json::parse(r.body);
  EXPECT_EQ(config["auth_mode"], "dev");
  EXPECT_EQ(config["dev_sign_in"], true);
  EXPECT_EQ(config["generator"], "noise");
  EXPECT_EQ(config["max_count"], 8);
}

TEST_F(WebE2eTest, DevSignInGivesATokenTheApiAccepts) {
  RawResponse r = Send("POST", "/api/dev/token", R"({"user":"carol"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Header("cache-control"), "no-store");
  const std::string token = Json::parse(r.body)["token"];
  EXPECT_EQ(Send("GET", "/api/history", "", token).status, 200);
  // Never an administrator.
  EXPECT_EQ(Send("GET", "/metrics", "", token).status, 403);
  for (const char* body : {R"({"user":"../alice"})", R"({"user":""})", "{}", "not json",
                           R"({"user":5})", R"(["alice"])"}) {
    RawResponse bad = Send("POST", "/api/dev/token", body);
    EXPECT_EQ(bad.status, 400) << body;
  }
  RawResponse long_name =
      Send("POST", "/api/dev/token", Json{{"user", std::string(65, 'a')}}.dump());
  EXPECT_EQ(long_name.status, 400);
  EXPECT_EQ(Send("GET", "/api/dev/token").status, 405);
}

TEST_F(WebE2eTest, GenerateRunsInDirectMode) {
  auto r = Noisett::Cli({"generate", R"({"prompt":"from the shell","count":1,"seed":3})",
                         "--user", "dora", "--data-dir", noisett_.data_dir()});
  ASSERT_EQ(r.status, 0) << r.err;
  Json job = Json::parse(r.out);
  EXPECT_EQ(job["images"][0]["seed"], 3);
  // It waited for the job, saying how it went on stderr.
  EXPECT_NE(r.err.find(job["job_id"].get<std::string>() + " succeeded, 1 of 1 images stored"),
            std::string::npos)
      << r.err;
  const std::string token = Json::parse(Send("POST", "/api/dev/token", R"({"user":"dora"})").body)
                                ["token"];
  RawResponse history = Send("GET", "/api/history", "", token);
  EXPECT_NE(history.body.find(job["job_id"].get<std::string>()), std::string::npos);
}

// In any mode but dev, the dev sign-in route does not exist and the page is told to use Entra.
TEST(WebRequiredModeE2eTest, HasNoDevSignInAndNamesEntra) {
  Noisett noisett;
  noisett.Token("seed");  // creates a JWKS file for --jwks-file
  const std::string jwks = noisett.data_dir() + "/dev-issuer/jwks.json";
  ServerProcess server;
  const std::string error =
      server.Start({"--auth", "required", "--data-dir", noisett.data_dir(), "--tenant-id",
                    "tenant-1", "--client-id", "client-1", "--jwks-file", jwks},
                   (noisett.root() / "required.log").string());
  ASSERT_EQ(error, "");
  RawRequest q;
  q.method = "POST";
  q.target = "/api/dev/token";
  q.body = R"({"user":"mallory"})";
  EXPECT_EQ(Send(server.port(), q).status, 404);
  q.method = "GET";
  q.target = "/api/config";
  q.body.clear();
  RawResponse config = Send(server.port(), q);
  ASSERT_EQ(config.status, 200);
  Json c = Json::parse(config.body);
  EXPECT_EQ(c["auth_mode"], "required");
  EXPECT_EQ(c["dev_sign_in"], false);
  EXPECT_EQ(c["client_id"], "client-1");
  EXPECT_EQ(c["authority"], "https://login.microsoftonline.com/tenant-1");
  EXPECT_EQ(c["scopes"], Json::array({"api://client-1/.default"}));
  EXPECT_EQ(server.Stop(), 0);
}

TEST(WebDirE2eTest, AMissingWebDirStopsTheStart) {
  Noisett noisett;
  const std::string error = noisett.Start({"--web-dir", (noisett.root() / "nope").string()});
  EXPECT_NE(error.find("web_dir_missing"), std::string::npos) << error;
}

}  // namespace
}  // namespace noisett::service_e2e
