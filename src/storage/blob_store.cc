// The pure parts of the BlobStore interface: tier names and the validation of index tags and blob
// names that every implementation (and every entry point) runs before touching a backend.
#include "storage/blob_store.h"

#include <array>
#include <string>

#include "core/text.h"

namespace noisett::storage {
namespace {

constexpr size_t kMaxTags = 10;
constexpr size_t kMaxTagKey = 128;
constexpr size_t kMaxTagValue = 256;
constexpr size_t kMaxBlobName = 1024;

bool IsAsciiAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// Azure's tag alphabet: alphanumerics and space + - . : = _ /
bool IsTagChar(char c) {
  if (IsAsciiAlnum(c)) return true;
  switch (c) {
    case ' ':
    case '+':
    case '-':
    case '.':
    case ':':
    case '=':
    case '_':
    case '/':
      return true;
    default:
      return false;
  }
}

bool AllTagChars(std::string_view s) {
  for (char c : s) {
    if (!IsTagChar(c)) return false;
  }
  return true;
}

// Deliberately narrower than Azure's alphabet: everything here is safe as a path segment on every
// filesystem and in a URL without encoding, so nothing can smuggle a separator or a NUL through.
// [A-Za-z0-9._-], as a table: every blob name of every signed-link GET is checked byte by byte.
constexpr std::array<bool, 256> kNameChars = [] {
  std::array<bool, 256> ok{};
  for (int c = 0; c < 256; ++c) {
    ok[c] = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '.' || c == '_' || c == '-';
  }
  return ok;
}();

bool IsNameChar(char c) { return kNameChars[static_cast<unsigned char>(c)]; }

Error BadTags(std::string message) {
  return MakeError(ErrorCode::kInvalidArgument, "InvalidTags", std::move(message));
}

Error BadName(std::string message) {
  return MakeError(ErrorCode::kInvalidArgument, "InvalidBlobName", std::move(message));
}

Status ValidateSegment(std::string_view segment, size_t index) {
  // Every signed-link GET validates its name: the message is only made for a refusal.
  auto where = [index] { return "segment " + std::to_string(index); };
  if (segment.empty()) {
    return Unexpected(BadName(where() + " is empty (leading, trailing or '//')"));
  }
  if (segment == "." || segment == "..") return Unexpected(BadName(where() + " is '.' or '..'"));
  for (char c : segment) {
    if (!IsNameChar(c)) {
      return Unexpected(BadName(where() + " has a character outside [A-Za-z0-9._-]"));
    }
  }
  return Ok();
}

}  // namespace

std::string_view AccessTierName(AccessTier tier) {
  switch (tier) {
    case AccessTier::kHot:
      return "Hot";
    case AccessTier::kCool:
      return "Cool";
    case AccessTier::kCold:
      return "Cold";
    case AccessTier::kArchive:
      return "Archive";
  }
  return "Hot";
}

std::optional<AccessTier> ParseAccessTier(std::string_view name) {
  for (AccessTier tier :
       {AccessTier::kHot, AccessTier::kCool, AccessTier::kCold, AccessTier::kArchive}) {
    if (EqualsIgnoreCase(name, AccessTierName(tier))) return tier;
  }
  return std::nullopt;
}

Status ValidateTags(const Tags& tags) {
  if (tags.size() > kMaxTags) {
    return Unexpected(BadTags("at most 10 tags, got " + std::to_string(tags.size())));
  }
  for (const auto& [key, value] : tags) {
    if (key.empty() || key.size() > kMaxTagKey) {
      return Unexpected(BadTags("a tag key must be 1..128 characters"));
    }
    if (value.size() > kMaxTagValue) {
      return Unexpected(BadTags("tag '" + key + "': value longer than 256 characters"));
    }
    // The key is only echoed once it is known to be made of harmless characters.
    if (!AllTagChars(key))
      return Unexpected(BadTags("a tag key has a character outside [A-Za-z0-9 +-.:=_/]"));
    if (!AllTagChars(value)) {
      return Unexpected(
          BadTags("tag '" + key + "': value has a character outside [A-Za-z0-9 +-.:=_/]"));
    }
  }
  return Ok();
}

namespace {

// ValidateBlobName's rules in one pass, for the common case (every signed-link GET checks its
// name): true when `name` is valid; a refusal is left to ValidateBlobName, which says why.
bool QuickValidName(std::string_view name) {
  if (name.empty() || name.size() > kMaxBlobName) return false;
  size_t start = 0;  // of the current segment
  for (size_t i = 0; i <= name.size(); ++i) {
    if (i < name.size() && name[i] != '/') {
      if (!IsNameChar(name[i])) return false;
      continue;
    }
    const std::string_view segment = name.substr(start, i - start);
    if (segment.empty() || segment == "." || segment == "..") return false;
    start = i + 1;
  }
  return true;
}

}  // namespace

Status ValidateBlobName(std::string_view name) {
  if (QuickValidName(name)) return Ok();
  if (name.empty()) return Unexpected(BadName("empty name"));
  if (name.size() > kMaxBlobName) return Unexpected(BadName("longer than 1024 characters"));
  size_t index = 0;
  size_t start = 0;
  while (true) {
    const size_t slash = name.find('/', start);
    const std::string_view segment = name.substr(
        start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    auto ok = ValidateSegment(segment, index);
    if (!ok) return ok;
    if (slash == std::string_view::npos) return Ok();
    start = slash + 1;
    ++index;
  }
}

namespace {

Status ValidateHeaderValue(std::string_view what, std::string_view value) {
  constexpr size_t kMaxHeaderValue = 1024;
  bool clean = value.size() <= kMaxHeaderValue;
  for (char c : value) clean = clean && c >= 0x20 && c < 0x7f;
  if (clean) return Ok();
  return Unexpected(MakeError(ErrorCode::kInvalidArgument, "InvalidHeaderValue",
                              std::string(what) + " must be printable ASCII, at most 1024 chars"));
}

}  // namespace

Status ValidatePutOptions(const PutOptions& options) {
  Status ok = ValidateTags(options.tags);
  if (ok) ok = ValidateHeaderValue("content type", options.content_type);
  if (ok) ok = ValidateHeaderValue("cache control", options.cache_control);
  return ok;
}

Status ForEachListed(BlobStore& store, ListOptions options,
                     const std::function<void(BlobProperties&)>& visit) {
  do {
    auto page = store.List(options);
    if (!page) return Unexpected(page.error());
    for (BlobProperties& item : page->items) visit(item);
    options.continuation = std::move(page->continuation);
  } while (!options.continuation.empty());
  return Ok();
}

}  // namespace noisett::storage
