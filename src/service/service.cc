// Service wiring: each family of commands gets its narrow dependencies.
#include "service/service.h"

#include "service/commands/commands.h"

namespace noisett::service {
namespace {

std::unique_ptr<RenditionWorker> MakeRenditionWorker(const ServiceDeps& deps) {
  if (deps.config.renditions.empty()) return nullptr;
  image::RenditionOptions options;
  options.quality = deps.config.optimize.quality;
  options.limits = deps.config.optimize.limits;
  return std::make_unique<RenditionWorker>(RenditionDeps{
      deps.blobs, deps.catalog, deps.clock, deps.metrics, deps.config.renditions, options});
}

}  // namespace

Service::Service(ServiceDeps deps)
    : deps_(std::move(deps)),
      links_(deps_.links, deps_.config.container, deps_.config.cdn_base, deps_.clock,
             deps_.config.list_link_ttl_s, deps_.config.link_bucket_s),
      list_answers_(deps_.catalog, links_, deps_.config.list_cache_bytes, deps_.metrics),
      tiers_(deps_.catalog, deps_.blobs, deps_.clock, deps_.config.default_tier),
      renditions_(MakeRenditionWorker(deps_)),
      upload_{deps_.blobs,   deps_.catalog,         links_,
              deps_.clock,   deps_.job_ids,         tiers_,
              deps_.metrics, deps_.config.optimize, renditions_.get()},
      generate_{upload_, deps_.generator},
      generation_jobs_{deps_.catalog.jobs(), generate_, job_events_, deps_.config.jobs,
                       [this] {
                         std::function<void()> wake;
                         {
                           std::lock_guard lock(waker_mu_);
                           wake = waker_;
                         }
                         if (wake) wake();
                       }},
      jobs_{deps_.catalog, deps_.blobs, deps_.clock, deps_.config.soft_delete_days,
            renditions_.get()},
      lifecycle_{deps_.blobs,
                 deps_.catalog,
                 deps_.clock,
                 deps_.metrics,
                 deps_.config.policy,
                 deps_.config.container,
                 deps_.config.soft_delete_days,
                 deps_.purge_expired},
      // Metrics count per process; the service starts with it, so this is when counting began.
      cost_{deps_.blobs, deps_.metrics, deps_.config.retention, deps_.clock.NowSeconds()} {
  RegisterHistoryCommands(registry_, links_, jobs_, list_answers_);
  RegisterFavoriteCommands(registry_, deps_.catalog, deps_.clock, links_, list_answers_);
  RegisterUploadCommands(registry_, upload_, deps_.config.import);
  RegisterImageCommands(registry_, deps_.catalog, deps_.blobs, links_);
  RegisterGenerateCommands(registry_, generation_jobs_);
  RegisterLifecycleCommands(registry_, lifecycle_);
  RegisterCostCommands(registry_, cost_);
  RegisterUserCommands(registry_, deps_.catalog, deps_.blobs);
}

Result<std::string> Service::Run(std::string_view command, const auth::User& user,
                                 const CommandInput& input) const {
  return registry_.Run(command, CommandContext{user}, input);
}

void Service::SetJobWaker(std::function<void()> wake) {
  std::lock_guard lock(waker_mu_);
  waker_ = std::move(wake);
}

Status Service::CheckReady() const {
  if (auto ok = deps_.blobs.CheckReady(); !ok) return ok;
  return deps_.catalog.CheckReady();
}

}  // namespace noisett::service
