#include "storage/links/link_test_support.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "core/percent_encoding.h"

namespace noisett::storage::testing {

LinkKeySet Keys(std::string_view spec) {
  auto keys = ParseLinkKeys(spec);
  EXPECT_TRUE(keys) << keys.error().ToString();
  if (!keys) std::abort();  // no sensible fallback; the EXPECT above says why
  return std::move(*keys);
}

TempDir::TempDir() {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern =
      std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/noisett-links-XXXXXX";
  char* made = ::mkdtemp(pattern.data());
  if (made == nullptr) std::abort();
  path_ = made;
}

TempDir::~TempDir() {
  std::error_code ec;
  // Tests make files unreadable on purpose; give the owner access back so removal works.
  std::filesystem::permissions(path_, std::filesystem::perms::owner_all,
                               std::filesystem::perm_options::add, ec);
  std::filesystem::remove_all(path_, ec);
}

Result<ParsedLink> ParseLinkUrl(std::string_view url, std::string_view base) {
  ParsedLink out;
  const std::string prefix = std::string(base) + "/blobs/";
  EXPECT_EQ(url.substr(0, prefix.size()), prefix) << url;
  const std::string_view rest = url.substr(std::min(prefix.size(), url.size()));
  const size_t q = rest.find('?');
  EXPECT_NE(q, std::string_view::npos) << url;
  const std::string_view path = rest.substr(0, q);
  const size_t slash = path.find('/');
  EXPECT_NE(slash, std::string_view::npos) << url;
  out.container = std::string(path.substr(0, slash));
  auto decoded = PercentDecode(slash == std::string_view::npos ? "" : path.substr(slash + 1));
  EXPECT_TRUE(decoded) << url;
  if (decoded) out.blob_path = *decoded;
  auto query = QueryParams::Parse(q == std::string_view::npos ? "" : rest.substr(q + 1));
  if (!query) return Unexpected(query.error());
  out.query = std::move(*query);
  return out;
}

std::string WithParam(std::string_view url, std::string_view name, const char* encoded_value) {
  const size_t q = url.find('?');
  std::string out(url.substr(0, q + 1));
  std::string_view rest = url.substr(q + 1);
  bool first = true;
  while (!rest.empty()) {
    const size_t amp = rest.find('&');
    std::string_view piece = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    const bool match = piece.size() > name.size() && piece.substr(0, name.size()) == name &&
                       piece[name.size()] == '=';
    if (match && encoded_value == nullptr) continue;
    if (!first) out.push_back('&');
    first = false;
    if (match) {
      out.append(name).append("=").append(encoded_value);
    } else {
      out.append(piece);
    }
  }
  return out;
}

}  // namespace noisett::storage::testing
