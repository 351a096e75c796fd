// Internal to PostgresCatalog: the one place where libpqxx exceptions and SQLSTATEs become our
// Errors (the style's PgError), and where the transaction runner learns whether a failure may be
// retried. Messages are redacted (postgres_url.h): no password ever leaves this file.
#pragma once

#include <exception>

#include "catalog/postgres_url.h"
#include "core/error.h"

namespace noisett::catalog::pg {

enum class Failure {
  kConnection,     // the connection broke (08xxx, 57P0x, broken_connection): drop it
  kCommitUnknown,  // the connection broke during COMMIT: the outcome is unknown
  kRetryable,      // serialization_failure / deadlock_detected: run the transaction again
  kOther,          // everything else: map and return
};

Failure Classify(const std::exception& e);

// kUnavailable "catalog_unavailable" (connection), "catalog_busy" (statement timeout 57014, lock
// not available, serialization or deadlock after the retries); kConflict "job_exists" /
// "image_exists" / "job_full" for the constraints that stand behind those reasons (callers check
// first, so these only show under races the checks missed); kInvalidArgument "bad_value" for
// data PostgreSQL refuses (invalid UTF-8, out-of-range numbers); kInsufficientStorage
// "insufficient_storage" for disk_full (53100); kInternal otherwise.
Error PgError(const std::exception& e, const ConnInfo& info);

// kUnavailable "catalog_unavailable" naming where we tried to connect, redacted.
Error Unreachable(const std::exception& e, const ConnInfo& info);

}  // namespace noisett::catalog::pg
