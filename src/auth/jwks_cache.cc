// JWKS cache: keys in memory, refreshed in the background, refetched (rate-limited) on an
// unknown kid.
#include "auth/jwks_cache.h"

#include <chrono>

#include "auth/refusal.h"
#include "core/log.h"

namespace noisett::auth {

JwksCache::JwksCache(std::unique_ptr<JwksSource> source, const Clock& clock,
                     JwksCacheOptions options)
    : source_(std::move(source)), clock_(clock), options_(options) {}

JwksCache::~JwksCache() {
  {
    std::lock_guard<std::mutex> lock(stop_mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (background_.joinable()) background_.join();
}

Status JwksCache::Start() {
  Status first = Refresh();
  if (options_.background_refresh && !background_.joinable()) {
    background_ = std::thread([this] { BackgroundLoop(); });
  }
  return first;
}

void JwksCache::BackgroundLoop() {
  std::unique_lock<std::mutex> lock(stop_mu_);
  while (!stopping_) {
    bool loaded;
    {
      std::lock_guard<std::mutex> keys_lock(keys_mu_);
      loaded = ever_loaded_;
    }
    const int64_t wait_s = loaded ? options_.refresh_interval_s : options_.retry_interval_s;
    if (stop_cv_.wait_for(lock, std::chrono::seconds(wait_s), [this] { return stopping_; })) break;
    lock.unlock();
    (void)Refresh();  // failures are logged inside; the old keys stay
    lock.lock();
  }
}

Status JwksCache::Refresh() {
  std::lock_guard<std::mutex> lock(fetch_mu_);
  return RefreshLocked();
}

Status JwksCache::RefreshLocked() {
  ++fetches_;
  const size_t held = key_count();
  auto keep = [&](const Error& e) {
    LogWarn("auth: JWKS refresh from " + source_->Describe() + " failed (" + e.message +
            "); keeping the " + std::to_string(held) + " keys already loaded");
    return Unexpected(e);
  };
  auto text = source_->Fetch();
  if (!text) return keep(text.error());
  auto set = ParseJwks(*text);
  if (!set) return keep(set.error());
  for (const std::string& skipped : set->skipped) LogInfo("auth: JWKS key skipped: " + skipped);
  // An issuer never publishes an empty set on purpose; treat it like a failed fetch.
  if (set->by_kid.empty()) {
    return keep(MakeError(ErrorCode::kUnavailable, "jwks_empty", "no usable keys in the JWKS"));
  }
  auto fresh = std::make_shared<const KeySet>(std::move(*set));
  std::lock_guard<std::mutex> lock(keys_mu_);
  keys_ = std::move(fresh);
  ever_loaded_ = true;
  return Ok();
}

const VerifyKey* JwksCache::FindLoaded(std::string_view kid,
                                       std::shared_ptr<const KeySet>& hold) const {
  {
    std::lock_guard<std::mutex> lock(keys_mu_);
    hold = keys_;
  }
  return hold ? hold->Find(kid) : nullptr;
}

bool JwksCache::UnknownKidWindowOpen() const {
  const int64_t last = last_unknown_kid_fetch_.load();
  return last == INT64_MIN || clock_.NowSeconds() - last >= options_.unknown_kid_interval_s;
}

Result<VerifyKey> JwksCache::Find(std::string_view kid) {
  std::shared_ptr<const KeySet> hold;
  if (const VerifyKey* key = FindLoaded(kid, hold)) return *key;
  auto unknown = [&] {
    return Unexpected(Refusal(reason::kUnknownKid, "no key with this kid in the issuer's JWKS"));
  };
  if (kid.empty() || kid.size() > 256 || !UnknownKidWindowOpen()) return unknown();

  // One refetch per window, shared: whoever gets the lock first fetches, the rest see the window
  // closed and answer from what that fetch loaded.
  std::lock_guard<std::mutex> lock(fetch_mu_);
  if (const VerifyKey* key = FindLoaded(kid, hold)) return *key;
  if (!UnknownKidWindowOpen()) return unknown();
  last_unknown_kid_fetch_ = clock_.NowSeconds();
  LogInfo("auth: unknown kid, refetching the JWKS from " + source_->Describe());
  (void)RefreshLocked();
  if (const VerifyKey* key = FindLoaded(kid, hold)) return *key;
  return unknown();
}

size_t JwksCache::key_count() const {
  std::lock_guard<std::mutex> lock(keys_mu_);
  return keys_ ? keys_->by_kid.size() : 0;
}

uint64_t JwksCache::fetch_count() const { return fetches_.load(); }

}  // namespace noisett::auth
