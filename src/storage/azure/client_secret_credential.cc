// Client secret: POST client_id + client_secret to Entra ID for a storage token.
#include "storage/azure/client_secret_credential.h"

#include <string>

#include "storage/azure/token_request.h"

namespace noisett::storage::azure {
namespace {

class ClientSecretCredential final : public TokenCredential {
 public:
  ClientSecretCredential(const CredentialSettings& s, const Clock& clock)
      : settings_(s), clock_(clock) {
    options_.ca_file = s.ca_file;
  }

  Result<AccessToken> GetToken() override {
    auto url = EntraTokenUrl(settings_.authority_host, settings_.tenant_id);
    if (!url) return Unexpected(url.error());
    const net::HttpRequestSpec request =
        EntraTokenPost(*url, {{"client_id", settings_.client_id},
                              {"client_secret", settings_.client_secret},
                              {"scope", kStorageScope},
                              {"grant_type", "client_credentials"}});
    return RequestToken(request, options_, clock_, {settings_.client_secret});
  }

  std::string Describe() const override {
    return "client secret (client " + ShortId(settings_.client_id) + ")";
  }

 private:
  const CredentialSettings settings_;
  const Clock& clock_;
  TokenHttpOptions options_;
};

}  // namespace

std::unique_ptr<TokenCredential> MakeClientSecretCredential(const CredentialSettings& settings,
                                                            const Clock& clock) {
  return std::make_unique<ClientSecretCredential>(settings, clock);
}

}  // namespace noisett::storage::azure
