// The CLI's command mode, the second door to the same registry: remote (`--server URL --token T`)
// against the running server, and direct (`--user U --data-dir D`) on the same data dir once the
// server has stopped. Both must see the same jobs.
#include <algorithm>
#include <fstream>

#include "service/e2e_fixture.h"

namespace noisett::service_e2e {
namespace {

class CliCommandModeTest : public E2eTest {
 protected:
  // Each test stops the suite's server to run direct mode; the next one starts it again on the
  // same data dir (the tokens stay valid: same dev issuer key).
  void SetUp() override {
    if (!noisett().process().running()) {
      ASSERT_EQ(noisett().Start(), "");
    }
    E2eTest::SetUp();
  }

  static std::vector<std::string> JobIds(const std::string& stdout_text) {
    const Json out = Json::parse(stdout_text, nullptr, /*allow_exceptions=*/false);
    std::vector<std::string> ids;
    EXPECT_TRUE(out.is_object()) << stdout_text;
    if (!out.is_object()) return ids;
    for (const Json& gen : out["generations"]) ids.push_back(gen.value("job_id", ""));
    return ids;
  }
};

TEST_F(CliCommandModeTest, RemoteUploadThenRemoteAndDirectListsAgree) {
  const std::string server = noisett().base_url();
  Upload(alice_, Png(60, 40), "prompt=over-http");
  Upload(alice_, Png(40, 60), "prompt=over-http-2");

  const std::string file = (noisett().root() / "upload.png").string();
  std::ofstream(file, std::ios::binary) << Png(77, 55);
  const auto up = Noisett::Cli({"images.upload", R"({"prompt":"from-cli"})", "--file", file,
                                "--server", server, "--token", alice_});
  ASSERT_EQ(up.status, 0) << up.out << up.err;
  const Json uploaded = Json::parse(up.out, nullptr, false);
  ASSERT_TRUE(uploaded.is_object()) << up.out;
  const std::string cli_job = uploaded.value("job_id", "");
  EXPECT_EQ(uploaded.value("original_width", 0), 77);
  EXPECT_EQ(uploaded.value("source_format", ""), "png");
  const RawResponse get = Call("GET", "/api/history/" + cli_job, alice_);
  ASSERT_EQ(get.status, 200) << get.body;
  EXPECT_EQ(BodyJson(get).value("prompt", ""), "from-cli");

  const auto remote = Noisett::Cli({"history.list", "{}", "--server", server, "--token", alice_});
  ASSERT_EQ(remote.status, 0) << remote.err;
  const std::vector<std::string> remote_ids = JobIds(remote.out);
  ASSERT_EQ(remote_ids.size(), 3u) << remote.out;
  EXPECT_EQ(remote_ids.front(), cli_job) << "newest first";
  EXPECT_EQ(remote_ids, HistoryIds(alice_));

  // A bad token: exit 1, the server's error as "noisett: CODE: message" on stderr and its error
  // object on stdout.
  const auto refused = Noisett::Cli({"history.list", "{}", "--server", server, "--token", "x.y.z"});
  EXPECT_EQ(refused.status, 1) << refused.out << refused.err;
  const Json refusal = Json::parse(refused.out, nullptr, false);
  ASSERT_TRUE(refusal.is_object()) << refused.out;
  EXPECT_EQ(refused.err, "noisett: " + refusal["error"].value("code", "?") + ": " +
                             refusal["error"].value("message", "?") + "\n");
  // A typo refused by the server, printed as direct mode prints it below.
  const auto remote_typo =
      Noisett::Cli({"history.list", R"({"limt":5})", "--server", server, "--token", alice_});

  // Direct mode opens the store and catalog itself: only once the server has let go of them.
  // (--public-url is given because direct mode has no default for it; see the next test.)
  ASSERT_EQ(noisett().Stop(), 0) << noisett().process().Log();
  auto direct_mode = [&](const std::string& user, const std::string& json) {
    std::vector<std::string> args = {"history.list", json, "--user", user, "--data-dir",
                                     noisett().data_dir(), "--public-url", server};
    for (const std::string& flag : StoreFlags()) args.push_back(flag);
    return Noisett::Cli(args);
  };
  const auto direct = direct_mode("alice", R"({"limit":5})");
  ASSERT_EQ(direct.status, 0) << direct.err;
  EXPECT_EQ(JobIds(direct.out), remote_ids);
  const auto two = direct_mode("alice", R"({"limit":2})");
  ASSERT_EQ(two.status, 0) << two.err;
  EXPECT_EQ(JobIds(two.out), std::vector<std::string>(remote_ids.begin(), remote_ids.begin() + 2));
  // Direct mode checks the same inputs.
  const auto bad = direct_mode("alice", R"({"limit":0})");
  EXPECT_EQ(bad.status, 1) << bad.out << bad.err;
  EXPECT_NE(bad.err.find("limit"), std::string::npos) << bad.err;
  // Both modes print a refusal in one shape, with the same exit status.
  const auto direct_typo = direct_mode("alice", R"({"limt":5})");
  EXPECT_EQ(direct_typo.status, 1);
  EXPECT_EQ(direct_typo.err,
            "noisett: bad_input: unknown field \"limt\"; did you mean \"limit\"?\n");
  EXPECT_EQ(remote_typo.status, direct_typo.status);
  EXPECT_EQ(remote_typo.err, direct_typo.err);
  EXPECT_EQ(remote_typo.out, direct_typo.out);
  // bob sees none of alice's jobs there either.
  const auto bob = direct_mode("bob", "{}");
  ASSERT_EQ(bob.status, 0) << bob.err;
  EXPECT_TRUE(JobIds(bob.out).empty()) << bob.out;
}

// The operator's command from the docs, with no link settings at all: it lists, it does not fail
// on the missing NOISETT_PUBLIC_URL (links in its output may use any default base).
// `noisett generate --server URL` waits for the job by default, telling its progress on stderr,
// and prints the stored job as generate with "wait": true answers it; "wait": false prints the
// queued job at once, and jobs.get reads it through the same door.
TEST_F(CliCommandModeTest, RemoteGenerateWaitsWithProgressUnlessAskedNotTo) {
  const std::string server = noisett().base_url();
  const auto waited = Noisett::Cli({"generate", R"({"prompt":"remote","count":2,"seed":4})",
                                    "--server", server, "--token", alice_});
  ASSERT_EQ(waited.status, 0) << waited.out << waited.err;
  const Json job = Json::parse(waited.out, nullptr, false);
  ASSERT_TRUE(job.is_object()) << waited.out;
  ASSERT_EQ(job["images"].size(), 2u);
  EXPECT_EQ(job["generator"], "noise");
  EXPECT_EQ(job["metadata"]["images"][1]["seed"], 5);
  const std::string id = job["job_id"];
  EXPECT_NE(waited.err.find("generate: " + id + " succeeded, 2 of 2 images stored"),
            std::string::npos)
      << waited.err;

  const auto queued = Noisett::Cli({"generate", R"({"prompt":"later","count":1,"wait":false})",
                                    "--server", server, "--token", alice_});
  ASSERT_EQ(queued.status, 0) << queued.err;
  const Json accepted = Json::parse(queued.out, nullptr, false);
  ASSERT_TRUE(accepted.is_object()) << queued.out;
  EXPECT_EQ(accepted["status"], "queued");
  const auto read = Noisett::Cli({"jobs.get", Json{{"job_id", accepted["job_id"]}}.dump(),
                                  "--server", server, "--token", alice_});
  ASSERT_EQ(read.status, 0) << read.err;
  EXPECT_EQ(Json::parse(read.out)["job_id"], accepted["job_id"]);
}

TEST_F(CliCommandModeTest, DirectModeNeedsNoPublicUrl) {
  const std::string job = Upload(alice_, Png(30, 30)).value("job_id", "");
  ASSERT_EQ(noisett().Stop(), 0) << noisett().process().Log();
  std::vector<std::string> args = {"history.list", R"({"limit":5})", "--user", "alice",
                                   "--data-dir", noisett().data_dir()};
  for (const std::string& flag : StoreFlags()) args.push_back(flag);
  const auto direct = Noisett::Cli(args);
  ASSERT_EQ(direct.status, 0) << direct.err;
  const std::vector<std::string> ids = JobIds(direct.out);
  EXPECT_NE(std::find(ids.begin(), ids.end(), job), ids.end()) << direct.out;
}

}  // namespace
}  // namespace noisett::service_e2e
