// Parsing of the Azure store settings: azure:// URLs, connection strings, endpoint URLs, and the
// precedence that combines them. Pure string work; the key is only checked to be base64 here and
// is used by AzureClient.
#include "storage/azure/azure_config.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <vector>

#include "core/base64.h"
#include "core/text.h"
#include "storage/azure/request_parts.h"

namespace noisett::storage::azure {
namespace {

// Azurite's well-known development account (published in Azurite's README and every SDK).
constexpr char kDevAccount[] = "devstoreaccount1";
constexpr char kDevKey[] =
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
constexpr char kDevEndpoint[] = "http://127.0.0.1:10000/devstoreaccount1";
constexpr char kDefaultSuffix[] = "core.windows.net";

Unexpected Invalid(std::string reason, std::string message) {
  return Unexpected(MakeError(ErrorCode::kInvalidArgument, std::move(reason), std::move(message)));
}

// Storage account names: 3-24 lowercase letters and digits.
bool ValidAccount(std::string_view name) {
  if (name.size() < 3 || name.size() > 24) return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); });
}

// Container names: 3-63 of [a-z0-9-], starting with a letter or digit, no "--", no trailing '-'.
bool ValidContainer(std::string_view name) {
  if (name.size() < 3 || name.size() > 63) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!alnum && c != '-') return false;
    if (c == '-' && (i == 0 || i + 1 == name.size() || name[i - 1] == '-')) return false;
  }
  return true;
}

// The parts of an endpoint URL that matter here. Parsed by hand: this file does no I/O and the
// grammar we accept is small (scheme://host[:port][/path], no user info, query or fragment).
struct EndpointParts {
  std::string scheme;  // lowercase
  std::string host;    // lowercase; IPv6 keeps its brackets
  std::string path;    // "" or "/segment..." without a trailing '/'
};

std::optional<EndpointParts> ParseEndpoint(std::string_view url) {
  const size_t sep = url.find("://");
  if (sep == std::string_view::npos) return std::nullopt;
  EndpointParts parts;
  parts.scheme = AsciiLowercase(url.substr(0, sep));
  if (parts.scheme != "http" && parts.scheme != "https") return std::nullopt;
  std::string_view rest = url.substr(sep + 3);
  if (rest.find_first_of("?#@ ") != std::string_view::npos) return std::nullopt;
  const size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? "" : rest.substr(slash);
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  if (path.find("//") != std::string_view::npos) return std::nullopt;
  std::string_view host = authority;
  if (!authority.empty() && authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = authority.substr(0, close + 1);
    authority.remove_prefix(close + 1);
  } else {
    host = authority.substr(0, authority.find(':'));
    authority.remove_prefix(host.size());
  }
  if (!authority.empty()) {  // ":port"
    if (authority.front() != ':' || authority.size() < 2 || authority.size() > 6) {
      return std::nullopt;
    }
    for (char c : authority.substr(1)) {
      if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    }
  }
  if (host.empty()) return std::nullopt;
  parts.host = AsciiLowercase(host);
  parts.path = std::string(path);
  return parts;
}

bool IsIpv4(const std::string& host, int* first_octet) {
  int a = -1, b = -1, c = -1, d = -1;
  char tail = 0;
  if (std::sscanf(host.c_str(), "%3d.%3d.%3d.%3d%c", &a, &b, &c, &d, &tail) != 4) return false;
  for (int octet : {a, b, c, d}) {
    if (octet < 0 || octet > 255) return false;
  }
  if (first_octet) *first_octet = a;
  return true;
}

bool IsLoopbackHost(const std::string& host) {
  int first = 0;
  if (host == "localhost" || host == "[::1]") return true;
  return IsIpv4(host, &first) && first == 127;
}

// IP hosts and localhost have no account subdomain: the account goes in the path (Azurite).
bool IsPathStyleHost(const std::string& host) {
  return IsIpv4(host, nullptr) || host.front() == '[' || host == "localhost";
}

