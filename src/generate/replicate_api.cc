// Replicate's JSON in and out. Everything an answer carries is checked before use: the id goes
// into URL paths, the output URLs are fetched (through SafeFetch, by the generator) and the error
// text is quoted to users.
#include "generate/replicate_api.h"

#include <cctype>
#include <cmath>
#include <cstdlib>

#include <nlohmann/json.hpp>

namespace noisett::generate::replicate {
namespace {

using nlohmann::json;

// Replicate answered something unusable: a bad upstream (502), not a fault of this server.
Error Failed(std::string message) {
  return MakeError(ErrorCode::kUpstreamFailed, "generator_failed", std::move(message));
}

bool IsNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
}

bool AllOf(std::string_view s, bool (*ok)(char)) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!ok(c)) return false;
  }
  return true;
}

bool IsVersionChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }
bool IsIdChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
}

std::optional<State> StateNamed(std::string_view s) {
  if (s == "starting") return State::kStarting;
  if (s == "processing") return State::kProcessing;
  if (s == "succeeded") return State::kSucceeded;
  if (s == "failed") return State::kFailed;
  // "aborted" is what Replicate calls a prediction stopped before it ran (e.g. its deadline).
  if (s == "canceled" || s == "aborted") return State::kCanceled;
  return std::nullopt;
}

bool IsHttpUrl(const std::string& s) {
  return s.rfind("https://", 0) == 0 || s.rfind("http://", 0) == 0;
}

// A succeeded prediction's output: one URL or an array of URLs.
Result<std::vector<std::string>> OutputUrls(const json& output) {
  std::vector<std::string> urls;
  if (output.is_string()) {
    urls.push_back(output.get<std::string>());
  } else if (output.is_array()) {
    for (const json& item : output) {
      if (!item.is_string()) return Unexpected(Failed("Replicate's output holds a non-URL item"));
      urls.push_back(item.get<std::string>());
    }
  } else {
    return Unexpected(Failed("Replicate's output is neither a URL nor an array of URLs"));
  }
  for (const std::string& url : urls) {
    if (!IsHttpUrl(url)) {
      return Unexpected(Failed("Replicate's output is not an http(s) URL: '" + Shorten(url, 80) +
                               "'"));
    }
  }
  return urls;
}

// The human part of an error body: "detail" (and "title"), else the body itself.
std::string Detail(std::string_view body) {
  const json doc = json::parse(body, nullptr, false);
  if (doc.is_object()) {
    std::string text;
    if (auto t = doc.find("title"); t != doc.end() && t->is_string()) text = t->get<std::string>();
    if (auto d = doc.find("detail"); d != doc.end()) {
      const std::string detail = d->is_string() ? d->get<std::string>() : d->dump();
      text = text.empty() ? detail : text + ": " + detail;
    }
    if (!text.empty()) return Shorten(text);
  }
  return Shorten(body);
}

}  // namespace

Result<ModelRef> ParseModelRef(std::string_view text) {
  auto bad = [&](const char* why) {
    return Unexpected(MakeError(ErrorCode::kInvalidArgument, "bad_model",
                                "model '" + Shorten(text, 120) + "': " + why +
                                    " (owner/name or owner/name:version)"));
  };
  ModelRef ref;
  const size_t colon = text.find(':');
  if (colon != std::string_view::npos) {
    ref.version = std::string(text.substr(colon + 1));
    if (!AllOf(ref.version, IsVersionChar)) return bad("the version is not letters and digits");
    text = text.substr(0, colon);
  }
  const size_t slash = text.find('/');
  if (slash == std::string_view::npos) return bad("no owner");
  ref.owner = std::string(text.substr(0, slash));
  ref.name = std::string(text.substr(slash + 1));
  if (!AllOf(ref.owner, IsNameChar) || !AllOf(ref.name, IsNameChar) || ref.owner == "." ||
      ref.owner == ".." || ref.name == "." || ref.name == "..") {
    return bad("owner and name are letters, digits, '.', '_' and '-'");
  }
  return ref;
}

