// The default credential: settings from the environment, and the chain that tries workload
// identity, managed identity and client secret in that order and keeps the first that works,
// behind one token cache.
#include "storage/azure/credential.h"

#include <atomic>
#include <vector>

#include "core/log.h"
#include "storage/azure/client_secret_credential.h"
#include "storage/azure/managed_identity_credential.h"
#include "storage/azure/token_cache.h"
#include "storage/azure/workload_identity_credential.h"

namespace noisett::storage::azure {
namespace {

class ChainCredential final : public TokenCredential {
 public:
  explicit ChainCredential(std::vector<std::unique_ptr<TokenCredential>> links)
      : links_(std::move(links)) {}

  Result<AccessToken> GetToken() override {
    if (const int chosen = chosen_.load(); chosen >= 0) return links_[size_t(chosen)]->GetToken();
    std::string tried;
    bool all_unreachable = true;
    for (size_t i = 0; i < links_.size(); ++i) {
      auto token = links_[i]->GetToken();
      if (token) {
        // Kept for good: a later failure of this identity is its own to report, not a reason to
        // quietly become someone else.
        chosen_.store(int(i));
        LogInfo("azure: storage tokens from " + links_[i]->Describe());
        return token;
      }
      all_unreachable = all_unreachable && token.error().code == ErrorCode::kUnavailable;
      tried += (tried.empty() ? "" : "; ") + links_[i]->Describe() + ": " + token.error().message;
    }
    const std::string message = "no Azure credential worked. Tried " + tried;
    if (all_unreachable) {
      return Unexpected(MakeError(ErrorCode::kUnavailable, "credential_unreachable", message));
    }
    return Unexpected(MakeError(ErrorCode::kUnauthenticated, "credential_failed", message));
  }

  std::string Describe() const override {
    if (const int chosen = chosen_.load(); chosen >= 0) return links_[size_t(chosen)]->Describe();
    std::string all;
    for (const auto& link : links_) all += (all.empty() ? "" : ", ") + link->Describe();
    return "default credential chain (" + all + ")";
  }

 private:
  const std::vector<std::unique_ptr<TokenCredential>> links_;
  std::atomic<int> chosen_{-1};
};

}  // namespace

std::unique_ptr<TokenCredential> MakeDefaultCredential(const CredentialSettings& settings,
                                                       const Clock& clock) {
  const bool app = !settings.client_id.empty() && !settings.tenant_id.empty();
  std::vector<std::unique_ptr<TokenCredential>> links;
  if (app && !settings.federated_token_file.empty()) {
    links.push_back(MakeWorkloadIdentityCredential(settings, clock));
  }
  links.push_back(MakeManagedIdentityCredential(settings, clock));
  if (app && !settings.client_secret.empty()) {
    links.push_back(MakeClientSecretCredential(settings, clock));
  }
  return MakeCachedCredential(std::make_unique<ChainCredential>(std::move(links)), clock);
}

}  // namespace noisett::storage::azure
