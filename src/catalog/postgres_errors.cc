// SQLSTATE → Error. libpqxx throws typed exceptions for some states and a plain sql_error for the
// rest, so the code reads the SQLSTATE itself; the class (first two characters) decides most.
#include "catalog/postgres_errors.h"

#include <pqxx/except>

#include <string>

#include "catalog/catalog_errors.h"

namespace noisett::catalog::pg {
namespace {

std::string StateOf(const std::exception& e) {
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e)) return sql->sqlstate();
  return "";
}

bool Contains(const std::exception& e, const char* word) {
  return std::string(e.what()).find(word) != std::string::npos;
}

std::string Trimmed(const std::exception& e, const ConnInfo& info) {
  std::string text = Redact(e.what(), info);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

Error ConstraintError(const std::string& state, const std::exception& e, const ConnInfo& info) {
  const std::string message = Trimmed(e, info);
  if (state == "23505") {
    if (Contains(e, "generations_pkey")) return JobExists();
    if (Contains(e, "images_pkey")) return ImageIndexTaken();
    return MakeError(ErrorCode::kConflict, "conflict", message);
  }
  if (state == "23514" && Contains(e, "image_count")) return JobFull();
  if (state == "23503") return MakeError(ErrorCode::kConflict, "conflict", message);
  return MakeError(ErrorCode::kInvalidArgument, "bad_value", message);
}

}  // namespace

Failure Classify(const std::exception& e) {
  if (dynamic_cast<const pqxx::in_doubt_error*>(&e) != nullptr) return Failure::kCommitUnknown;
  if (dynamic_cast<const pqxx::broken_connection*>(&e) != nullptr) return Failure::kConnection;
  const std::string state = StateOf(e);
  // 08: connection exception; 57P01..57P03: admin/crash shutdown, cannot connect now.
  if (state.rfind("08", 0) == 0 || state.rfind("57P0", 0) == 0) return Failure::kConnection;
  if (state == "40001" || state == "40P01") return Failure::kRetryable;
  return Failure::kOther;
}

Error PgError(const std::exception& e, const ConnInfo& info) {
  switch (Classify(e)) {
    case Failure::kConnection:
      return Unreachable(e, info);
    case Failure::kCommitUnknown:
      return MakeError(ErrorCode::kUnavailable, "catalog_unavailable",
                       "the connection to the catalog broke during commit; the outcome is "
                       "unknown: " + Trimmed(e, info));
    case Failure::kRetryable:
      return MakeError(ErrorCode::kUnavailable, "catalog_busy",
                       "the catalog stayed contended: " + Trimmed(e, info));
    case Failure::kOther:
      break;
  }
  const std::string state = StateOf(e);
  if (state == "57014" || state == "55P03") {
    return MakeError(ErrorCode::kUnavailable, "catalog_busy",
                     "catalog statement timed out (statement_timeout): " + Trimmed(e, info));
  }
  if (state == "53100") {  // disk_full: PostgreSQL's volume, not a busy server
    return MakeError(ErrorCode::kInsufficientStorage, "insufficient_storage",
                     "the catalog is out of space: " + Trimmed(e, info));
  }
  if (state == "53300") {  // too_many_connections
    return MakeError(ErrorCode::kUnavailable, "catalog_busy", Trimmed(e, info));
  }
  if (state.rfind("23", 0) == 0 || state.rfind("22", 0) == 0) {
    return ConstraintError(state, e, info);
  }
  return MakeError(ErrorCode::kInternal, "catalog_error",
                   (state.empty() ? "" : "SQLSTATE " + state + ": ") + Trimmed(e, info));
}

Error Unreachable(const std::exception& e, const ConnInfo& info) {
  return MakeError(ErrorCode::kUnavailable, "catalog_unavailable",
                   "PostgreSQL at " + info.where + ": " + Trimmed(e, info));
}

}  // namespace noisett::catalog::pg
