// The replicate generator: one prediction per seed (so each image really was made with its seed,
// whatever the model does with num_outputs), all created first so they run side by side, then
// polled together with one backoff until every one succeeded, then each output downloaded through
// net::SafeFetch under the images.import policy: output URLs come from outside and are treated
// like a URL a user names. One deadline covers create to last download. On the deadline, or when
// one prediction fails, the predictions still running are cancelled (best effort) so they stop
// costing money. The wire format is replicate_api.*, the HTTP calls replicate_client.*.
#include "generate/replicate_generator.h"

#include <algorithm>

#include "generate/replicate_api.h"
#include "generate/replicate_client.h"
#include "net/http_client.h"

namespace noisett::generate {
namespace {

using replicate::Client;
using replicate::Prediction;
using replicate::State;

bool Running(const Prediction& p) {
  return p.state == State::kStarting || p.state == State::kProcessing;
}

void CancelRunning(Client& client, const std::vector<Prediction>& predictions) {
  for (const Prediction& p : predictions) {
    if (Running(p)) client.Cancel(p.id);
  }
}

// The first prediction that failed or was cancelled, as generator_failed; nullopt when none.
std::optional<Error> Failure(const std::vector<Prediction>& predictions) {
  for (const Prediction& p : predictions) {
    if (p.state != State::kFailed && p.state != State::kCanceled) continue;
    const char* what = p.state == State::kFailed ? " failed" : " was canceled";
    const std::string detail = p.error.empty() ? "" : ": " + p.error;
    return MakeError(ErrorCode::kUpstreamFailed, "generator_failed",
                     "Replicate prediction " + p.id + what + detail);
  }
  return std::nullopt;
}

// Creates one prediction per seed. On an error the ones already created are cancelled.
Result<std::vector<Prediction>> CreateAll(Client& client, const replicate::ModelRef& model,
                                          const GenerateRequest& request) {
  std::vector<Prediction> predictions;
  for (int64_t seed : request.seeds) {
    auto p = client.Create(replicate::BuildCreateCall(model, request, seed));
    if (!p) {
      CancelRunning(client, predictions);
      return Unexpected(p.error());
    }
    predictions.push_back(std::move(*p));
  }
  return predictions;
}

// Polls until no prediction is running: waits poll_initial_ms, doubled each round up to
// poll_max_ms, between rounds. Any failure (or the deadline) cancels the rest.
Status PollAll(Client& client, std::vector<Prediction>& predictions) {
  for (;;) {
    if (auto failure = Failure(predictions)) {
      CancelRunning(client, predictions);
      return Unexpected(*failure);
    }
    if (std::none_of(predictions.begin(), predictions.end(), Running)) return Ok();
    if (!client.Wait(client.NextPollIntervalMs())) {
      CancelRunning(client, predictions);
      return Unexpected(client.TimeoutError());
    }
    for (Prediction& p : predictions) {
      if (!Running(p)) continue;
      auto fresh = client.Get(p.id);
      if (!fresh) {
        CancelRunning(client, predictions);
        return Unexpected(fresh.error());
      }
      p = std::move(*fresh);
    }
  }
}

// Downloads a succeeded prediction's single output under the import policy, within `remaining_ms`.
Result<GeneratedImage> DownloadOne(Client& client, const net::ImportPolicy& downloads,
                                   const Prediction& p, int64_t seed) {
  if (p.outputs.size() != 1) {
    return Unexpected(MakeError(ErrorCode::kUpstreamFailed, "generator_failed",
                                "Replicate prediction " + p.id + " has " +
                                    std::to_string(p.outputs.size()) + " outputs, expected 1"));
  }
  const int64_t remaining = client.RemainingMs();
  if (remaining <= 0) return Unexpected(client.TimeoutError());
  net::ImportPolicy policy = downloads;
  policy.timeout_ms = std::min(policy.timeout_ms, remaining);
  auto fetched = net::SafeFetch(p.outputs[0], policy);
  if (!fetched) {
    if (client.RemainingMs() <= 0) return Unexpected(client.TimeoutError());
    const Error& e = fetched.error();
    const std::string what = "downloading the output of Replicate prediction " + p.id +
                             " was refused or failed: " + e.reason + ": " +
                             replicate::Shorten(e.message);
    // The output's host was too slow: the job's failure is a gateway timeout, like Replicate's.
    if (e.code == ErrorCode::kUpstreamTimeout) {
      return Unexpected(MakeError(ErrorCode::kUpstreamTimeout, "generator_timeout", what));
    }
    return Unexpected(MakeError(ErrorCode::kUpstreamFailed, "generator_failed", what));
  }
  return GeneratedImage{seed, std::move(fetched->body)};
}

// Downloads each prediction's single output under the import policy and the deadline's rest.
Result<std::vector<GeneratedImage>> DownloadAll(Client& client, const net::ImportPolicy& downloads,
                                                const std::vector<Prediction>& predictions,
                                                const std::vector<int64_t>& seeds) {
  std::vector<GeneratedImage> images;
  for (size_t i = 0; i < predictions.size(); ++i) {
    auto image = DownloadOne(client, downloads, predictions[i], seeds[i]);
    if (!image) return Unexpected(image.error());
    images.push_back(std::move(*image));
  }
  return images;
}

// Checks what the configuration and the request name before anything is sent.
Result<replicate::ModelRef> ModelFor(const ReplicateOptions& options,
                                     const GenerateRequest& request) {
  if (Status s = net::CheckKeyUrl(options.base_url); !s) {
    // The token must not travel in clear text to a remote host.
    return Unexpected(MakeError(ErrorCode::kUnavailable, "generator_unavailable",
                                "NOISETT_REPLICATE_URL: " + s.error().message));
  }
  auto configured = replicate::ParseModelRef(options.model);
  if (!configured) {
    return Unexpected(MakeError(ErrorCode::kUnavailable, "generator_unavailable",
                                "NOISETT_REPLICATE_MODEL: " + configured.error().message));
  }
  // Only the operator's model runs on the operator's account: a request may name it (with or
  // without its version) but not another one.
  if (!request.model.empty() && request.model != options.model &&
      request.model != configured->OwnerName()) {
    return Unexpected(MakeError(ErrorCode::kInvalidArgument, "generator_refused",
                                "this server generates with " + options.model + " only, not '" +
                                    replicate::Shorten(request.model, 120) + "'"));
  }
  if (request.seeds.empty()) {
    return Unexpected(MakeError(ErrorCode::kInvalidArgument, "generator_refused", "no seeds"));
  }
  return configured;
}

// Whatever an error says, it never carries the token (a server could echo it back).
Error WithoutToken(Error e, const std::string& token) {
  if (token.empty()) return e;
  for (size_t at; (at = e.message.find(token)) != std::string::npos;) {
    e.message.replace(at, token.size(), "[token]");
  }
  return e;
}

}  // namespace

ReplicateGenerator::ReplicateGenerator(ReplicateOptions options) : options_(std::move(options)) {}

Result<std::vector<GeneratedImage>> ReplicateGenerator::Generate(const GenerateRequest& request) {
  auto result = Run(request);
  if (!result) return Unexpected(WithoutToken(result.error(), options_.token));
  return result;
}

Result<std::vector<GeneratedImage>> ReplicateGenerator::Run(const GenerateRequest& request) {
  auto model = ModelFor(options_, request);
  if (!model) return Unexpected(model.error());
  Client client(options_);
  auto predictions = CreateAll(client, *model, request);
  if (!predictions) return Unexpected(predictions.error());
  if (Status s = PollAll(client, *predictions); !s) return Unexpected(s.error());
  return DownloadAll(client, options_.downloads, *predictions, request.seeds);
}

}  // namespace noisett::generate

