// Finding (or starting) the test Azurite, container names, and unsigned v1-shaped tokens. Starting
// and stopping is scripts/azurite.sh's job; this file only runs it and reads its `export` lines.
#include "support/azurite.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <mutex>
#include <sstream>

#include "core/base64.h"
#include "core/text.h"
#include "support/subprocess.h"

#ifndef NOISETT_SOURCE_DIR
#error "NOISETT_SOURCE_DIR must name the source tree (scripts/azurite.sh lives there)"
#endif

namespace noisett::testing {
namespace {

constexpr char kEndpointVar[] = "NOISETT_TEST_AZURITE_ENDPOINT";
constexpr char kCaVar[] = "NOISETT_TEST_AZURITE_CA";

std::string EnvOr(const char* name) {
  const char* value = std::getenv(name);
  return value ? std::string(value) : std::string();
}

std::string ScriptPath() { return std::string(NOISETT_SOURCE_DIR) + "/scripts/azurite.sh"; }

// The folder of the Azurite this process started; stopped and removed at exit.
std::string& OwnDir() {
  static std::string dir;
  return dir;
}

void StopOwnAzurite() {
  const std::string& dir = OwnDir();
  if (dir.empty()) return;
  (void)RunProcess({"/bin/bash", ScriptPath(), "stop", dir + "/azurite"});
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
}

AzuriteInfo StartOwnAzurite() {
  AzuriteInfo info;
  std::string pattern =
      (std::filesystem::temp_directory_path() / "noisett-azurite-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    info.error = "mkdtemp failed for " + pattern;
    return info;
  }
  OwnDir() = pattern;
  std::atexit(StopOwnAzurite);
  std::fprintf(stderr, "[azurite] %s is not set: starting Azurite in %s\n", kEndpointVar,
               pattern.c_str());
  ProcessOptions options;
  options.timeout = std::chrono::milliseconds(90000);
  const ProcessResult run = RunProcess(
      {"/bin/bash", ScriptPath(), "start", pattern + "/azurite", std::to_string(::getpid())},
      options);
  info.endpoint = ExportedValue(run.out, kEndpointVar);
  info.ca_file = ExportedValue(run.out, kCaVar);
  if (run.status != 0 || info.endpoint.empty()) {
    info.endpoint.clear();
    info.error =
        "scripts/azurite.sh start failed (status " + std::to_string(run.status) + "): " + run.err;
  }
  return info;
}

AzuriteInfo FindAzurite() {
  AzuriteInfo info;
  info.endpoint = EnvOr(kEndpointVar);
  info.ca_file = EnvOr(kCaVar);
  if (!info.endpoint.empty()) return info;
  return StartOwnAzurite();
}

std::string JsonString(std::string_view value) {
  std::string out = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

const AzuriteInfo& Azurite() {
  static const AzuriteInfo info = FindAzurite();
  return info;
}

std::string UniqueContainerName(std::string_view hint) {
  static std::atomic<int> counter{0};
  std::string clean;
  for (char c : hint) {
    const char lower = AsciiLower(c);
    if (std::isalnum(static_cast<unsigned char>(lower))) {
      clean += lower;
    } else if (!clean.empty() && clean.back() != '-') {
      clean += '-';
    }
  }
  // Time and pid keep names apart across processes (and across runs on one Azurite). Built with
  // appends only: g++ 12 warns falsely (-Wrestrict) about operator+ chains here.
  std::string suffix;
  for (long part : {static_cast<long>(::getpid()), static_cast<long>(std::time(nullptr) % 100000),
                    static_cast<long>(counter.fetch_add(1))}) {
    suffix.push_back('-');
    suffix.append(std::to_string(part));
  }
  clean.resize(std::min(clean.size(), 63 - suffix.size()));
  while (!clean.empty() && clean.back() == '-') clean.pop_back();
  if (clean.empty()) clean.push_back('t');
  clean.append(suffix);
  return clean;
}

std::string CurrentTestHint() {
  const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
  if (test == nullptr) return "t";
  return test->name();
}

std::string UnsignedAzureToken(const AzureTokenClaims& claims) {
  const int64_t now = std::time(nullptr);
  const int64_t nbf = claims.not_before != 0 ? claims.not_before : now - 60;
  const int64_t exp = claims.expires != 0 ? claims.expires : now + 3600;
  const std::string header = R"({"alg":"none","typ":"JWT"})";
  const std::string payload =
      "{\"aud\":" + JsonString(claims.audience) + ",\"iss\":" +
      JsonString(claims.issuer.empty() ? "https://sts.windows.net/" + claims.tid + "/"
                                       : claims.issuer) +
      ",\"iat\":" + std::to_string(nbf) + ",\"nbf\":" + std::to_string(nbf) +
      ",\"exp\":" + std::to_string(exp) + ",\"oid\":" + JsonString(claims.oid) +
      ",\"tid\":" + JsonString(claims.tid) + ",\"ver\":\"1.0\"}";
  return Base64UrlEncode(header) + "." + Base64UrlEncode(payload) + ".";
}

}  // namespace noisett::testing
