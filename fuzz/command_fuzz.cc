// libFuzzer target over the commands' JSON input, on the real service: a LocalBlobStore and a
// SQLite catalog in a temporary directory, one image uploaded by alice and one by bob at start.
// The input's first line names the command (a leading '!' runs it with alice an admin), the rest
// is the JSON the API would hand over ("$JOB" and "$BOB" stand for the two real job ids, so
// the fuzzer reaches past "job not found"). Every command runs as alice. Checked on every answer:
//   - an unknown command is refused "unknown_command";
//   - input that is not a JSON object is refused "bad_input"; admin commands refuse a non-admin
//     with "not_admin";
//   - no refusal is an internal error (bad input must never look like a server fault), and every
//     refusal names a reason and a message;
//   - as a non-admin, nothing alice is answered names bob's job (no IDOR through any field);
//   - images.upload, given no bytes here, never succeeds.
// images.import is left out (it fetches URLs: the network is no fuzzer's business), and no
// generator is configured, so `generate` stops at "no_generator".
#include <stdlib.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "auth/user.h"
#include "catalog/sqlite_catalog.h"
#include "core/clock.h"
#include "core/log.h"
#include "image/pipeline.h"
#include "service/service.h"
#include "storage/link_keys.h"
#include "storage/link_signer.h"
#include "storage/local_blob_store.h"

namespace {

using namespace noisett;  // NOLINT: a .cc file, not a header
using Json = nlohmann::json;

// An 8 x 8 RGB PNG.
constexpr std::string_view kPng(
    "\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x00\x08\x00\x00\x00\x08\x08\x02\x00\x00\x00"
    "\x4b\x6d\x29\xdc\x00\x00\x00\x6cIDAT\x78\xda\x15\xcd\x41\x15\x00\x51\x08\x42\x51\xa3\x18"
    "\x85\x28\x46\x79\x51\x88\x42\x14\xa2\xcc\x1f\x97\x5c\x0e\xce\x0c\x3b\x68\xb8\x81\xc1\x43"
    "\x86\x0e\x33\xcb\x2e\x5a\x6e\x61\xf1\x92\xa5\xfb\x40\xac\x90\x38\x81\xb0\x88\xa8\x1e\x1c"
    "\x7b\xe8\xb8\x83\xc3\x47\x8e\xde\x83\x7f\xe0\x55\x5f\xf8\x9f\x21\xd0\xf7\x6e\xcc\x1a\x99"
    "\xf3\x1f\xdb\xc4\xd4\x0f\xc2\x06\x85\xcb\x5f\x76\x48\x68\x1e\x94\x2d\x2a\xd7\x7f\xc2\x25"
    "\xa5\xe5\x03\xc6\x7b\x58\x01\x57\x39\x36\xf2\x00\x00\x00\x00IEND\xae\x42\x60\x82",
    165);

auth::User As(const std::string& id, bool admin) {
  auth::User user;
  user.user_id = id;
  user.name = id;
  if (admin) user.roles = {std::string(auth::kAdminRole)};
  return user;
}

template <typename T>
T Must(Result<T> result) {
  if (!result) std::abort();
  return std::move(*result);
}

class Fixture {
 public:
  Fixture() {
    SetLogSink([](LogLevel, std::string_view) {});
    image::InitPipeline();
    char tmpl[] = "/tmp/noisett-command-fuzz-XXXXXX";
    if (mkdtemp(tmpl) == nullptr) std::abort();
    dir_ = tmpl;
    storage::LocalStoreConfig store;
    store.root = dir_ + "/blobs";
    blobs_ = Must(storage::LocalBlobStore::Open(store, clock_));
    catalog_ = Must(catalog::SqliteCatalog::Open(dir_ + "/catalog.db"));
    auto keys = Must(storage::LinkKeySet::Create({{"k1", std::string(32, 's')}}));
    signer_ = Must(storage::LocalLinkSigner::Create("http://127.0.0.1:8080", std::move(keys), clock_));
    service::ServiceConfig config;
    config.optimize.limits.max_pixels = 256 * 256;
    service_ = std::make_unique<service::Service>(service::ServiceDeps{
        *blobs_, *catalog_, *signer_, clock_, metrics::Global(), job_ids_, std::move(config)});
    alice_job_ = Upload("alice");
    bob_job_ = Upload("bob");
    if (!service_->Run("history.favorite", As("bob", false),
                       {Json{{"job_id", bob_job_}, {"image_index", 0}}, {}})) {
      std::abort();
    }
  }
  ~Fixture() { std::filesystem::remove_all(dir_); }

  const service::Service& service() const { return *service_; }
  const std::string& alice_job() const { return alice_job_; }
  const std::string& bob_job() const { return bob_job_; }

 private:
  std::string Upload(const std::string& user) {
    auto out = service_->Run("images.upload", As(user, false), {Json{{"prompt", user}}, kPng});
    if (!out) std::abort();
    return Json::parse(*out).value("job_id", "");
  }

  ManualClock clock_{1'800'000'000};
  std::string dir_;
  std::unique_ptr<storage::LocalBlobStore> blobs_;
  std::unique_ptr<catalog::SqliteCatalog> catalog_;
  std::unique_ptr<storage::LinkSigner> signer_;
  UlidSource job_ids_;
  std::unique_ptr<service::Service> service_;
  std::string alice_job_;
  std::string bob_job_;
};

Fixture& GetFixture() {
  // Destroyed at exit (libFuzzer ends with exit()), which removes the temporary directory.
  static Fixture fixture;
  return fixture;
}

std::string ReplaceAll(std::string text, std::string_view from, std::string_view to) {
  for (size_t pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos + to.size())) {
    text.replace(pos, from.size(), to);
  }
  return text;
}

void CheckRefusal(const Error& error, const service::CommandSpec* spec, const Json& args,
                  bool admin) {
  if (error.code == ErrorCode::kInternal || error.reason.empty() || error.message.empty()) {
    std::abort();
  }
  if (spec == nullptr) {
    if (error.reason != "unknown_command") std::abort();
    return;
  }
  if (!args.is_object() && error.reason != "bad_input") std::abort();
  if (args.is_object() && spec->admin_only && !admin && error.reason != "not_admin") std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t eol = input.find('\n');
  if (eol == std::string_view::npos) return 0;
  std::string_view name = input.substr(0, eol);
  const bool admin = !name.empty() && name.front() == '!';
  if (admin) name.remove_prefix(1);
  if (name == "images.import") return 0;
  Fixture& fixture = GetFixture();
  std::string text(input.substr(eol + 1));
  text = ReplaceAll(std::move(text), "$JOB", fixture.alice_job());
  text = ReplaceAll(std::move(text), "$BOB", fixture.bob_job());
  Json args = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (args.is_discarded()) return 0;  // the API answers bad_input before any command runs

  const service::CommandSpec* spec = fixture.service().registry().Find(name);
  auto out = fixture.service().Run(name, As("alice", admin), {args, {}});
  if (!out) {
    CheckRefusal(out.error(), spec, args, admin);
    return 0;
  }
  if (spec == nullptr || !args.is_object() || (spec->admin_only && !admin) ||
      spec->name == "images.upload") {
    std::abort();
  }
  if (!admin && out->find(fixture.bob_job()) != std::string::npos) {
    std::abort();
  }
  return 0;
}
