#include "auth/jose_tokens.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/subprocess.h"

#if !defined(NOISETT_NODE) || !defined(NOISETT_MINT_SCRIPT) || !defined(NOISETT_REPO_ROOT) || \
    !defined(NOISETT_TEST_CACHE_DIR)
#error "integration_tests.cmake must define NOISETT_NODE, NOISETT_MINT_SCRIPT, NOISETT_REPO_ROOT, NOISETT_TEST_CACHE_DIR"
#endif

namespace noisett::auth::e2e {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

testing::ProcessResult RunMintScript(const json& request) {
  testing::ProcessOptions options;
  options.stdin_text = request.dump();
  options.working_dir = NOISETT_REPO_ROOT;  // where node resolves node_modules/jose from
  // A sanitizer's options mean nothing to node; keep its environment plain.
  options.drop_env_prefixes = {"ASAN_", "LSAN_", "UBSAN_"};
  options.timeout = std::chrono::seconds(90);
  return testing::RunProcess({NOISETT_NODE, NOISETT_MINT_SCRIPT}, options);
}

std::string ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// ctest runs every test case in a process of its own, so "once per suite" would still be node
// and three RSA key generations per test case. Results are therefore kept in the build dir, keyed
// by everything that makes them: the request, mint.mjs and the installed jose. Tokens carry fixed
// times (kNow), so a kept result is as good as a fresh one.
struct MintCache {
  fs::path path;
  std::string key;

  explicit MintCache(const json& request) {
    const std::string request_text = request.dump();
    path = fs::path(NOISETT_TEST_CACHE_DIR) /
           ("jose_mint_" + std::to_string(std::hash<std::string>{}(request_text)) + ".json");
    key = request_text + "\n" + ReadText(NOISETT_MINT_SCRIPT) + "\n" +
          ReadText(fs::path(NOISETT_REPO_ROOT) / "node_modules" / "jose" / "package.json");
  }

  std::string Load() const {
    const json kept = json::parse(ReadText(path), nullptr, /*allow_exceptions=*/false);
    if (!kept.is_object() || kept.value("key", "") != key || !kept.contains("result")) return "";
    return kept["result"].get<std::string>();
  }

  // Written to a private name and renamed, so parallel test processes never read half a file.
  void Store(const std::string& result) const {
    const fs::path temp = path.string() + ".tmp-" + std::to_string(::getpid());
    {
      std::ofstream out(temp, std::ios::binary);
      out << json{{"key", key}, {"result", result}}.dump();
      if (!out) return;
    }
    std::error_code ec;
    fs::rename(temp, path, ec);
    if (ec) fs::remove(temp, ec);
  }
};

}  // namespace

std::string V2Issuer(const std::string& tenant) {
  return "https://login.microsoftonline.com/" + tenant + "/v2.0";
}

std::string V1Issuer(const std::string& tenant) { return "https://sts.windows.net/" + tenant + "/"; }

json V2Claims() {
  return {
      {"iss", V2Issuer()},
      {"aud", kClientId},
      {"tid", kTenant},
      {"oid", kOid},
      {"sub", "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ"},
      {"preferred_username", "alice@contoso.com"},
      {"name", "Alice Example"},
      {"roles", {"Noisett.Admin", "Noisett.Reader"}},
      {"scp", "Noisett.Use User.Read"},
      {"ver", "2.0"},
      {"azp", "1950a258-227b-4e31-a9cf-717495945fc2"},
      {"iat", kNow - 300},
      {"nbf", kNow - 300},
      {"exp", kNow + 3600},
  };
}

json V1Claims() {
  return {
      {"iss", V1Issuer()},
      {"aud", std::string("api://") + kClientId},
      {"tid", kTenant},
      {"oid", kOid},
      {"upn", "bob@contoso.com"},
      {"unique_name", "bob@contoso.com"},
      {"name", "Bob Example"},
      {"scp", "Noisett.Use"},
      {"ver", "1.0"},
      {"appid", "1950a258-227b-4e31-a9cf-717495945fc2"},
      {"iat", kNow - 300},
      {"nbf", kNow - 300},
      {"exp", kNow + 3600},
  };
}

json With(json base, const json& changes) {
  for (const auto& [key, value] : changes.items()) {
    if (value.is_null()) {
      base.erase(key);
    } else {
      base[key] = value;
    }
  }
  return base;
}

json TokenSpec(const std::string& name, const std::string& kid, const std::string& alg,
               const json& claims) {
  return {{"name", name}, {"kid", kid}, {"alg", alg}, {"claims", claims}};
}

std::string MintedTokens::Token(const std::string& name) const {
  auto it = tokens.find(name);
  if (it == tokens.end()) {
    ADD_FAILURE() << "no token named " << name << " was minted";
    return "";
  }
  return it->second;
}

std::string MintedTokens::JwksOf(const std::vector<std::string>& kids) const {
  json doc = {{"keys", json::array()}};
  for (const auto& kid : kids) {
    if (!jwk_by_kid.contains(kid)) ADD_FAILURE() << "no key with kid " << kid << " was minted";
    doc["keys"].push_back(jwk_by_kid.value(kid, json::object()));
  }
  return doc.dump();
}

std::string JoseUnavailableReason() {
  const std::string node = NOISETT_NODE;
  if (node.empty() || node.find("NOTFOUND") != std::string::npos || ::access(node.c_str(), X_OK) != 0) {
    return "node is not installed (looked for '" + node +
           "' at configure time); the auth integration tests mint their tokens with node + jose";
  }
  const fs::path jose = fs::path(NOISETT_REPO_ROOT) / "node_modules" / "jose" / "package.json";
  if (!fs::exists(jose)) {
    return "npm package jose is missing (" + jose.string() + "): run `npm ci` in " +
           std::string(NOISETT_REPO_ROOT) + " (scripts/setup.sh does)";
  }
  return "";
}

bool MintWithJose(const json& request, MintedTokens& out, std::string& error, bool keep) {
  error = JoseUnavailableReason();
  if (!error.empty()) return false;
  const MintCache cache(request);
  std::string text = keep ? cache.Load() : "";
  if (text.empty()) {
    const testing::ProcessResult run = RunMintScript(request);
    if (run.status != 0) {
      error = "mint.mjs failed (status " + std::to_string(run.status) +
              (run.timed_out ? ", timed out" : "") + "): " + run.err;
      return false;
    }
    text = run.out;
    if (keep) cache.Store(text);
  }
  const json result = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!result.is_object() || !result.contains("tokens")) {
    error = "mint.mjs printed no result: " + text.substr(0, 200);
    return false;
  }
  out.jwks = result["jwks"];
  out.jwk_by_kid = result["jwk_by_kid"];
  out.public_pem = result["public_pem"];
  out.tokens = result["tokens"].get<std::map<std::string, std::string>>();
  return true;
}

json VerifyWithJose(const json& request) {
  if (std::string why = JoseUnavailableReason(); !why.empty()) {
    return {{"ok", false}, {"code", "runner"}, {"message", why}};
  }
  json verify = request;
  verify["mode"] = "verify";
  const testing::ProcessResult run = RunMintScript(verify);
  const json result = json::parse(run.out, nullptr, /*allow_exceptions=*/false);
  if (run.status != 0 || !result.is_object()) {
    return {{"ok", false}, {"code", "runner"}, {"message", "mint.mjs failed: " + run.err}};
  }
  return result;
}

}  // namespace noisett::auth::e2e
