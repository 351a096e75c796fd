// Workload identity: federated token file -> client assertion -> Entra ID token.
#include "storage/azure/workload_identity_credential.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>

#include "storage/azure/token_request.h"

namespace noisett::storage::azure {
namespace {

// A projected service account token is a JWT of a few KiB.
constexpr std::streamsize kMaxAssertion = 64 * 1024;

Error FileError(const std::string& path, const std::string& why) {
  return MakeError(ErrorCode::kUnauthenticated, "credential_failed",
                   "federated token file '" + path + "': " + why);
}

Result<std::string> ReadAssertion(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Unexpected(FileError(path, std::strerror(errno)));
  std::string text(kMaxAssertion + 1, '\0');
  in.read(text.data(), kMaxAssertion + 1);
  text.resize(size_t(in.gcount()));
  if (text.size() > size_t(kMaxAssertion)) return Unexpected(FileError(path, "over 64 KiB"));
  // Editors and some projections end the file with a newline; the JWT itself has no whitespace.
  const char* kSpace = " \t\r\n";
  text.erase(text.find_last_not_of(kSpace) + 1);
  text.erase(0, text.find_first_not_of(kSpace));
  if (text.empty()) return Unexpected(FileError(path, "empty"));
  return text;
}

class WorkloadIdentityCredential final : public TokenCredential {
 public:
  WorkloadIdentityCredential(const CredentialSettings& s, const Clock& clock)
      : settings_(s), clock_(clock) {
    options_.ca_file = s.ca_file;
  }

  Result<AccessToken> GetToken() override {
    auto url = EntraTokenUrl(settings_.authority_host, settings_.tenant_id);
    if (!url) return Unexpected(url.error());
    auto assertion = ReadAssertion(settings_.federated_token_file);
    if (!assertion) return Unexpected(assertion.error());
    const net::HttpRequestSpec request = EntraTokenPost(
        *url, {{"client_id", settings_.client_id},
               {"scope", kStorageScope},
               {"grant_type", "client_credentials"},
               {"client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"},
               {"client_assertion", *assertion}});
    return RequestToken(request, options_, clock_, {*assertion});
  }

  std::string Describe() const override {
    return "workload identity (client " + ShortId(settings_.client_id) + ")";
  }

 private:
  const CredentialSettings settings_;
  const Clock& clock_;
  TokenHttpOptions options_;
};

}  // namespace

std::unique_ptr<TokenCredential> MakeWorkloadIdentityCredential(const CredentialSettings& settings,
                                                                const Clock& clock) {
  return std::make_unique<WorkloadIdentityCredential>(settings, clock);
}

}  // namespace noisett::storage::azure