namespace noisett::generate {

// The job runner's per-image calls: each its own short client (the job's time limit is the
// runner's to keep, from the job's first start), every error without the token.
Result<std::string> ReplicateGenerator::StartImage(const GenerateRequest& request, int64_t seed) {
  auto model = ModelFor(options_, request);
  if (!model) return Unexpected(WithoutToken(model.error(), options_.token));
  Client client(options_);
  auto p = client.Create(replicate::BuildCreateCall(*model, request, seed));
  if (!p) return Unexpected(WithoutToken(p.error(), options_.token));
  return p->id;
}

Result<std::optional<GeneratedImage>> ReplicateGenerator::PollImage(
    const std::string& prediction_id, int64_t seed) {
  Client client(options_);
  auto p = client.Get(prediction_id);
  if (!p) return Unexpected(WithoutToken(p.error(), options_.token));
  if (Running(*p)) return std::optional<GeneratedImage>();
  if (auto failure = Failure({*p})) return Unexpected(WithoutToken(*failure, options_.token));
  auto image = DownloadOne(client, options_.downloads, *p, seed);
  if (!image) return Unexpected(WithoutToken(image.error(), options_.token));
  return std::optional<GeneratedImage>(std::move(*image));
}

void ReplicateGenerator::CancelImage(const std::string& prediction_id) {
  Client client(options_);
  client.Cancel(prediction_id);
}

}  // namespace noisett::generate
