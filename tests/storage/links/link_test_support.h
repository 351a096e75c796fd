// Shared helpers for the link suites: fixed keys, a temporary directory, and a small URL splitter
// that plays the HTTP layer's part (path decoded, query parsed) so tests verify what a server sees.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"
#include "storage/link_keys.h"
#include "storage/query_params.h"

namespace noisett::storage::testing {

// base64 of bytes 0..31 and 100..131: two valid 32-byte secrets.
inline constexpr char kSecretA[] = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
inline constexpr char kSecretB[] = "ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoM=";
// base64 of 31 bytes: one short of the minimum.
inline constexpr char kSecret31[] = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHg==";

// ParseLinkKeys(spec), failing the test when it does not parse.
LinkKeySet Keys(std::string_view spec);

// A fresh directory under TMPDIR, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A link URL as the /blobs handler would receive it.
struct ParsedLink {
  std::string container;
  std::string blob_path;  // percent-decoded
  QueryParams query;
};
// Splits "{base}/blobs/{container}/{path}?{query}", decoding the path and parsing the query.
// Errors: QueryParams::Parse's (a refused query); a URL of any other shape fails the test.
Result<ParsedLink> ParseLinkUrl(std::string_view url, std::string_view base);

// `url` with the value of query parameter `name` replaced by `encoded_value` (as written in the
// URL), or the parameter removed when `encoded_value` is nullptr.
std::string WithParam(std::string_view url, std::string_view name, const char* encoded_value);

}  // namespace noisett::storage::testing
