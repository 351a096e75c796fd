// generate: the configured generator makes the images, each goes through the upload pipeline
// (validate -> optimize -> thumbnail), and all of them are stored as one new job. A failure at any
// step stores nothing.
#include <algorithm>
#include <chrono>
#include <future>
#include <random>

#include "core/metric_names.h"
#include "core/metrics.h"
#include "image/pipeline.h"
#include "service/args.h"
#include "service/job_json.h"
#include "service/job_metadata.h"
#include "service/job_store.h"
#include "service/service.h"

namespace noisett::service {
namespace {

constexpr size_t kMaxPromptChars = 2000;
// The byte limit for a generator's image on its way into the pipeline. Not the upload limit
// (NOISETT_MAX_UPLOAD_BYTES): the noise generator hands over an uncompressed 3 MB PNG, and an
// operator who lowers the upload limit must not break generation. A Replicate output is already
// capped at 10 MiB by its download; the pixel limit still applies to both.
constexpr uint64_t kGeneratedMaxBytes = uint64_t{16} << 20;
// Seeds stay below 2^53 so a browser's JSON numbers carry them exactly.
constexpr int64_t kMaxSeed = (int64_t{1} << 53) - 1;

Error BadInput(std::string message) {
  return MakeError(ErrorCode::kInvalidArgument, "bad_input", std::move(message));
}

// Characters, not bytes: the JSON parser has already refused invalid UTF-8.
size_t Utf8Length(std::string_view text) {
  size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80;
  return n;
}

struct GenerateArgs {
  generate::GenerateRequest request;
  image::Quality quality = image::Quality::kMedium;
};

Result<std::string> PromptArg(const nlohmann::json& args) {
  auto prompt = StringArg(args, "prompt", 4 * kMaxPromptChars, std::nullopt);
  if (!prompt) return prompt;
  if (prompt->find_first_not_of(" \t\r\n") == std::string::npos) {
    return Unexpected(BadInput("'prompt' must not be empty"));
  }
  if (Utf8Length(*prompt) > kMaxPromptChars) {
    return Unexpected(BadInput("'prompt' is longer than 2000 characters"));
  }
  return prompt;
}

// One seed per image: `seed`, seed+1, ... when given, else a random one each.
std::vector<int64_t> Seeds(std::optional<int64_t> first, int64_t count) {
  std::vector<int64_t> seeds;
  std::random_device entropy;
  std::uniform_int_distribution<int64_t> any(0, 0xFFFFFFFFLL);
  for (int64_t i = 0; i < count; ++i) seeds.push_back(first ? *first + i : any(entropy));
  return seeds;
}

Result<GenerateArgs> ReadArgs(const ServiceDeps& deps, const nlohmann::json& args) {
  if (auto ok = OnlyFields(args, {"prompt", "asset_type", "quality", "model", "count", "seed"});
      !ok) {
    return Unexpected(ok.error());
  }
  GenerateArgs a;
  auto prompt = PromptArg(args);
  if (!prompt) return Unexpected(prompt.error());
  auto asset_type = StringArg(args, "asset_type", 64, "standard");
  if (!asset_type) return Unexpected(asset_type.error());
  auto quality_name = StringArg(args, "quality", 16,
                                std::string(image::QualityName(deps.config.optimize.quality)));
  if (!quality_name) return Unexpected(quality_name.error());
  auto quality = image::ParseQuality(*quality_name);
  if (!quality) return Unexpected(BadInput("'quality' must be high, medium or low"));
  auto model = StringArg(args, "model", 64, deps.generator->default_model());
  if (!model) return Unexpected(model.error());
  auto count = IntArg(args, "count", 1, catalog::kMaxImagesPerJob, 2);
  if (!count) return Unexpected(count.error());
  std::optional<int64_t> seed;
  if (args.contains("seed") && !args["seed"].is_null()) {
    auto given = IntArg(args, "seed", 0, kMaxSeed - catalog::kMaxImagesPerJob, std::nullopt);
    if (!given) return Unexpected(given.error());
    seed = *given;
  }
  a.request.prompt = std::move(*prompt);
  a.request.asset_type = std::move(*asset_type);
  a.request.quality = std::string(image::QualityName(*quality));
  a.request.model = std::move(*model);
  a.request.seeds = Seeds(seed, *count);
  a.quality = *quality;
  return a;
}

// Each generated image through the upload pipeline, side by side (libvips also threads inside
// one image, but the encoders are mostly serial). A generator's bytes are as untrusted as an
// upload's.
Result<std::vector<image::WebImage>> OptimizeAll(const std::vector<generate::GeneratedImage>& in,
                                                 const image::OptimizeOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::future<Result<image::WebImage>>> pending;
  for (const auto& generated : in) {
    pending.push_back(std::async(std::launch::async, [&generated, &options] {
      return image::OptimizeForWeb(image::AsBytes(generated.bytes), options);
    }));
  }
  std::vector<image::WebImage> out;
  std::optional<Error> failure;
  for (auto& f : pending) {
    auto web = f.get();
    if (!web && !failure) failure = web.error();
    if (web) out.push_back(std::move(*web));
  }
  metrics::Global()
      .GetHistogram(metrics::names::kPipelineDuration, metrics::names::kPipelineDurationHelp)
      .ObserveSince(start);
  if (failure) {
    return Unexpected(MakeError(ErrorCode::kInternal, "generator_failed",
                                "the generator's image was refused by the pipeline: " +
                                    failure->ToString()));
  }
  return out;
}

Result<nlohmann::json> Generate(ServiceDeps& deps, const CommandContext& ctx,
                                const CommandInput& in) {
  if (deps.generator == nullptr) {
    return Unexpected(MakeError(ErrorCode::kUnavailable, "no_generator",
                                "no image generator is configured (NOISETT_GENERATOR)"));
  }
  auto args = ReadArgs(deps, in.args);
  if (!args) return Unexpected(args.error());
  const auto generator_start = std::chrono::steady_clock::now();
  auto generated = deps.generator->Generate(args->request);
  metrics::Global()
      .GetHistogram(metrics::names::kGeneratorDuration, metrics::names::kGeneratorDurationHelp)
      .ObserveSince(generator_start);
  if (!generated) return Unexpected(generated.error());
  if (generated->size() != args->request.seeds.size()) {
    return Unexpected(MakeError(ErrorCode::kInternal, "generator_failed",
                                "the generator returned " + std::to_string(generated->size()) +
                                    " images for " +
                                    std::to_string(args->request.seeds.size())));
  }
  image::OptimizeOptions options = deps.config.optimize;
  options.quality = args->quality;
  options.limits.max_bytes = std::max<uint64_t>(options.limits.max_bytes, kGeneratedMaxBytes);
  auto webs = OptimizeAll(*generated, options);
  if (!webs) return Unexpected(webs.error());

  catalog::Generation job = NewGeneration(
      ctx.user.user_id, args->request.prompt, args->request.asset_type, args->request.quality,
      args->request.model, deps.clock.NowSeconds());
  std::vector<const image::WebImage*> pointers;
  for (size_t i = 0; i < webs->size(); ++i) {
    job.images.push_back(MakeImageRecord(job, int(i), (*generated)[i].seed, (*webs)[i]));
    pointers.push_back(&(*webs)[i]);
  }
  const JobBlobOptions blob_options = BlobOptionsFor(deps, ctx.user, options.format);
  if (Status ok = StoreNewJob(deps, job, pointers, blob_options); !ok) {
    return Unexpected(ok.error());
  }
  auto out = GenerationJson(deps, job, deps.config.list_link_ttl_s);
  if (!out) return out;
  (*out)["generator"] = std::string(deps.generator->name());
  (*out)["metadata"] = nlohmann::json::parse(MetadataJson(job));
  return out;
}

}  // namespace

void RegisterGenerateCommands(CommandRegistry& registry, ServiceDeps& deps) {
  registry.Register({"generate",
                     "Generate images from a prompt (prompt, count 1..8, quality, asset_type, "
                     "model, seed) and store them as one job",
                     false, false,
                     [&deps](const CommandContext& ctx, const CommandInput& in) {
                       return Generate(deps, ctx, in);
                     }});
}

}  // namespace noisett::service
