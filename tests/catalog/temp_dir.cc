#include "catalog/temp_dir.h"

#include <stdlib.h>

#include <cstdlib>
#include <filesystem>

namespace noisett::catalog::testing {

TempDir::TempDir() {
  std::string pattern =
      (std::filesystem::temp_directory_path() / "noisett-catalog-XXXXXX").string();
  // Without a directory every later step of the test is meaningless.
  if (::mkdtemp(pattern.data()) == nullptr) std::abort();
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace noisett::catalog::testing
