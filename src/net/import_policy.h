// The operator's side of SafeFetch: NOISETT_IMPORT_ALLOW (address ranges allowed although
// internal) and NOISETT_IMPORT_HOSTS (when set, the only hosts a URL may name). ParseImportPolicy
// itself is declared in safe_fetch.h; this adds the host matching it implies. Pure.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace noisett::net {

// True when `hosts` is empty, or `host` (lowercase, no trailing dot, as FetchUrl::host) equals an
// entry or is a subdomain of a "*.example.com" entry (never "example.com" itself). Entries are
// compared case-insensitively.
bool HostAllowed(std::string_view host, const std::vector<std::string>& hosts);

}  // namespace noisett::net