// Normalizes `url` (no trailing '/'; the account appended for a bare IP host) and fills in the
// account from it when `account` is empty. `what` names the setting in errors.
Result<std::string> NormalizeEndpoint(std::string_view url, std::string* account,
                                      const std::string& what) {
  const auto parts = ParseEndpoint(Trim(url));
  if (!parts) {
    return Invalid("bad_endpoint", what + ": '" + std::string(url) +
                                       "' is not an http(s)://host[:port][/account] URL");
  }
  if (parts->scheme == "http" && !IsLoopbackHost(parts->host)) {
    // Keys and bearer tokens must not cross a network in clear text.
    return Invalid("bad_endpoint", what + ": plain http is allowed only to a loopback host");
  }
  std::string endpoint(Trim(url));
  while (endpoint.back() == '/') endpoint.pop_back();
  const std::string path_account =
      parts->path.empty() ? "" : parts->path.substr(1, parts->path.find('/', 1) - 1);
  std::string derived;
  if (!path_account.empty()) {
    derived = path_account;
  } else if (!IsPathStyleHost(parts->host)) {
    derived = parts->host.substr(0, parts->host.find('.'));
  }
  if (!path_account.empty() && !account->empty() && *account != path_account) {
    // Path-style URLs carry the account, and Shared Key signs it: the two must agree.
    return Invalid("bad_endpoint", what + ": the path names account '" + path_account +
                                       "' but the account is '" + *account + "'");
  }
  if (account->empty()) *account = derived;
  if (account->empty()) {
    return Invalid("bad_endpoint", what + ": cannot tell the account from '" + endpoint + "'");
  }
  if (parts->path.empty() && IsPathStyleHost(parts->host)) endpoint += "/" + *account;
  return endpoint;
}

std::string DefaultEndpoint(const std::string& protocol, const std::string& account,
                            const std::string& suffix) {
  return protocol + "://" + account + ".blob." + suffix;
}

// "azure://ACCOUNT[/CONTAINER]": the account and the container when one is given.
Result<std::pair<std::string, std::string>> SplitStoreUrl(std::string_view url) {
  constexpr std::string_view kScheme = "azure://";
  const auto bad = [&](const std::string& why) {
    std::string message(url);  // appended piecewise: g++ 12 warns on "'" + std::string(...)
    message.append(": ").append(why);
    return Invalid("bad_store_url", message);
  };
  if (url.substr(0, kScheme.size()) != kScheme) return bad("must start with azure://");
  std::string_view rest = url.substr(kScheme.size());
  while (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  const size_t slash = rest.find('/');
  const std::string account(rest.substr(0, slash));
  const std::string container(slash == std::string_view::npos ? "" : rest.substr(slash + 1));
  if (!ValidAccount(account)) return bad("the account must be 3-24 lowercase letters and digits");
  if (!container.empty() && !ValidContainer(container)) {
    return bad("the container must be 3-63 of a-z, 0-9 and single inner '-'");
  }
  return std::make_pair(account, container);
}

}  // namespace

bool AzureConfig::path_style() const {
  const auto parts = ParseEndpoint(endpoint);
  return parts && !parts->path.empty();
}

bool AzureConfig::loopback() const {
  const auto parts = ParseEndpoint(endpoint);
  return parts && IsLoopbackHost(parts->host);
}

Result<AzureConfig> ParseAzureStoreUrl(std::string_view url) {
  auto split = SplitStoreUrl(url);
  if (!split) return Unexpected(split.error());
  AzureConfig config;
  config.account = split->first;
  if (!split->second.empty()) config.container = split->second;
  config.endpoint = DefaultEndpoint("https", config.account, kDefaultSuffix);
  return config;
}

