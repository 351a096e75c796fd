// Managed identity token requests (App Service / Container Apps identity endpoint, IMDS).
#include "storage/azure/managed_identity_credential.h"

#include <string>

#include "core/percent_encoding.h"
#include "net/http_client.h"
#include "storage/azure/token_request.h"

namespace noisett::storage::azure {
namespace {

// IMDS is link-local: when it exists it answers at once, so a slow connect means "not here".
constexpr long kImdsConnectTimeoutMs = 1000;

std::string UserAssigned(const std::string& client_id) {
  return client_id.empty() ? ""
                           : "&client_id=" + PercentEncode(client_id, PercentKeep::kUnreserved);
}

std::string ForClient(const std::string& client_id) {
  return client_id.empty() ? "" : ", client " + ShortId(client_id);
}

class AppServiceIdentityCredential final : public TokenCredential {
 public:
  AppServiceIdentityCredential(const CredentialSettings& s, const Clock& clock)
      : endpoint_(s.identity_endpoint),
        header_(s.identity_header),
        client_id_(s.identity_client_id),
        clock_(clock) {
    options_.ca_file = s.ca_file;
  }

  Result<AccessToken> GetToken() override {
    net::HttpRequestSpec request;
    // IDENTITY_ENDPOINT is a full URL such as http://localhost:42356/msi/token.
    const char separator = endpoint_.find('?') == std::string::npos ? '?' : '&';
    request.url = endpoint_ + separator +
                  "resource=" + PercentEncode(kStorageResource, PercentKeep::kUnreserved) +
                  "&api-version=2019-08-01" + UserAssigned(client_id_);
    request.headers = {{"X-IDENTITY-HEADER", header_}, {"Accept", "application/json"}};
    return RequestToken(request, options_, clock_, {header_});
  }

  std::string Describe() const override {
    return "managed identity (App Service/Container Apps endpoint" + ForClient(client_id_) + ")";
  }

 private:
  const std::string endpoint_;
  const std::string header_;  // a secret: never in messages
  const std::string client_id_;
  const Clock& clock_;
  TokenHttpOptions options_;
};

class ImdsCredential final : public TokenCredential {
 public:
  ImdsCredential(const CredentialSettings& s, const Clock& clock)
      : base_(TrimTrailingSlashes(s.imds_endpoint)), client_id_(s.identity_client_id), clock_(clock) {
    options_.connect_timeout_ms = kImdsConnectTimeoutMs;
    options_.allow_imds_http = true;
    options_.ca_file = s.ca_file;
  }

  Result<AccessToken> GetToken() override {
    net::HttpRequestSpec request;
    request.url = base_ + "/metadata/identity/oauth2/token?api-version=2018-02-01&resource=" +
                  PercentEncode(kStorageResource, PercentKeep::kUnreserved) +
                  UserAssigned(client_id_);
    request.headers = {{"Metadata", "true"}, {"Accept", "application/json"}};
    return RequestToken(request, options_, clock_, {});
  }

  std::string Describe() const override {
    return "managed identity (IMDS" + ForClient(client_id_) + ")";
  }

 private:
  const std::string base_;
  const std::string client_id_;
  const Clock& clock_;
  TokenHttpOptions options_;
};

}  // namespace

std::unique_ptr<TokenCredential> MakeAppServiceIdentityCredential(
    const CredentialSettings& settings, const Clock& clock) {
  return std::make_unique<AppServiceIdentityCredential>(settings, clock);
}

std::unique_ptr<TokenCredential> MakeImdsCredential(const CredentialSettings& settings,
                                                    const Clock& clock) {
  return std::make_unique<ImdsCredential>(settings, clock);
}

std::unique_ptr<TokenCredential> MakeManagedIdentityCredential(const CredentialSettings& settings,
                                                               const Clock& clock) {
  if (!settings.identity_endpoint.empty() && !settings.identity_header.empty()) {
    return MakeAppServiceIdentityCredential(settings, clock);
  }
  return MakeImdsCredential(settings, clock);
}

}  // namespace noisett::storage::azure
