// The end-to-end fixture.
#include "service/e2e_fixture.h"

#include <stdlib.h>

#include <fstream>

#include "image/test_images.h"

namespace noisett::service_e2e {
namespace {

std::string start_error;  // why the suite's server did not start, for every test to report

}  // namespace

std::string E2eTest::alice_;
std::string E2eTest::bob_;
std::unique_ptr<Noisett> E2eTest::noisett_;

// ---- Noisett -------------------------------------------------------------------------------

Noisett::Noisett() {
  std::string tmpl = (fs::temp_directory_path() / "noisett_service_e2e_XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) {
    ADD_FAILURE() << "mkdtemp failed";
    return;
  }
  root_ = tmpl;
  fs::create_directories(root_ / "data");
  std::ofstream(canary()) << kCanaryText;
}

Noisett::~Noisett() {
  server_.Kill();  // before removing the files it may still write
  std::error_code ec;
  if (!root_.empty()) fs::remove_all(root_, ec);
}

std::string Noisett::Start(const std::vector<std::string>& extra,
                           const std::vector<std::string>& env, bool bearer) {
  std::vector<std::string> args = {"--auth", "dev", "--data-dir", data_dir()};
  const std::vector<std::string> store = StoreFlags(/*with_key=*/!bearer);
  args.insert(args.end(), store.begin(), store.end());
  args.insert(args.end(), extra.begin(), extra.end());
  // One log file per start, so a restart's log does not hide the first one's.
  const std::string log = (root_ / ("serve-" + std::to_string(log_count_++) + ".log")).string();
  return server_.Start(args, log, env);
}

std::string Noisett::StartInProcess() {
  api_ = std::make_unique<InProcessApi>();
  return api_->Start(data_dir(), StoreFlags(), base_url());
}

std::string Noisett::base_url() const {
  // The in-process App's links point where a default `serve` would listen.
  if (!server_.running()) return "http://127.0.0.1:8080";
  return "http://127.0.0.1:" + std::to_string(port());
}

RawResponse Noisett::Send(const RawRequest& request, int timeout_ms) {
  if (api_) return api_->Send(request);
  return service_e2e::Send(port(), request, timeout_ms);
}

int Noisett::Stop() { return server_.Stop(); }

noisett::testing::ProcessResult Noisett::Cli(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {NOISETT_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  noisett::testing::ProcessOptions options;
  options.drop_env_prefixes = {"NOISETT_", "AZURE_"};
  options.timeout = std::chrono::seconds(120);
  return noisett::testing::RunProcess(argv, options);
}

std::string Noisett::Token(const std::string& user) {
  if (api_) return api_->Token(user);
  const auto r = Cli({"token", "--user", user, "--data-dir", data_dir()});
  EXPECT_EQ(r.status, 0) << r.err;
  std::string token = r.out;
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
  return token;
}

// ---- E2eTest -------------------------------------------------------------------------------

void E2eTest::SetUpTestSuite() {
  noisett::testing::InitVips();
  noisett_ = std::make_unique<Noisett>();
  start_error = noisett_->Start();
  if (!start_error.empty()) return;
  alice_ = noisett_->Token("alice");
  bob_ = noisett_->Token("bob");
}

void E2eTest::SetUpInProcessSuite() {
  noisett::testing::InitVips();
  noisett_ = std::make_unique<Noisett>();
  start_error = noisett_->StartInProcess();
  if (!start_error.empty()) return;
  alice_ = noisett_->Token("alice");
  bob_ = noisett_->Token("bob");
}

void E2eTest::TearDownTestSuite() {
  if (noisett_ && noisett_->process().running()) {
    // A graceful stop is part of the contract: SIGTERM ends `serve` with status 0.
    // The log is read after the stop: what a crash while stopping printed (a sanitizer report,
    // an abort's message) is in it only then.
    const int status = noisett_->Stop();
    EXPECT_EQ(status, 0) << "noisett serve log:\n" << noisett_->process().Log();
  }
  noisett_.reset();
}

void E2eTest::SetUp() {
  ASSERT_TRUE(start_error.empty()) << start_error;
  ASSERT_FALSE(alice_.empty());
  ASSERT_FALSE(bob_.empty());
  ASSERT_TRUE(noisett_->in_process() || noisett_->process().running())
      << "the server is gone; log:\n"
      << noisett_->process().Log();
}

RawResponse E2eTest::Call(const std::string& method, const std::string& target,
                          const std::string& token, const std::string& body,
                          const std::string& content_type) {
  RawRequest request;
  request.method = method;
  request.target = target;
  request.body = body;
  if (!token.empty()) request.headers.push_back({"Authorization", "Bearer " + token});
  if (!content_type.empty()) request.headers.push_back({"Content-Type", content_type});
  return Send(request);
}

RawResponse E2eTest::FetchLink(const std::string& url,
                               const std::vector<std::pair<std::string, std::string>>& headers,
                               const std::string& method) {
  // On Azurite, links are Azurite's URLs; a bare path still goes to noisett's own port.
  if (OnAzure() && url.rfind("https://", 0) == 0) return FetchFromAzurite(url, headers, method);
  RawRequest request;
  request.method = method;
  request.target = PathAndQuery(url);
  request.headers = headers;
  return Send(request);
}

Json E2eTest::Upload(const std::string& token, const std::string& bytes, const std::string& query,
                     const std::string& content_type) {
  const RawResponse r =
      Call("POST", "/api/images" + (query.empty() ? "" : "?" + query), token, bytes, content_type);
  EXPECT_EQ(r.status, 201) << r.body;
  Json out = BodyJson(r);
  EXPECT_TRUE(out.is_object()) << r.body;
  return out.is_object() ? out : Json::object();
}

Json E2eTest::BodyJson(const RawResponse& r) {
  return Json::parse(r.body, nullptr, /*allow_exceptions=*/false);
}

std::string E2eTest::ErrorCode(const RawResponse& r) {
  const Json body = BodyJson(r);
  if (!body.is_object() || !body.contains("error") || !body["error"].is_object()) return "";
  return body["error"].value("code", "");
}

std::string E2eTest::Png(int w, int h) {
  return noisett::testing::ToPng(noisett::testing::Textured(w, h));
}

std::string E2eTest::Jpeg(int w, int h) {
  return noisett::testing::ToJpeg(noisett::testing::Textured(w, h));
}

std::vector<std::string> E2eTest::HistoryIds(const std::string& token) {
  const RawResponse r = Call("GET", "/api/history?limit=200", token);
  EXPECT_EQ(r.status, 200) << r.body;
  std::vector<std::string> ids;
  const Json body = BodyJson(r);
  if (!body.is_object() || !body["generations"].is_array()) return ids;
  for (const Json& job : body["generations"]) ids.push_back(job.value("job_id", ""));
  return ids;
}

std::map<std::string, uint64_t> E2eTest::BlobDataFiles(const std::string& name_prefix) {
  if (OnAzure()) return AzuriteBlobSizes(name_prefix);
  std::map<std::string, uint64_t> files;
  std::error_code ec;
  const fs::path root = noisett_->blob_root();
  if (!fs::exists(root, ec)) return files;
  for (const auto& entry : fs::recursive_directory_iterator(root, ec)) {
    if (!entry.is_regular_file()) continue;
    const fs::path blob_dir = entry.path().parent_path();
    const std::string blob = blob_dir.filename().string();  // "image_0.jpg@"
    const std::string name = entry.path().filename().string();
    if (blob.empty() || blob.back() != '@' || blob.rfind(name_prefix, 0) != 0) continue;
    if (name == "meta.json" || name.rfind(".tmp", 0) == 0) continue;
    files[entry.path().string()] = entry.file_size();
  }
  return files;
}

std::string E2eTest::StoredBlob(const std::string& blob_path) {
  if (OnAzure()) return AzuriteBlob(blob_path);
  const fs::path dir = noisett_->blob_root() / (blob_path + "@");
  std::vector<fs::path> data;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name != "meta.json" && name.rfind(".tmp", 0) != 0) data.push_back(entry.path());
  }
  EXPECT_EQ(data.size(), 1u) << "data files of " << dir;
  return data.size() == 1 ? ReadFile(data[0].string()) : "";
}

std::string E2eTest::BlobPathOfLink(const std::string& url) {
  const std::string prefix =
      OnAzure() ? AzuriteContainerPath() : std::string("/blobs/") + kContainer + "/";
  std::string path = PathAndQuery(url);
  path = path.substr(0, path.find('?'));
  if (path.rfind(prefix, 0) != 0) return "";
  return path.substr(prefix.size());
}

}  // namespace noisett::service_e2e
