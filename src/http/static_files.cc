// Loading web/ into memory and serving it.
#include "http/static_files.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace noisett::http {
namespace {

namespace fs = std::filesystem;

constexpr size_t kMaxFileBytes = size_t{8} << 20;
constexpr size_t kMaxTotalBytes = size_t{64} << 20;
constexpr size_t kMaxFiles = 1000;

Error TooLarge(const std::string& what) {
  return MakeError(ErrorCode::kInvalidArgument, "web_dir_too_large", what);
}

// A weak-enough, stable tag: FNV-1a 64 of the bytes (the content never changes while serving).
std::string ETagOf(const std::string& body) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : body) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  char text[24];
  std::snprintf(text, sizeof text, "\"%016llx\"", static_cast<unsigned long long>(h));
  return text;
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += " " + item;
  return out;
}

std::string ContentSecurityPolicy(const PageOrigins& origins, bool frameable) {
  return "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:" +
         Join(origins.images) + "; connect-src 'self'" + Join(origins.sign_in) +
         "; frame-src" +
         (origins.sign_in.empty() ? std::string(" 'none'") : " 'self'" + Join(origins.sign_in)) +
         "; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors " +
         (frameable ? "'self'" : "'none'");
}

Result<std::string> ReadWhole(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Unexpected(MakeError(ErrorCode::kInternal, "read_failed",
                                "cannot read " + path.string()));
  }
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// Dot files (.git, .DS_Store) are never served; nor is a name a route pattern could not hold
// literally ("{", "*", spaces): only [A-Za-z0-9._-] segments.
bool Skipped(const fs::path& relative) {
  for (const fs::path& part : relative) {
    const std::string name = part.string();
    if (name.empty() || name[0] == '.') return true;
    if (name.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") !=
        std::string::npos) {
      return true;
    }
  }
  return false;
}

}  // namespace

std::string ContentTypeForName(const std::string& name) {
  static const std::map<std::string, std::string> kTypes = {
      {".html", "text/html; charset=utf-8"},  {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},          {".svg", "image/svg+xml"},
      {".png", "image/png"},                  {".jpg", "image/jpeg"},
      {".webp", "image/webp"},                {".ico", "image/x-icon"},
      {".txt", "text/plain; charset=utf-8"},  {".map", "application/json"},
      {".webmanifest", "application/manifest+json"}};
  const auto dot = name.rfind('.');
  if (dot != std::string::npos) {
    auto it = kTypes.find(name.substr(dot));
    if (it != kTypes.end()) return it->second;
  }
  return "application/octet-stream";
}

Result<std::shared_ptr<const StaticSite>> StaticSite::Load(const std::string& dir,
                                                           const PageOrigins& origins) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return Unexpected(MakeError(ErrorCode::kNotFound, "web_dir_missing",
                                "no web directory at " + dir));
  }
  auto site = std::make_shared<StaticSite>();
  site->csp_ = ContentSecurityPolicy(origins, /*frameable=*/false);
  site->frameable_csp_ = ContentSecurityPolicy(origins, /*frameable=*/true);
  size_t total = 0;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    const fs::path relative = fs::relative(it->path(), dir, ec);
    if (Skipped(relative)) {
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file()) continue;
    const uintmax_t size = it->file_size(ec);
    if (size > kMaxFileBytes) return Unexpected(TooLarge(relative.string() + " is over 8 MiB"));
    total += size;
    if (total > kMaxTotalBytes || site->files_.size() >= kMaxFiles) {
      return Unexpected(TooLarge(dir + " holds more than 64 MiB or 1000 files"));
    }
    auto body = ReadWhole(it->path());
    if (!body) return Unexpected(body.error());
    std::string name = "/";  // appended, not "/" + ...: g++ 12 warns falsely (-Wrestrict)
    name += relative.generic_string();
    StaticFile file{std::move(*body), ContentTypeForName(name), ""};
    file.etag = ETagOf(file.body);
    site->files_.emplace(name, std::move(file));
  }
  if (ec) {
    return Unexpected(MakeError(ErrorCode::kInternal, "read_failed",
                                "cannot list " + dir + ": " + ec.message()));
  }
  return std::shared_ptr<const StaticSite>(std::move(site));
}

std::vector<std::string> StaticSite::Paths() const {
  std::vector<std::string> out;
  for (const auto& [path, file] : files_) out.push_back(path);
  return out;
}

HttpResponse StaticSite::Serve(const HttpRequest& request, const std::string& path) const {
  auto it = files_.find(path == "/" ? "/index.html" : path);
  if (it == files_.end()) return ErrorResponse(404, "not_found", "no such file");
  const StaticFile& file = it->second;
  HttpResponse res;
  res.headers.Set("ETag", file.etag);
  res.headers.Set("Cache-Control", "no-cache");
  res.headers.Set("X-Content-Type-Options", "nosniff");
  res.headers.Set("Referrer-Policy", "no-referrer");
  // MSAL's redirect bridge answers silent sign-ins inside a hidden iframe of the page itself.
  const bool frameable = it->first == kFrameablePage;
  res.headers.Set("X-Frame-Options", frameable ? "SAMEORIGIN" : "DENY");
  res.headers.Set("Content-Security-Policy", frameable ? frameable_csp_ : csp_);
  auto match = request.headers.Get("If-None-Match");
  if (match && *match == file.etag) {
    res.status = 304;
    return res;
  }
  res.headers.Set("Content-Type", file.content_type);
  res.body = file.body;
  return res;
}

void AddStaticRoutes(Router& router, const std::shared_ptr<const StaticSite>& site) {
  std::vector<std::string> paths = site->Paths();
  if (std::find(paths.begin(), paths.end(), "/index.html") != paths.end()) paths.push_back("/");
  for (const std::string& path : paths) {
    router.Add(
        "GET", path,
        [site, path](const HttpRequest& q, const RouteParams&) { return site->Serve(q, path); },
        Lane::kIo);
  }
}

}  // namespace noisett::http
