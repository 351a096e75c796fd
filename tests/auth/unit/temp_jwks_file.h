// A JWKS file in a fresh temporary directory, rewritable mid-test (key rotation), removed at the
// end; and a validator reading it through MakeFileJwksSource, with no background thread.
#pragma once

#include <memory>
#include <string>

#include "auth/validator.h"
#include "core/clock.h"

namespace noisett::auth::unit {

class TempJwksFile {
 public:
  explicit TempJwksFile(const std::string& contents);
  ~TempJwksFile();
  TempJwksFile(const TempJwksFile&) = delete;
  TempJwksFile& operator=(const TempJwksFile&) = delete;

  // Replaces the file atomically (write + rename), as a deploy would.
  void Write(const std::string& contents) const;
  const std::string& path() const { return path_; }

 private:
  std::string dir_;
  std::string path_;
};

// A started JwksCache over `file` (the first fetch must succeed) and a validator on it.
// `clock` must outlive the validator.
std::unique_ptr<TokenValidator> MakeFileValidator(const TempJwksFile& file, const Clock& clock,
                                                  ValidatorOptions options);

}  // namespace noisett::auth::unit
