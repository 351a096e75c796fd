// images.import as a typed operation: the design document's download_from_url, made safe. The URL
// is fetched by net::SafeFetch under the operator's import policy (no internal addresses,
// re-checked redirects, one 30 s deadline, a 10 MiB cap), then the bytes are stored by
// UploadImage exactly as an uploaded file would be: validated, optimized, stored, listed.
#pragma once

#include <string>

#include "net/safe_fetch.h"
#include "service/upload.h"

namespace noisett::service {

struct ImportRequest {
  std::string url;
  UploadRequest upload;  // what to store it as (its `image` is the fetched body)
};

struct ImportedImage {
  StoredImage stored;
  std::string url;
  net::Fetched source;  // final URL, redirects, content type; body moved into the upload
  size_t bytes = 0;     // the fetched body's size
};

// Errors: SafeFetch's (an address the policy refuses, too large, timeout, ...), then UploadImage's.
Result<ImportedImage> ImportImage(const UploadDeps& deps, const net::ImportPolicy& policy,
                                  const auth::User& caller, ImportRequest request);

}  // namespace noisett::service
