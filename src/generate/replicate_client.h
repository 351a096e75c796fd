// One generation's calls to the Replicate API, under one deadline: create, get and cancel a
// prediction. Sends the token (only ever to the configured base URL, never to a URL an answer
// names), waits and repeats on 429 (Retry-After, else the current poll interval), and turns
// transport failures and error statuses into the generator's errors. Not thread-safe: one per
// Generate call.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "core/result.h"
#include "generate/replicate_api.h"
#include "generate/replicate_generator.h"

namespace noisett::generate::replicate {

class Client final {
 public:
  using Clock = std::chrono::steady_clock;

  // `options` must outlive the client. The deadline is options.timeout_ms from now.
  explicit Client(const ReplicateOptions& options);

  // POST the create call. Errors: generator_unavailable (unreachable, token refused, 5xx),
  // generator_refused (400/422), generator_timeout (the deadline passed, 429s included),
  // generator_failed (an answer that is not a prediction).
  Result<Prediction> Create(const CreateCall& call);
  // GET /v1/predictions/{id}. Errors as Create.
  Result<Prediction> Get(const std::string& id);
  // POST /v1/predictions/{id}/cancel, best effort: a short time limit of its own (it is also
  // called once the deadline has passed) and any failure ignored.
  void Cancel(const std::string& id);

  // Sleeps `ms`, or returns false at once when that would pass the deadline.
  bool Wait(int64_t ms);
  int64_t RemainingMs() const;
  // kUpstreamTimeout "generator_timeout".
  Error TimeoutError() const;

  // The interval the poll loop waits next: poll_initial_ms, doubled by each call up to poll_max_ms.
  int64_t NextPollIntervalMs();

 private:
  // Sends and answers the 2xx body, repeating after 429s. `what` names the call in errors.
  Result<std::string> Call(const std::string& method, const std::string& path,
                           const std::string& body, const std::string& what);

  const ReplicateOptions& options_;
  std::string base_;  // options.base_url without a trailing '/'
  Clock::time_point deadline_;
  int64_t poll_interval_ms_;
};

}  // namespace noisett::generate::replicate
