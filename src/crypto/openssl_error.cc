// OpenSSL failures as Errors (see openssl_error.h).
#include "crypto/openssl_error.h"

#include <openssl/err.h>

namespace noisett::crypto {

Error OpenSslError(ErrorCode code, std::string reason, std::string message) {
  ERR_clear_error();
  return MakeError(code, std::move(reason), std::move(message));
}

}  // namespace noisett::crypto
