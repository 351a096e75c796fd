// Internal to PostgresCatalog: turns the operator's catalog URL (a libpq URI or key=value string)
// into the conninfo every pool connection uses, and keeps the password out of messages. Parsing
// is libpq's own (PQconninfoParse), so what libpq accepts is exactly what we accept; PG*
// environment variables still fill in what the URL leaves out, at connect time.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace noisett::catalog::pg {

struct ConnInfo {
  std::string conninfo;  // key='value' pairs, with connect_timeout and the application name added
  std::string where;     // "host:port/db" for messages (never the password)
  // Passwords to redact: decoded and as written in the URL, and PGPASSWORD; each may be "".
  std::string secrets[3];
};

// `environment_password` is PGPASSWORD as the process got it (libpq reads it itself to connect;
// it is only redacted here). Errors: kInvalidArgument "bad_catalog_url" (libpq cannot parse it;
// the message names why, without the password).
Result<ConnInfo> ParseUrl(std::string_view url, int connect_timeout_s,
                          std::string_view environment_password = "");

// `text` with every occurrence of the secrets, "password=..." values and the ":...@" of URIs
// replaced by "***": libpq and server messages must never carry a password into logs.
std::string Redact(std::string text, const ConnInfo& info);

}  // namespace noisett::catalog::pg
