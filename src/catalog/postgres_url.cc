// Catalog URL → libpq conninfo, through libpq's own parser, and password redaction.
#include "catalog/postgres_url.h"

#include <libpq-fe.h>

#include <cstdlib>
#include <memory>
#include <regex>

#include "catalog/postgres_catalog.h"

namespace noisett::catalog {

bool IsPostgresUrl(std::string_view url) {
  return url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0;
}

namespace pg {
namespace {

struct ConninfoFree {
  void operator()(PQconninfoOption* options) const { PQconninfoFree(options); }
};
struct PqFree {
  void operator()(char* text) const { PQfreemem(text); }
};

// A conninfo value in single quotes, with \ and ' escaped (libpq's key=value syntax).
std::string Quote(std::string_view value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\\' || c == '\'') out += '\\';
    out += c;
  }
  return out + "'";
}

// The password as written in a URI's user-info ("postgresql://user:PASS@host"), percent-encoded
// or not; "" when there is none.
std::string RawUriPassword(std::string_view url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return "";
  std::string_view rest = url.substr(scheme + 3);
  rest = rest.substr(0, rest.find_first_of("/?"));
  const size_t at = rest.rfind('@');
  if (at == std::string_view::npos) return "";
  std::string_view user_info = rest.substr(0, at);
  const size_t colon = user_info.find(':');
  if (colon == std::string_view::npos) return "";
  return std::string(user_info.substr(colon + 1));
}

void ReplaceAll(std::string& text, std::string_view secret) {
  if (secret.empty()) return;
  for (size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at + 3)) {
    text.replace(at, secret.size(), "***");
  }
}

Error BadUrl(const std::string& why) {
  return MakeError(ErrorCode::kInvalidArgument, "bad_catalog_url",
                   "cannot parse the PostgreSQL catalog URL: " + why);
}

}  // namespace

Result<ConnInfo> ParseUrl(std::string_view url, int connect_timeout_s,
                          std::string_view environment_password) {
  ConnInfo info;
  info.secrets[1] = RawUriPassword(url);
  info.secrets[2] = std::string(environment_password);
  if (url.find('\0') != std::string_view::npos) return Unexpected(BadUrl("NUL byte"));
  char* raw_error = nullptr;
  std::unique_ptr<PQconninfoOption, ConninfoFree> options(
      PQconninfoParse(std::string(url).c_str(), &raw_error));
  std::unique_ptr<char, PqFree> error(raw_error);
  if (!options) {
    std::string why = error ? std::string(error.get()) : std::string("out of memory");
    while (!why.empty() && why.back() == '\n') why.pop_back();
    return Unexpected(BadUrl(Redact(why, info)));
  }
  bool has_timeout = false;
  std::string host = "(PGHOST)", port, dbname;
  for (const PQconninfoOption* o = options.get(); o->keyword != nullptr; ++o) {
    if (o->val == nullptr) continue;
    const std::string_view key = o->keyword;
    if (key == "password") info.secrets[0] = o->val;
    if (key == "connect_timeout") has_timeout = true;
    if (key == "host" || key == "hostaddr") host = o->val;
    if (key == "port") port = o->val;
    if (key == "dbname") dbname = o->val;
    info.conninfo += std::string(key) + "=" + Quote(o->val) + " ";
  }
  if (!has_timeout) info.conninfo += "connect_timeout=" + std::to_string(connect_timeout_s) + " ";
  // Lets operators (and the tests) find our sessions in pg_stat_activity, unless the URL or
  // PGAPPNAME names the application otherwise.
  info.conninfo += "fallback_application_name=noisett";
  info.where = host + (port.empty() ? "" : ":" + port) + (dbname.empty() ? "" : "/" + dbname);
  info.where = Redact(info.where, info);
  return info;
}

std::string Redact(std::string text, const ConnInfo& info) {
  for (const std::string& secret : info.secrets) ReplaceAll(text, secret);
  // Whatever slipped through: key=value passwords and URI user-info.
  static const std::regex kKeyValue(R"(password\s*=\s*('([^'\\]|\\.)*'|\S+))",
                                    std::regex::icase);
  static const std::regex kUserInfo(R"(://([^:/@\s]*):[^@\s]*@)");
  text = std::regex_replace(text, kKeyValue, "password=***");
  return std::regex_replace(text, kUserInfo, "://$1:***@");
}

}  // namespace pg
}  // namespace noisett::catalog
