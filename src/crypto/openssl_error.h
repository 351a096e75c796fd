// The one translation of an OpenSSL failure into an Error, for every OpenSSL adapter (auth's
// crypto.cc, storage's hmac.cc): OpenSSL's per-thread error queue is drained, so the next call on
// this thread starts clean and never reports a stale cause. The queue's own text is deliberately
// not copied into the message: it can describe the key or input that failed, and errors reach
// logs and clients. Which code and reason a failure gets stays with the adapter that knows what
// it was doing. No OpenSSL types in this header.
#pragma once

#include <string>

#include "core/error.h"

namespace noisett::crypto {

// MakeError(code, reason, message), after clearing this thread's OpenSSL error queue.
Error OpenSslError(ErrorCode code, std::string reason, std::string message);

}  // namespace noisett::crypto
