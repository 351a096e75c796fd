// Azure's failure responses turned into our Error: the status picks the ErrorCode, Azure's error
// code (x-ms-error-code, else <Error><Code> of the body) becomes the reason, and <Message> plus
// our client request id the message. Pure; AzureClient logs.
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"
#include "storage/azure/azure_client.h"

namespace noisett::storage::azure {

// What the error body said; empty fields when it said nothing usable (HEAD, HTML, garbage).
struct AzureErrorBody {
  std::string code;     // "BlobNotFound"
  std::string message;  // the first line of <Message> (Azure appends RequestId/Time lines)
  std::string detail;   // <AuthenticationErrorDetail>, Shared Key mismatches, shortened
};

AzureErrorBody ParseAzureErrorBody(std::string_view body);

// `what` is "GET /container/blob" (for the message). REQUIRES: the status is not a success.
Error AzureErrorFromResponse(const AzureResponse& response, std::string_view what);

// The ErrorCode for a failure status (see AzureClient::Send).
ErrorCode ErrorCodeForStatus(long status);

}  // namespace noisett::storage::azure
