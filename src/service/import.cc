// The import path: fetch safely, then upload.
#include "service/import.h"

#include "service/job_labels.h"

namespace noisett::service {

Result<ImportedImage> ImportImage(const UploadDeps& deps, const net::ImportPolicy& policy,
                                  const auth::User& caller, ImportRequest request) {
  // Labels the upload would refuse are refused before anything is fetched.
  if (Status ok = ValidateUploadLabels(request.upload.asset_type, request.upload.quality); !ok) {
    return Unexpected(ok.error());
  }
  auto fetched = net::SafeFetch(request.url, policy);
  if (!fetched) return Unexpected(fetched.error());
  ImportedImage out;
  out.bytes = fetched->body.size();
  request.upload.image = fetched->body;
  auto stored = UploadImage(deps, caller, request.upload);
  if (!stored) return Unexpected(stored.error());
  out.stored = std::move(*stored);
  out.url = std::move(request.url);
  out.source = std::move(*fetched);
  std::string().swap(out.source.body);  // stored; not carried any further
  return out;
}

}  // namespace noisett::service
