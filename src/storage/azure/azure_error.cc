// Azure error responses -> Error (see azure_error.h). The error XML is parsed with pugixml; a body
// that is not XML simply contributes nothing.
#include "storage/azure/azure_error.h"

#include <pugixml.hpp>

namespace noisett::storage::azure {
namespace {

constexpr size_t kMaxDetail = 300;

std::string FirstLine(std::string_view text) {
  const size_t end = text.find_first_of("\r\n");
  return std::string(text.substr(0, end));
}

}  // namespace

AzureErrorBody ParseAzureErrorBody(std::string_view body) {
  AzureErrorBody out;
  pugi::xml_document doc;
  if (body.empty() || !doc.load_buffer(body.data(), body.size())) return out;
  const pugi::xml_node error = doc.child("Error");
  if (!error) return out;
  out.code = error.child_value("Code");
  out.message = FirstLine(error.child_value("Message"));
  out.detail = error.child_value("AuthenticationErrorDetail");
  if (out.detail.size() > kMaxDetail) out.detail = out.detail.substr(0, kMaxDetail) + "...";
  return out;
}

ErrorCode ErrorCodeForStatus(long status) {
  switch (status) {
    case 400:
      return ErrorCode::kInvalidArgument;
    case 401:
      return ErrorCode::kUnauthenticated;
    case 403:
      return ErrorCode::kPermissionDenied;
    case 404:
      return ErrorCode::kNotFound;
    case 409:
    case 412:
      return ErrorCode::kConflict;
    case 413:
      return ErrorCode::kTooLarge;
    case 416:
      return ErrorCode::kInvalidArgument;
    case 408:
    case 429:
      return ErrorCode::kUnavailable;  // only seen once retries gave up
    case 501:
      return ErrorCode::kUnsupported;  // Azurite's APINotImplemented (Undelete, ...)
    default:
      break;
  }
  if (status >= 500) return ErrorCode::kUnavailable;
  if (status >= 400) return ErrorCode::kInvalidArgument;
  return ErrorCode::kInternal;  // 1xx/3xx we did not ask for
}

Error AzureErrorFromResponse(const AzureResponse& response, std::string_view what) {
  const AzureErrorBody body = ParseAzureErrorBody(response.body);
  std::string reason = response.Header("x-ms-error-code");
  if (reason.empty()) reason = body.code;
  if (reason.empty()) reason = "http_" + std::to_string(response.status);
  if (response.status == 416) reason = "InvalidRange";
  std::string message(what);
  message += ": HTTP " + std::to_string(response.status) + " " + reason;
  if (!body.message.empty()) message += ": " + body.message;
  if (!body.detail.empty()) message += " (" + body.detail + ")";
  message += " [client request id " + response.request_id;
  const std::string server_id = response.Header("x-ms-request-id");
  if (!server_id.empty()) message += ", server request id " + server_id;
  message += "]";
  return MakeError(ErrorCodeForStatus(response.status), std::move(reason), std::move(message));
}

}  // namespace noisett::storage::azure
