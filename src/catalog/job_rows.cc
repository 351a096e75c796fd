// Job row texts and rules; see job_rows.h. Pure functions: no database here.
#include "catalog/job_rows.h"

#include <charconv>

#include "catalog/catalog_errors.h"
#include "core/json_writer.h"
#include "core/percent_encoding.h"

namespace noisett::catalog {
namespace {

Error BadRow(std::string_view column) {
  return MakeError(ErrorCode::kInternal, "bad_job_row",
                   "a jobs row holds an unreadable " + std::string(column));
}

// `text` split at every ','; "" is one empty entry.
std::vector<std::string_view> SplitCommas(std::string_view text) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    const size_t comma = text.find(',', start);
    parts.push_back(text.substr(start, comma - start));
    if (comma == std::string_view::npos) return parts;
    start = comma + 1;
  }
}

Result<std::vector<int64_t>> DecodeSeeds(std::string_view text) {
  std::vector<int64_t> seeds;
  for (std::string_view part : SplitCommas(text)) {
    int64_t seed = 0;
    const auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), seed);
    if (ec != std::errc() || end != part.data() + part.size()) return Unexpected(BadRow("seeds"));
    seeds.push_back(seed);
  }
  return seeds;
}

}  // namespace

std::string EncodeSeeds(const std::vector<int64_t>& seeds) {
  std::string text;
  for (size_t i = 0; i < seeds.size(); ++i) {
    if (i > 0) text += ',';
    text += std::to_string(seeds[i]);
  }
  return text;
}

std::string EncodePredictions(const std::vector<std::string>& predictions) {
  std::string text;
  for (size_t i = 0; i < predictions.size(); ++i) {
    if (i > 0) text += ',';
    AppendPercentEncoded(text, predictions[i], PercentKeep::kUnreserved);
  }
  return text;
}

std::string GeneratorsJson(const std::vector<std::string>& generators) {
  JsonWriter json;
  json.BeginArray();
  for (const std::string& generator : generators) json.Value(generator);
  json.EndArray();
  return std::move(json).Take();
}

Status DecodeJobText(std::string_view seeds, std::string_view status, std::string_view predictions,
                     JobRecord& job) {
  auto decoded_seeds = DecodeSeeds(seeds);
  if (!decoded_seeds) return Unexpected(decoded_seeds.error());
  job.seeds = std::move(*decoded_seeds);
  std::optional<JobStatus> parsed = ParseJobStatus(status);
  if (!parsed) return Unexpected(BadRow("status"));
  job.status = *parsed;
  job.predictions.clear();
  for (std::string_view part : SplitCommas(predictions)) {
    auto id = PercentDecode(part);
    if (!id) return Unexpected(BadRow("predictions"));
    job.predictions.push_back(std::move(*id));
  }
  if (job.predictions.size() != job.seeds.size()) return Unexpected(BadRow("predictions"));
  return Ok();
}

Generation JobGeneration(const JobRecord& job) {
  Generation g;
  g.job_id = job.job_id;
  g.user_id = job.user_id;
  g.prompt = job.prompt;
  g.asset_type = job.asset_type;
  g.quality = job.quality;
  g.model = job.model;
  g.created_at = job.created_at_ms / 1000;
  return g;
}

Status RequireLease(const JobRecord& job, std::string_view instance) {
  if (job.status == JobStatus::kRunning && !instance.empty() && job.lease_owner == instance) {
    return Ok();
  }
  return Unexpected(LeaseLost());
}

Status SetPrediction(JobRecord& job, int index, std::string_view prediction_id) {
  if (index < 0 || static_cast<size_t>(index) >= job.predictions.size()) {
    return Unexpected(BadJob("image index " + std::to_string(index) + " is outside the job's " +
                             std::to_string(job.predictions.size()) + " images"));
  }
  job.predictions[static_cast<size_t>(index)] = std::string(prediction_id);
  return Ok();
}

}  // namespace noisett::catalog
