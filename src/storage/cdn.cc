// URL joining for blob links. The checks are strict because these URLs are handed to browsers and
// CDNs: anything that could move the host, add a query or smuggle "..", is refused up front.
#include "storage/cdn.h"

#include "core/percent_encoding.h"
#include "core/text.h"

namespace noisett::storage {
namespace {

constexpr size_t kMaxContainer = 63;
constexpr size_t kMinContainer = 3;
constexpr size_t kMaxBlobPath = 1024;  // Azure's limit on blob names

Error BadBase(std::string_view what, std::string_view why) {
  return MakeError(
      ErrorCode::kInvalidArgument, "bad_base_url",
      std::string(what) + " must be an http(s) URL without query: " + std::string(why));
}

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

Status CheckContainer(std::string_view c) {
  bool ok = c.size() >= kMinContainer && c.size() <= kMaxContainer && IsLowerAlnum(c.front()) &&
            IsLowerAlnum(c.back()) && c.find("--") == std::string_view::npos;
  for (char ch : c) ok = ok && (IsLowerAlnum(ch) || ch == '-');
  if (ok) return Ok();
  return Unexpected(MakeError(ErrorCode::kInvalidArgument, "link_bad_container",
                              "container names are 3-63 of [a-z0-9-], no leading, trailing or "
                              "double '-'"));
}

Status CheckPath(std::string_view path) {
  auto bad = [](std::string why) {
    return Unexpected(MakeError(ErrorCode::kInvalidArgument, "link_bad_path", std::move(why)));
  };
  if (path.empty() || path.size() > kMaxBlobPath) return bad("blob path must be 1-1024 bytes");
  // Without an early exit the loop vectorizes: every signed-link GET's path passes through here.
  bool unsafe = false;
  for (char ch : path) {
    const auto c = static_cast<unsigned char>(ch);
    unsafe |= (c < 0x20) | (c == 0x7F) | (c == '\\');
  }
  if (unsafe) return bad("blob path has a control byte or '\\'");
  size_t start = 0;
  while (start <= path.size()) {
    const size_t slash = path.find('/', start);
    const size_t end = slash == std::string_view::npos ? path.size() : slash;
    const std::string_view segment = path.substr(start, end - start);
    if (segment.empty() || segment == "." || segment == "..") {
      return bad("blob path has an empty, '.' or '..' segment");
    }
    start = end + 1;
  }
  return Ok();
}

}  // namespace

Result<std::string> NormalizeBaseUrl(std::string_view base, std::string_view what) {
  size_t scheme_len = 0;
  if (StartsWithIgnoreCase(base, "https://")) {
    scheme_len = 8;
  } else if (StartsWithIgnoreCase(base, "http://")) {
    scheme_len = 7;
  } else {
    return Unexpected(BadBase(what, "scheme is not http or https"));
  }
  for (char ch : base) {
    const auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c >= 0x7F) return Unexpected(BadBase(what, "space, control or non-ASCII"));
    if (c == '?' || c == '#') return Unexpected(BadBase(what, "has a query or fragment"));
    if (c == '@') return Unexpected(BadBase(what, "has user info"));
    if (c == '\\') return Unexpected(BadBase(what, "has a backslash"));
  }
  while (base.size() > scheme_len && base.back() == '/') base.remove_suffix(1);
  const std::string_view rest = base.substr(scheme_len);
  if (rest.empty() || rest.front() == '/' || rest.front() == ':') {
    return Unexpected(BadBase(what, "no host"));
  }
  // A prefix path with "//" inside would give the double slashes this builder promises not to.
  if (rest.find("//") != std::string_view::npos) return Unexpected(BadBase(what, "has '//'"));
  return std::string(base);
}

Status ValidateLinkTarget(std::string_view container, std::string_view blob_path) {
  if (auto c = CheckContainer(container); !c) return c;
  return CheckPath(blob_path);
}

std::string JoinBlobUrl(std::string_view base, std::string_view container,
                        std::string_view blob_path) {
  std::string url;
  url.reserve(base.size() + container.size() + blob_path.size() + 200);  // room for a query
  url.append(base).append("/").append(container).append("/");
  AppendPercentEncoded(url, blob_path, PercentKeep::kLinkPath);
  return url;
}

Result<std::string> CdnUrl(std::string_view cdn_base, std::string_view container,
                           std::string_view blob_path) {
  auto base = NormalizeBaseUrl(cdn_base, "NOISETT_CDN_URL");
  if (!base) return Unexpected(base.error());
  if (auto ok = ValidateLinkTarget(container, blob_path); !ok) return Unexpected(ok.error());
  return JoinBlobUrl(*base, container, blob_path);
}

Result<std::string> CdnUrlOr(const std::optional<std::string>& cdn_base, std::string_view container,
                             std::string_view blob_path, std::string_view fallback) {
  if (!cdn_base) return std::string(fallback);
  return CdnUrl(*cdn_base, container, blob_path);
}

}  // namespace noisett::storage