std::string NearestAspectRatio(int width, int height) {
  static constexpr std::pair<int, int> kRatios[] = {{1, 1}, {16, 9}, {21, 9}, {3, 2}, {2, 3},
                                                    {4, 5}, {5, 4},  {3, 4},  {4, 3}, {9, 16},
                                                    {9, 21}};
  if (width <= 0 || height <= 0) return "1:1";
  const double want = std::log(double(width) / double(height));
  std::pair<int, int> best = kRatios[0];
  for (const auto& r : kRatios) {
    const double d = std::abs(std::log(double(r.first) / r.second) - want);
    if (d < std::abs(std::log(double(best.first) / best.second) - want)) best = r;
  }
  return std::to_string(best.first) + ":" + std::to_string(best.second);
}

CreateCall BuildCreateCall(const ModelRef& model, const GenerateRequest& request, int64_t seed) {
  json input = json::object();
  input["prompt"] = request.prompt;
  input["seed"] = seed;
  input["num_outputs"] = 1;
  input["aspect_ratio"] = NearestAspectRatio(request.width, request.height);
  input["width"] = request.width;
  input["height"] = request.height;
  input["output_format"] = "png";
  json body = json::object();
  CreateCall call;
  if (model.version.empty()) {
    call.path = "/v1/models/" + model.owner + "/" + model.name + "/predictions";
  } else {
    call.path = "/v1/predictions";
    body["version"] = model.version;
  }
  body["input"] = std::move(input);
  // Invalid UTF-8 in a prompt becomes U+FFFD instead of an exception.
  call.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return call;
}

Result<Prediction> ParsePrediction(std::string_view body) {
  const json doc = json::parse(body, nullptr, false);
  if (!doc.is_object()) return Unexpected(Failed("Replicate answered something that is not JSON"));
  Prediction p;
  auto id = doc.find("id");
  if (id == doc.end() || !id->is_string() || !AllOf(id->get<std::string>(), IsIdChar) ||
      id->get<std::string>().size() > 128) {
    return Unexpected(Failed("Replicate's prediction has no usable id"));
  }
  p.id = id->get<std::string>();
  auto status = doc.find("status");
  const std::optional<State> s =
      status != doc.end() && status->is_string() ? StateNamed(status->get<std::string>())
                                                 : std::nullopt;
  if (!s) return Unexpected(Failed("Replicate's prediction has an unknown status"));
  p.state = *s;
  if (p.state == State::kSucceeded) {
    auto output = doc.find("output");
    if (output == doc.end()) return Unexpected(Failed("Replicate's prediction has no output"));
    auto urls = OutputUrls(*output);
    if (!urls) return Unexpected(urls.error());
    p.outputs = std::move(*urls);
  }
  if (auto error = doc.find("error"); error != doc.end() && !error->is_null()) {
    p.error = Shorten(error->is_string() ? error->get<std::string>() : error->dump());
  }
  return p;
}

Error ApiError(long status, std::string_view body, std::string_view what) {
  const std::string where = std::string(what) + ": HTTP " + std::to_string(status);
  const std::string detail = Detail(body);
  const std::string tail = detail.empty() ? "" : ": " + detail;
  if (status == 401 || status == 403) {
    return MakeError(ErrorCode::kUpstreamFailed, "generator_unavailable",
                     "Replicate refused the API token (REPLICATE_API_TOKEN), " + where + tail);
  }
  if (status == 400 || status == 422) {
    return MakeError(ErrorCode::kInvalidArgument, "generator_refused",
                     "Replicate refused the input, " + where + tail);
  }
  if (status == 402 || status == 404 || status >= 500) {
    return MakeError(ErrorCode::kUpstreamFailed, "generator_unavailable",
                     "Replicate is unavailable, " + where + tail);
  }
  return Failed("Replicate answered " + where + tail);
}

std::optional<int64_t> RetryAfterMs(
    const std::vector<std::pair<std::string, std::string>>& headers) {
  for (const auto& [name, value] : headers) {
    if (name != "retry-after") continue;
    if (value.empty() || value.size() > 9) return std::nullopt;
    for (char c : value) {
      if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    }
    return int64_t{std::atoi(value.c_str())} * 1000;
  }
  return std::nullopt;
}

std::string Shorten(std::string_view text, size_t max_bytes) {
  bool cut = false;
  if (text.size() > max_bytes) {
    size_t end = max_bytes;
    // Back up over continuation bytes so a multi-byte character is not split.
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    text = text.substr(0, end);
    cut = true;
  }
  std::string out(text);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  if (cut) out += "...";
  return out;
}

}  // namespace noisett::generate::replicate
