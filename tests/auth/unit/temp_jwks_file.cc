// TempJwksFile and MakeFileValidator; see temp_jwks_file.h.
#include "auth/unit/temp_jwks_file.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "auth/jwks_cache.h"
#include "auth/jwks_source.h"

namespace noisett::auth::unit {

TempJwksFile::TempJwksFile(const std::string& contents) {
  std::string pattern = (std::filesystem::temp_directory_path() / "noisett-jwks-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = pattern;
  path_ = dir_ + "/jwks.json";
  Write(contents);
}

TempJwksFile::~TempJwksFile() {
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

void TempJwksFile::Write(const std::string& contents) const {
  const std::string temp = path_ + ".new";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << contents;
    if (!out) throw std::runtime_error("cannot write " + temp);
  }
  std::filesystem::rename(temp, path_);
}

std::unique_ptr<TokenValidator> MakeFileValidator(const TempJwksFile& file, const Clock& clock,
                                                  ValidatorOptions options) {
  JwksCacheOptions cache_options;
  cache_options.background_refresh = false;  // tests refresh explicitly
  auto keys = std::make_shared<JwksCache>(MakeFileJwksSource(file.path()), clock, cache_options);
  if (auto started = keys->Start(); !started) {
    throw std::runtime_error("JWKS cache did not start: " + started.error().ToString());
  }
  return std::make_unique<TokenValidator>(std::move(options), std::move(keys), clock);
}

}  // namespace noisett::auth::unit
