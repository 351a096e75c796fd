// lifecycle.run, lifecycle.export, images.rehydrate.
#include "lifecycle/policy.h"
#include "service/args.h"
#include "service/lifecycle_observer.h"
#include "service/lifecycle_run.h"
#include "service/service.h"

namespace noisett::service {
namespace {

Result<nlohmann::json> Run(ServiceDeps& deps, const CommandInput& in) {
  if (auto ok = OnlyFields(in.args, {"dry_run"}); !ok) return Unexpected(ok.error());
  auto dry_run = BoolArg(in.args, "dry_run", false);
  if (!dry_run) return Unexpected(dry_run.error());
  auto summary = RunLifecycle(deps, *dry_run, in.progress);
  if (!summary) return Unexpected(summary.error());
  return SweepSummaryJson(*summary);
}

Result<nlohmann::json> Export(ServiceDeps& deps, const CommandInput& in) {
  if (auto ok = OnlyFields(in.args, {}); !ok) return Unexpected(ok.error());
  return nlohmann::json::parse(lifecycle::SerializePolicy(deps.config.policy));
}

// Sets an archived blob back to hot; a blob already online (or already on its way back) is left
// alone. Answers the blob's properties afterwards.
Result<storage::BlobProperties> BringOnline(ServiceDeps& deps, const std::string& path) {
  auto props = deps.blobs.GetProperties(path);
  if (!props) return props;
  if (props->tier != storage::AccessTier::kArchive || !props->archive_status.empty()) {
    return props;
  }
  if (auto ok = deps.blobs.SetTier(path, storage::AccessTier::kHot,
                                   storage::RehydratePriority::kHigh);
      !ok) {
    return Unexpected(ok.error());
  }
  return deps.blobs.GetProperties(path);
}

// The caller's own image back from archive: at once on the local store; on Azure a High-priority
// rehydration (under an hour for small blobs), during which the image stays archived.
Result<nlohmann::json> Rehydrate(ServiceDeps& deps, const CommandContext& ctx,
                                 const CommandInput& in) {
  if (auto ok = OnlyFields(in.args, {"job_id", "image_index"}); !ok) {
    return Unexpected(ok.error());
  }
  auto job_id = JobIdArg(in.args);
  if (!job_id) return Unexpected(job_id.error());
  auto index = IntArg(in.args, "image_index", 0, catalog::kMaxImagesPerJob - 1, std::nullopt);
  if (!index) return Unexpected(index.error());
  auto job = deps.catalog.GetGeneration(ctx.user.user_id, *job_id);
  if (!job) return Unexpected(job.error());
  const catalog::ImageRecord* image = nullptr;
  for (const catalog::ImageRecord& r : job->images) {
    if (r.index == *index) image = &r;
  }
  if (image == nullptr) {
    return Unexpected(MakeError(ErrorCode::kNotFound, "image_not_found",
                                "the job has no image with this index"));
  }
  auto props = BringOnline(deps, image->blob_path);
  if (!props) return Unexpected(props.error());
  if (auto thumb = BringOnline(deps, image->thumbnail_path);
      !thumb && thumb.error().code != ErrorCode::kNotFound) {
    return Unexpected(thumb.error());
  }
  const std::string tier = CatalogTierName(props->tier);
  if (tier != image->access_tier) {
    if (auto ok = deps.catalog.SetImageTier(ctx.user.user_id, *job_id, *index, tier); !ok) {
      return Unexpected(ok.error());
    }
  }
  nlohmann::json out = {{"job_id", *job_id},
                        {"image_index", *index},
                        {"access_tier", tier},
                        {"rehydrating", !props->archive_status.empty()}};
  if (!props->archive_status.empty()) out["archive_status"] = props->archive_status;
  return out;
}

}  // namespace

void RegisterLifecycleCommands(CommandRegistry& registry, ServiceDeps& deps) {
  registry.Register({"lifecycle.run",
                     "apply the lifecycle policy to the local store now (tiers, retention, "
                     "purge): {dry_run?}",
                     true, false, [&deps](const CommandContext&, const CommandInput& i) {
                       return Run(deps, i);
                     }});
  registry.Register({"lifecycle.export",
                     "the lifecycle policy as Azure management-policy JSON: {}", true, false,
                     [&deps](const CommandContext&, const CommandInput& i) {
                       return Export(deps, i);
                     }});
  registry.Register({"images.rehydrate",
                     "bring an archived image back to the hot tier: {job_id, image_index}", false,
                     false, [&deps](const CommandContext& c, const CommandInput& i) {
                       return Rehydrate(deps, c, i);
                     }});
}

}  // namespace noisett::service
