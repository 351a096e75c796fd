// Gallery settings.
#include "cli/web_setup.h"

#include <filesystem>

#include "auth/dev_issuer.h"

#ifndef NOISETT_SOURCE_WEB_DIR
#define NOISETT_SOURCE_WEB_DIR ""
#endif

namespace noisett::cli {
namespace {

// The flag's directory, or the first default that exists ("" for none).
Result<std::string> WebDir(const std::string& flag) {
  std::error_code ec;
  if (flag == "off") return std::string();
  if (!flag.empty()) {
    if (std::filesystem::is_directory(flag, ec)) return flag;
    return Unexpected(MakeError(ErrorCode::kNotFound, "web_dir_missing",
                                "--web-dir " + flag + " is not a directory"));
  }
  for (const char* candidate : {"./web", NOISETT_SOURCE_WEB_DIR}) {
    if (*candidate != 0 && std::filesystem::is_regular_file(std::string(candidate) + "/index.html", ec)) {
      return std::string(candidate);
    }
  }
  return std::string();
}

std::string Authority(const auth::AuthConfig& auth) {
  if (!auth.issuer.empty()) return auth.issuer;
  if (auth.tenant_id.empty()) return "";
  return "https://login.microsoftonline.com/" + auth.tenant_id;
}

void AddOrigin(std::vector<std::string>& list, std::string_view url) {
  std::string origin = OriginOf(url);
  if (!origin.empty() && std::find(list.begin(), list.end(), origin) == list.end()) {
    list.push_back(std::move(origin));
  }
}

}  // namespace

std::string OriginOf(std::string_view url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return "";
  const size_t end = url.find_first_of("/?#", scheme + 3);
  std::string origin(url.substr(0, end));
  // Characters that would end a CSP source expression are never part of an origin.
  if (origin.find_first_of(" ;,'\"\r\n") != std::string::npos) return "";
  return origin;
}

Result<http::WebConfig> WebConfigFromSettings(const app::Config& settings,
                                              std::string_view generator,
                                              const WebOrigins& origins) {
  const auth::AuthConfig& auth = settings.auth;
  http::WebConfig config;
  config.auth_mode = std::string(auth::AuthModeName(auth.mode));
  config.tenant_id = auth.tenant_id;
  config.client_id = auth.client_id;
  config.authority = Authority(auth);
  if (!settings.serve.web_scope.empty()) {
    config.scopes = {settings.serve.web_scope};
  } else if (!auth.client_id.empty()) {
    config.scopes = {"api://" + auth.client_id + "/.default"};
  }
  config.generator = std::string(generator);
  if (auth.mode == auth::AuthMode::kDev) {
    auto issuer = auth::DevIssuer::Open(auth.data_dir);
    if (!issuer) return Unexpected(issuer.error());
    config.dev_issuer = std::make_shared<const auth::DevIssuer>(std::move(*issuer));
  }
  auto dir = WebDir(settings.serve.web_dir);
  if (!dir) return Unexpected(dir.error());
  if (dir->empty()) return config;
  http::PageOrigins page;
  for (std::string_view url : {origins.public_url, origins.cdn_url, origins.store_url}) {
    AddOrigin(page.images, url);
  }
  if (auth.mode != auth::AuthMode::kDev) AddOrigin(page.sign_in, config.authority);
  if (auth.mode != auth::AuthMode::kDev && auth.issuer.empty()) {
    AddOrigin(page.sign_in, "https://login.microsoftonline.com/");
  }
  auto site = http::StaticSite::Load(*dir, page);
  if (!site) return Unexpected(site.error());
  config.site = std::move(*site);
  return config;
}

}  // namespace noisett::cli
