// The keys a validator trusts, kept fresh without putting the network on the request path:
// - Start() fetches once; a background thread refetches every refresh interval (24 h), sooner
//   (retry interval) while no fetch has ever succeeded.
// - Find(kid) answers from memory. An unknown kid triggers at most one refetch per
//   unknown-kid interval (5 min), so a flood of made-up kids is a flood of cheap refusals, not of
//   fetches. Concurrent callers share that one fetch.
// - A failed fetch keeps the last good keys and is logged.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string_view>
#include <thread>

#include "auth/jwks.h"
#include "auth/jwks_source.h"
#include "core/clock.h"
#include "core/result.h"

namespace noisett::auth {

struct JwksCacheOptions {
  int64_t refresh_interval_s = 24 * 3600;
  int64_t unknown_kid_interval_s = 5 * 60;
  int64_t retry_interval_s = 60;  // background retry while no good keys exist
  bool background_refresh = true;
};

class JwksCache {
 public:
  // `clock` must outlive the cache. The refetch rate limit is measured on `clock`; the background
  // thread sleeps in real time.
  JwksCache(std::unique_ptr<JwksSource> source, const Clock& clock, JwksCacheOptions options = {});
  ~JwksCache();
  JwksCache(const JwksCache&) = delete;
  JwksCache& operator=(const JwksCache&) = delete;

  // The first fetch, then the background thread. A failed first fetch is returned (and logged)
  // but the cache stays usable: later refreshes may succeed.
  Status Start();

  // The key for `kid`. Error: reason "unknown_kid".
  Result<VerifyKey> Find(std::string_view kid);

  // Fetches now and replaces the keys on success; on failure keeps them.
  Status Refresh();

  size_t key_count() const;
  uint64_t fetch_count() const;  // fetch attempts, successful or not

 private:
  void BackgroundLoop();
  Status RefreshLocked();  // fetch_mu_ held
  const VerifyKey* FindLoaded(std::string_view kid, std::shared_ptr<const KeySet>& hold) const;
  bool UnknownKidWindowOpen() const;

  std::unique_ptr<JwksSource> source_;
  const Clock& clock_;
  const JwksCacheOptions options_;

  mutable std::mutex keys_mu_;
  std::shared_ptr<const KeySet> keys_;  // replaced whole; readers copy the pointer
  bool ever_loaded_ = false;

  std::mutex fetch_mu_;  // one fetch at a time
  std::atomic<uint64_t> fetches_{0};
  std::atomic<int64_t> last_unknown_kid_fetch_{INT64_MIN};

  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  std::thread background_;
};

}  // namespace noisett::auth
