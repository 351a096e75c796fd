// The fault tests' shared fixture.
#include "faults/fault_fixture.h"

#include <thread>

#include "image/test_images.h"

namespace noisett::faults {

void FaultsTest::SetUp() {
  noisett::testing::InitVips();
  noisett_ = std::make_unique<service_e2e::Noisett>();
}

void FaultsTest::TearDown() {
  if (noisett_ && noisett_->process().running()) {
    // Whatever the fault did, the server must still stop gracefully.
    // The log is read after the stop: what a crash while stopping printed (a sanitizer report,
    // an abort's message) is in it only then.
    const int status = noisett_->Stop();
    EXPECT_EQ(status, 0) << "noisett serve log:\n" << noisett_->process().Log();
  }
  noisett_.reset();
}

std::string FaultsTest::StartServer(const std::vector<std::string>& extra,
                                    const std::vector<std::string>& env) {
  return noisett_->Start(extra, env);
}

RawResponse FaultsTest::Call(const std::string& method, const std::string& target,
                             const std::string& token, const std::string& body,
                             const std::string& content_type) const {
  service_e2e::RawRequest request;
  request.method = method;
  request.target = target;
  request.body = body;
  if (!token.empty()) request.headers.push_back({"Authorization", "Bearer " + token});
  if (!content_type.empty()) request.headers.push_back({"Content-Type", content_type});
  return service_e2e::Send(noisett_->port(), request);
}

RawResponse FaultsTest::Upload(const std::string& token, const std::string& png) const {
  return Call("POST", "/api/images?prompt=faults", token, png, "image/png");
}

std::string FaultsTest::Png(int w, int h) {
  return noisett::testing::ToPng(noisett::testing::Textured(w, h));
}

Json FaultsTest::BodyJson(const RawResponse& r) {
  return Json::parse(r.body, nullptr, /*allow_exceptions=*/false);
}

namespace {

// body[outer][inner] as a string, "" when any part is missing or of another type.
std::string Member(const RawResponse& r, const char* outer, const char* inner) {
  const Json body = Json::parse(r.body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object() || !body.contains(outer) || !body.at(outer).is_object()) return "";
  const Json& object = body.at(outer);
  return object.contains(inner) && object.at(inner).is_string()
             ? object.at(inner).get<std::string>()
             : "";
}

}  // namespace

std::string FaultsTest::ErrorCodeOf(const RawResponse& r) { return Member(r, "error", "code"); }

std::string FaultsTest::ErrorMessageOf(const RawResponse& r) {
  return Member(r, "error", "message");
}

std::string FaultsTest::ImageUrl(const RawResponse& r) { return Member(r, "image", "url"); }

std::string FaultsTest::JobId(const RawResponse& r) {
  const Json body = BodyJson(r);
  return body.is_object() ? body.value("job_id", "") : "";
}

std::vector<std::string> FaultsTest::HistoryIds(const std::string& token) const {
  const RawResponse r = Call("GET", "/api/history?limit=200", token);
  EXPECT_EQ(r.status, 200) << r.body;
  std::vector<std::string> ids;
  const Json body = BodyJson(r);
  if (!body.is_object() || !body.contains("generations") || !body.at("generations").is_array()) {
    return ids;
  }
  for (const Json& job : body.at("generations")) ids.push_back(job.value("job_id", ""));
  return ids;
}

void FaultsTest::ExpectUnavailable(const RawResponse& r, const std::string& code) {
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_EQ(ErrorCodeOf(r), code) << r.body;
  EXPECT_EQ(r.Header("retry-after"), "5") << "a 503 must say when to come back";
}

void FaultsTest::ExpectAlive() const {
  ASSERT_TRUE(noisett_->process().running()) << "the server died; log:\n"
                                             << noisett_->process().Log();
  EXPECT_EQ(Call("GET", "/healthz", "").status, 200);
}

bool FaultsTest::WaitFor(const std::function<bool()>& ok, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!ok()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return true;
}

FaultsTest::FsckResult FaultsTest::Fsck(const std::vector<std::string>& extra) const {
  std::vector<std::string> args = {"fsck", "--json", "--data-dir", noisett_->data_dir()};
  args.insert(args.end(), extra.begin(), extra.end());
  const noisett::testing::ProcessResult run = service_e2e::Noisett::Cli(args);
  FsckResult out;
  out.status = run.status;
  out.report = Json::parse(run.out, nullptr, /*allow_exceptions=*/false);
  out.err = run.err;
  return out;
}

}  // namespace noisett::faults
