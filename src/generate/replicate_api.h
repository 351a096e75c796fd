// The Replicate predictions API's wire format, pure (no I/O): which model a setting names, the
// create call's path and JSON body for one seed, the prediction object the API answers, and what an
// HTTP error status means for Noisett. The calls themselves (token, deadline, retries) are
// replicate_client.*; polling and downloading are replicate_generator.cc.
//
// Facts relied on (Replicate's HTTP API reference and its "Rate limits" topic):
//   POST /v1/models/{owner}/{name}/predictions  {"input": {...}}               the latest version
//   POST /v1/predictions                        {"version": ID, "input": {...}} a fixed version
//   GET  /v1/predictions/{id}, POST /v1/predictions/{id}/cancel
//   a prediction is {id, status, output, error, urls{get,cancel}, ...}; status is starting,
//   processing, succeeded, failed or canceled; an image model's output is one URL or an array of
//   URLs; errors come as {"detail": "..."} (newer answers add "title" and "status"); 429 means
//   throttled, with a Retry-After header; unknown input fields are ignored by the API.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"
#include "generate/generator.h"

namespace noisett::generate::replicate {

// NOISETT_REPLICATE_MODEL parsed: "owner/name" or "owner/name:version".
struct ModelRef {
  std::string owner;
  std::string name;
  std::string version;  // empty: the model's latest version

  std::string OwnerName() const { return owner + "/" + name; }
};

// Owner and name are letters, digits, '.', '_' and '-'; a version is letters and digits (Replicate
// uses 64 hex digits). Anything else would change the URL path. Errors: kInvalidArgument
// "bad_model".
Result<ModelRef> ParseModelRef(std::string_view text);

// One create call: the path below the base URL and its JSON body.
struct CreateCall {
  std::string path;
  std::string body;
};

// The create call for the image made with `seed`. One prediction makes one image (num_outputs 1),
// so every image really was made with its own seed. Inputs sent (the common text-to-image ones;
// a model ignores those it does not know): prompt, seed, num_outputs, aspect_ratio (the
// supported ratio nearest width:height), width, height, output_format "png" (lossless, so only
// Noisett's pipeline decides the final quality).
CreateCall BuildCreateCall(const ModelRef& model, const GenerateRequest& request, int64_t seed);

// "1:1", "16:9", ...: the ratio in Replicate's usual aspect_ratio list nearest width:height.
std::string NearestAspectRatio(int width, int height);

enum class State { kStarting, kProcessing, kSucceeded, kFailed, kCanceled };

struct Prediction {
  std::string id;  // letters, digits, '-' and '_' only (it goes into URL paths)
  State state = State::kStarting;
  std::vector<std::string> outputs;  // when succeeded: the output URLs, in order
  std::string error;                 // when failed/canceled: Replicate's text, shortened
};

// Parses a prediction object. Errors: kInternal "generator_failed" (not JSON, no usable id, an
// unknown status, a succeeded prediction whose output is not a URL or an array of URLs).
Result<Prediction> ParsePrediction(std::string_view body);

// What a non-2xx answer to `what` ("creating a prediction") means. 429 is not handled here (the
// client waits and repeats). 401/403 and 402, 404, 5xx: generator_unavailable; 400/422:
// generator_refused; anything else: generator_failed. The message quotes Replicate's detail,
// shortened.
Error ApiError(long status, std::string_view body, std::string_view what);

// Retry-After in milliseconds, when the header holds delta-seconds (an HTTP date is ignored).
std::optional<int64_t> RetryAfterMs(const std::vector<std::pair<std::string, std::string>>& headers);

// At most `max_bytes` of `text`, cut at a UTF-8 character boundary, control characters turned into
// spaces, "..." appended when cut: text from outside quoted in an error message.
std::string Shorten(std::string_view text, size_t max_bytes = 300);

}  // namespace noisett::generate::replicate
