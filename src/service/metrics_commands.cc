// storage.metrics: the design document's get_storage_metrics, from the catalog's totals.
#include <cmath>

#include "service/args.h"
#include "service/service.h"

namespace noisett::service {
namespace {

constexpr double kMiB = 1024.0 * 1024.0;

double Mb2(double bytes) { return std::round(bytes / kMiB * 100.0) / 100.0; }

Result<nlohmann::json> Metrics(ServiceDeps& deps, const CommandContext& ctx,
                               const CommandInput& in) {
  if (auto ok = OnlyFields(in.args, {}); !ok) return Unexpected(ok.error());
  auto totals = deps.catalog.Totals(ctx.user.user_id);
  if (!totals) return Unexpected(totals.error());
  const double avg = totals->total_images > 0
                         ? double(totals->total_bytes) / double(totals->total_images)
                         : 0.0;
  return nlohmann::json{{"total_images", totals->total_images},
                        {"total_size_mb", Mb2(double(totals->total_bytes))},
                        {"avg_image_size_mb", Mb2(avg)},
                        {"total_thumbnails", totals->total_thumbnails},
                        {"thumbnail_size_mb", Mb2(double(totals->thumbnail_bytes))},
                        {"total_bytes", totals->total_bytes},
                        {"thumbnail_bytes", totals->thumbnail_bytes}};
}

}  // namespace

void RegisterMetricsCommands(CommandRegistry& registry, ServiceDeps& deps) {
  registry.Register({"storage.metrics",
                     "your storage use: total_images, total_size_mb (MiB), avg_image_size_mb, "
                     "total_thumbnails, thumbnail_size_mb",
                     false, false, [&deps](const CommandContext& c, const CommandInput& i) {
                       return Metrics(deps, c, i);
                     }});
}

}  // namespace noisett::service
