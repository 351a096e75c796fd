// The token cache: one mutex over the state, a condition variable for callers waiting on the
// refresh in flight, and the fetch itself done outside the lock.
#include "storage/azure/token_cache.h"

#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>

#include "core/log.h"

namespace noisett::storage::azure {
namespace {

class CachedCredential final : public TokenCredential {
 public:
  CachedCredential(std::unique_ptr<TokenCredential> inner, const Clock& clock,
                   TokenCacheOptions options)
      : inner_(std::move(inner)), clock_(clock), options_(options) {}

  Result<AccessToken> GetToken() override {
    std::unique_lock<std::mutex> lock(mu_);
    const int64_t now = clock_.NowSeconds();
    if (Fresh(now)) return *token_;
    if (Usable(now) && now < retry_at_) return *token_;  // backing off after a failed refresh
    if (fetching_) {
      // Someone is refreshing: take their outcome rather than refreshing again.
      const uint64_t generation = generation_;
      done_.wait(lock, [&] { return generation_ != generation; });
      if (Usable(clock_.NowSeconds())) return *token_;
      return Unexpected(last_error_.value_or(
          MakeError(ErrorCode::kUnavailable, "credential_unreachable", "token refresh failed")));
    }
    fetching_ = true;
    lock.unlock();
    Result<AccessToken> fetched = Fetch();
    lock.lock();
    return Finish(std::move(fetched), now);
  }

  std::string Describe() const override { return inner_->Describe(); }

 private:
  // The fetch, outside the lock; `fetching_` is cleared by Finish() even if it threw bad_alloc.
  Result<AccessToken> Fetch() {
    struct Reset {
      CachedCredential* self;
      bool armed = true;
      ~Reset() {
        if (!armed) return;
        std::lock_guard<std::mutex> lock(self->mu_);
        self->fetching_ = false;
        ++self->generation_;
        self->done_.notify_all();
      }
    } reset{this};
    Result<AccessToken> fetched = inner_->GetToken();
    reset.armed = false;
    return fetched;
  }

  // mu_ held: records the outcome, wakes the waiters, answers this caller.
  Result<AccessToken> Finish(Result<AccessToken> fetched, int64_t started) {
    fetching_ = false;
    ++generation_;
    if (fetched) {
      token_ = *fetched;
      last_error_.reset();
      retry_at_ = 0;
    } else {
      last_error_ = fetched.error();
      retry_at_ = started + options_.retry_after_failure_s;
    }
    done_.notify_all();
    if (fetched) return fetched;
    const int64_t now = clock_.NowSeconds();
    if (!Usable(now)) return fetched;
    LogWarn("azure: token refresh via " + inner_->Describe() + " failed (" +
            fetched.error().message + "); using the current token, valid " +
            std::to_string(token_->expires_on - now) + " s more");
    return *token_;
  }

  bool Fresh(int64_t now) const {
    return token_ && now < token_->expires_on - options_.refresh_before_s;
  }
  bool Usable(int64_t now) const { return token_ && now < token_->expires_on; }

  const std::unique_ptr<TokenCredential> inner_;
  const Clock& clock_;
  const TokenCacheOptions options_;

  std::mutex mu_;  // guards everything below
  std::condition_variable done_;
  std::optional<AccessToken> token_;
  std::optional<Error> last_error_;
  int64_t retry_at_ = 0;  // clock seconds; no refresh attempt before this while token_ is usable
  bool fetching_ = false;
  uint64_t generation_ = 0;  // bumped when a fetch ends
};

}  // namespace

std::unique_ptr<TokenCredential> MakeCachedCredential(std::unique_ptr<TokenCredential> inner,
                                                      const Clock& clock,
                                                      TokenCacheOptions options) {
  return std::make_unique<CachedCredential>(std::move(inner), clock, options);
}

}  // namespace noisett::storage::azure
