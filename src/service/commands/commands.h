// The JSON doors of the typed operations: one thin adapter per command (read the arguments into
// the operation's request, call it, write its answer) and their registration. Each family gets
// only the dependencies its operations use.
#pragma once

#include "core/clock.h"
#include "lifecycle/policy.h"
#include "net/safe_fetch.h"
#include "service/command.h"
#include "service/cost_report.h"
#include "service/generate_images.h"
#include "service/generation_jobs.h"
#include "service/history.h"
#include "service/lifecycle_run.h"
#include "service/list_answers.h"
#include "service/upload.h"

namespace noisett::service {

// history.list (its answers reused through `answers`), history.get, history.delete,
// history.restore.
void RegisterHistoryCommands(CommandRegistry& registry, const LinkIssuer& links,
                             const JobLifeDeps& jobs, ListAnswers& answers);
// history.favorite, history.unfavorite, favorites.list (reused through `answers`).
void RegisterFavoriteCommands(CommandRegistry& registry, catalog::Catalog& catalog,
                              const Clock& clock, const LinkIssuer& links, ListAnswers& answers);
// images.upload, images.import.
void RegisterUploadCommands(CommandRegistry& registry, const UploadDeps& upload,
                            const net::ImportPolicy& import);
// images.url, images.list, images.rehydrate, storage.metrics.
void RegisterImageCommands(CommandRegistry& registry, catalog::Catalog& catalog,
                           storage::BlobStore& blobs, const LinkIssuer& links);
// generate, jobs.get, jobs.cancel.
void RegisterGenerateCommands(CommandRegistry& registry, const JobsDeps& jobs);
// lifecycle.run, lifecycle.export (administrators).
void RegisterLifecycleCommands(CommandRegistry& registry, const LifecycleDeps& lifecycle);
// cost.estimate (administrators).
void RegisterCostCommands(CommandRegistry& registry, const CostDeps& cost);
// users.set_tier (administrators).
void RegisterUserCommands(CommandRegistry& registry, catalog::Catalog& catalog,
                          storage::BlobStore& blobs);

// {dry_run, scanned, actions:{name:{count,bytes}}, tiers:{Hot:{count,bytes},...}, errors:[...]}
nlohmann::json SweepSummaryJson(const lifecycle::SweepSummary& summary);

}  // namespace noisett::service