Result<AzureConfig> ParseConnectionString(std::string_view text) {
  const auto bad = [](const std::string& why) {
    return Invalid("bad_connection_string", why);  // never echo the text: it holds the key
  };
  std::map<std::string, std::string> fields;  // lowercased names
  size_t start = 0;
  while (start <= text.size()) {
    const size_t end = std::min(text.find(';', start), text.size());
    const std::string_view item = Trim(text.substr(start, end - start));
    start = end + 1;
    if (item.empty()) continue;
    const size_t eq = item.find('=');  // values (base64 keys) may contain '=' themselves
    if (eq == std::string_view::npos || eq == 0) return bad("each part must be Name=Value");
    const std::string name = AsciiLowercase(Trim(item.substr(0, eq)));
    if (!fields.emplace(name, std::string(Trim(item.substr(eq + 1)))).second) {
      return bad("'" + name + "' is given twice");
    }
  }
  const auto get = [&](const char* name) {
    const auto it = fields.find(name);
    return it == fields.end() ? std::string() : it->second;
  };
  if (!get("sharedaccesssignature").empty()) {
    return bad("SharedAccessSignature connection strings are not supported; give a key");
  }
  AzureConfig config;
  if (AsciiLowercase(get("usedevelopmentstorage")) == "true") {
    config.account = kDevAccount;
    config.account_key = kDevKey;
    config.endpoint = kDevEndpoint;
  }
  if (!get("accountname").empty()) config.account = get("accountname");
  if (!get("accountkey").empty()) config.account_key = get("accountkey");
  if (!get("blobendpoint").empty()) {
    auto endpoint = NormalizeEndpoint(get("blobendpoint"), &config.account, "BlobEndpoint");
    if (!endpoint) return bad(endpoint.error().message);
    config.endpoint = *endpoint;
  }
  if (config.account.empty()) return bad("no AccountName (or UseDevelopmentStorage=true)");
  if (!ValidAccount(config.account)) return bad("AccountName must be 3-24 of a-z and 0-9");
  if (config.endpoint.empty()) {
    std::string protocol = AsciiLowercase(get("defaultendpointsprotocol"));
    if (protocol.empty()) protocol = "https";
    if (protocol != "https") return bad("DefaultEndpointsProtocol must be https");
    const std::string suffix = get("endpointsuffix");
    config.endpoint = DefaultEndpoint(protocol, config.account,
                                      suffix.empty() ? std::string(kDefaultSuffix) : suffix);
  }
  if (!config.account_key.empty() && !Base64Decode(config.account_key)) {
    return bad("AccountKey is not base64");
  }
  return config;
}

Result<AzureConfig> ResolveAzureConfig(const AzureSettings& settings) {
  AzureConfig config;
  if (!settings.connection_string.empty()) {
    auto parsed = ParseConnectionString(settings.connection_string);
    if (!parsed) return Unexpected(parsed.error());
    config = std::move(*parsed);
  }
  // The store URL, else AZURE_STORAGE_ACCOUNT: must agree with what a connection string said.
  std::string account = settings.account, container = settings.container;
  std::string account_source = "AZURE_STORAGE_ACCOUNT";
  if (!settings.store_url.empty()) {
    auto split = SplitStoreUrl(settings.store_url);
    if (!split) return Unexpected(split.error());
    if (!account.empty() && account != split->first) {
      return Invalid("bad_account", "NOISETT_STORE names account '" + split->first +
                                        "' but AZURE_STORAGE_ACCOUNT is '" + account + "'");
    }
    account = split->first;
    account_source = "NOISETT_STORE";
    if (!split->second.empty()) container = split->second;
  }
  if (!account.empty()) {
    if (!ValidAccount(account)) {
      return Invalid("bad_account", account_source + ": the account must be 3-24 of a-z and 0-9");
    }
    if (!config.account.empty() && config.account != account) {
      return Invalid("bad_account", account_source + " names account '" + account +
                                        "' but the connection string is for '" + config.account +
                                        "'");
    }
    config.account = account;
  }
  if (!container.empty()) {
    if (!ValidContainer(container)) {
      return Invalid("bad_container",
                     "container '" + container + "' must be 3-63 of a-z, 0-9 and single inner '-'");
    }
    config.container = container;
  }
  if (!settings.endpoint.empty()) {
    auto endpoint =
        NormalizeEndpoint(settings.endpoint, &config.account, "AZURE_STORAGE_BLOB_ENDPOINT");
    if (!endpoint) return Unexpected(endpoint.error());
    config.endpoint = *endpoint;
  }
  if (config.account.empty()) {
    return Invalid("no_account",
                   "no Azure storage account: set NOISETT_STORE=azure://ACCOUNT/"
                   "CONTAINER, AZURE_STORAGE_ACCOUNT or a connection string");
  }
  if (config.endpoint.empty())
    config.endpoint = DefaultEndpoint("https", config.account, kDefaultSuffix);
  if (!settings.account_key.empty()) {
    if (!Base64Decode(settings.account_key)) {
      return Invalid("bad_account_key", "AZURE_STORAGE_KEY is not base64");
    }
    config.account_key = settings.account_key;
  }
  if (!settings.ca_file.empty()) config.ca_file = settings.ca_file;
  return config;
}

}  // namespace noisett::storage::azure
