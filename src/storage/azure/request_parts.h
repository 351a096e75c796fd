// The pieces of an Azure request that are plain text work: percent-encoded paths and query
// strings, and client request ids. Pure apart from random bytes; AzureClient assembles them (the
// x-ms-date is core/http_date.h's FormatHttpDate).
#pragma once

#include <string>
#include <string_view>

#include "storage/azure/azure_client.h"

namespace noisett::storage::azure {

// "/a b/ü" -> "/a%20b/%C3%BC": each '/'-separated segment percent-encoded (RFC 3986 unreserved
// characters kept), the '/' kept, a leading '/' added. "" and "/" give "/".
std::string EncodePath(std::string_view path);

// "comp=tags&where=%40container%3D%27x%27": names and values encoded, in the given order; "" for
// none.
std::string EncodeQuery(const HeaderList& query);

// A random RFC 4122 version 4 UUID, "0f8fad5b-d9cb-469f-a165-70867728950e".
std::string NewRequestId();

// `text` without leading/trailing whitespace. (Lower case for header and query names is
// core/text.h's AsciiLowercase.)
std::string_view Trim(std::string_view text);

}  // namespace noisett::storage::azure
