// Generation: generator -> pipeline -> one new job.
#include "service/generate_images.h"

#include <algorithm>
#include <chrono>
#include <future>
#include <random>

#include "core/metric_names.h"
#include "image/pipeline.h"
#include "service/job_store.h"

namespace noisett::service {
namespace {

// The byte limit for a generator's image on its way into the pipeline. Not the upload limit
// (NOISETT_MAX_UPLOAD_BYTES): the noise generator hands over an uncompressed 3 MB PNG, and an
// operator who lowers the upload limit must not break generation. A Replicate output is already
// capped at 10 MiB by its download; the pixel limit still applies to both.
constexpr uint64_t kGeneratedMaxBytes = uint64_t{16} << 20;

// One seed per image: `seed`, seed+1, ... when given, else a random one each.
std::vector<int64_t> Seeds(std::optional<int64_t> first, int64_t count) {
  std::vector<int64_t> seeds;
  std::random_device entropy;
  std::uniform_int_distribution<int64_t> any(0, 0xFFFFFFFFLL);
  for (int64_t i = 0; i < count; ++i) seeds.push_back(first ? *first + i : any(entropy));
  return seeds;
}

// Each generated image through the upload pipeline, side by side (libvips also threads inside
// one image, but the encoders are mostly serial). A generator's bytes are as untrusted as an
// upload's.
Result<std::vector<image::WebImage>> OptimizeAll(const std::vector<generate::GeneratedImage>& in,
                                                 const image::OptimizeOptions& options,
                                                 metrics::Registry& metrics) {
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
  metrics.GetHistogram(metrics::names::kPipelineDuration, metrics::names::kPipelineDurationHelp)
      .ObserveSince(start);
  if (failure) {
    return Unexpected(
        MakeError(ErrorCode::kInternal, "generator_failed",
                  "the generator's image was refused by the pipeline: " + failure->ToString()));
  }
  return out;
}

// The generator's images for `request`, exactly one per seed.
Result<std::vector<generate::GeneratedImage>> RunGenerator(
    const GenerateDeps& deps, const generate::GenerateRequest& request) {
  const auto start = std::chrono::steady_clock::now();
  auto generated = deps.generator->Generate(request);
  deps.store.metrics
      .GetHistogram(metrics::names::kGeneratorDuration, metrics::names::kGeneratorDurationHelp)
      .ObserveSince(start);
  if (!generated) return generated;
  if (generated->size() != request.seeds.size()) {
    return Unexpected(MakeError(ErrorCode::kInternal, "generator_failed",
                                "the generator returned " + std::to_string(generated->size()) +
                                    " images for " + std::to_string(request.seeds.size())));
  }
  return generated;
}

}  // namespace

image::OptimizeOptions GeneratedImageOptions(const image::OptimizeOptions& optimize,
                                             image::Quality quality) {
  image::OptimizeOptions options = optimize;
  options.quality = quality;
  options.limits.max_bytes = std::max<uint64_t>(options.limits.max_bytes, kGeneratedMaxBytes);
  return options;
}

Status GeneratorReady(const GenerateDeps& deps) {
  if (deps.generator != nullptr) return Ok();
  return Unexpected(MakeError(ErrorCode::kUnavailable, "no_generator",
                              "no image generator is configured (NOISETT_GENERATOR)"));
}

Result<GeneratedJob> GenerateImages(const GenerateDeps& deps, const auth::User& caller,
                                    const GenerateImagesRequest& request) {
  if (auto ok = GeneratorReady(deps); !ok) return Unexpected(ok.error());
  generate::GenerateRequest what;
  what.prompt = request.prompt;
  what.asset_type = request.asset_type;
  what.quality = std::string(image::QualityName(request.quality));
  what.model = request.model.value_or(deps.generator->default_model());
  what.seeds = Seeds(request.seed, request.count);
  auto generated = RunGenerator(deps, what);
  if (!generated) return Unexpected(generated.error());

  const UploadDeps& store = deps.store;
  const image::OptimizeOptions options = GeneratedImageOptions(store.optimize, request.quality);
  auto webs = OptimizeAll(*generated, options, store.metrics);
  if (!webs) return Unexpected(webs.error());

  catalog::Generation job =
      NewGeneration(store.job_ids, store.clock,
                    {caller.user_id, what.prompt, what.asset_type, what.quality, what.model});
  std::vector<const image::WebImage*> pointers;
  for (size_t i = 0; i < webs->size(); ++i) {
    job.images.push_back(MakeImageRecord(job, int(i), (*generated)[i].seed, (*webs)[i]));
    pointers.push_back(&(*webs)[i]);
  }
  // An explicit step with side effects: see UploadImage.
  const std::string tier = store.tiers.RecordCallerAndResolveTier(caller);
  const JobBlobOptions blob_options = BlobOptionsFor(tier, options.format);
  if (Status ok = StoreNewJob(store.blobs, store.catalog, job, pointers, blob_options); !ok) {
    return Unexpected(ok.error());
  }
  auto view = ViewWithLinks(store.links, std::move(job));
  if (!view) return Unexpected(view.error());
  return GeneratedJob{std::move(*view), std::string(deps.generator->name())};
}

}  // namespace noisett::service
