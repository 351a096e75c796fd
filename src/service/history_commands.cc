// history.list, history.get, history.delete, history.restore.
#include "service/args.h"
#include "service/job_json.h"
#include "service/job_blobs.h"
#include "service/service.h"

namespace noisett::service {
namespace {

// The busiest read (every gallery page): written as text, never as a tree.
Result<std::string> List(ServiceDeps& deps, const CommandContext& ctx, const CommandInput& in) {
  if (auto ok = OnlyFields(in.args, {"limit", "cursor"}); !ok) return Unexpected(ok.error());
  auto page_request = PageArgs(in.args);
  if (!page_request) return Unexpected(page_request.error());
  auto page = deps.catalog.ListGenerations(ctx.user.user_id, *page_request);
  if (!page) return Unexpected(page.error());
  constexpr size_t kBytesPerJob = 3072;  // two images with four links each
  JsonWriter out;
  out.Reserve(page->items.size() * kBytesPerJob + 256);
  out.BeginObject().Key("generations").BeginArray();
  for (const catalog::Generation& job : page->items) {
    if (auto ok = WriteGeneration(out, deps, job, deps.config.list_link_ttl_s); !ok) {
      return Unexpected(ok.error());
    }
  }
  out.EndArray()
      .Member("next_cursor", page->next_cursor)
      .Member("total_count", page->total_count)
      .EndObject();
  return std::move(out).Take();
}

Result<nlohmann::json> Get(ServiceDeps& deps, const CommandContext& ctx, const CommandInput& in) {
  if (auto ok = OnlyFields(in.args, {"job_id"}); !ok) return Unexpected(ok.error());
  auto job_id = JobIdArg(in.args);
  if (!job_id) return Unexpected(job_id.error());
  auto job = deps.catalog.GetGeneration(ctx.user.user_id, *job_id);
  if (!job) return Unexpected(job.error());
  return GenerationJson(deps, *job, deps.config.list_link_ttl_s);
}

// Soft delete: the row first (the job leaves every list at once), then its blobs.
Result<nlohmann::json> Delete(ServiceDeps& deps, const CommandContext& ctx,
                              const CommandInput& in) {
  if (auto ok = OnlyFields(in.args, {"job_id"}); !ok) return Unexpected(ok.error());
  auto job_id = JobIdArg(in.args);
  if (!job_id) return Unexpected(job_id.error());
  auto job = deps.catalog.GetGeneration(ctx.user.user_id, *job_id);
  if (!job) return Unexpected(job.error());
  const int64_t now = deps.clock.NowSeconds();
  if (auto ok = deps.catalog.SoftDeleteGeneration(ctx.user.user_id, *job_id, now); !ok) {
    return Unexpected(ok.error());
  }
  if (auto ok = DeleteJobBlobs(deps, *job); !ok) return Unexpected(ok.error());
  return nlohmann::json{{"job_id", *job_id},
                        {"deleted", true},
                        {"restorable_until", IsoTime(now + deps.config.soft_delete_days * 86400)}};
}

// Undo inside the window: blobs first, so the job is whole when it reappears in lists.
Result<nlohmann::json> Restore(ServiceDeps& deps, const CommandContext& ctx,
                               const CommandInput& in) {
  if (auto ok = OnlyFields(in.args, {"job_id"}); !ok) return Unexpected(ok.error());
  auto job_id = JobIdArg(in.args);
  if (!job_id) return Unexpected(job_id.error());
  auto job = deps.catalog.GetGeneration(ctx.user.user_id, *job_id, /*include_deleted=*/true);
  if (!job) return Unexpected(job.error());
  if (job->deleted_at) {
    const int64_t window_end = *job->deleted_at + deps.config.soft_delete_days * 86400;
    if (deps.clock.NowSeconds() >= window_end) {
      return Unexpected(MakeError(ErrorCode::kNotFound, "job_not_found",
                                  "the job was deleted more than " +
                                      std::to_string(deps.config.soft_delete_days) +
                                      " days ago and can no longer be restored"));
    }
    if (auto ok = UndeleteJobBlobs(deps, *job); !ok) return Unexpected(ok.error());
    if (auto ok = deps.catalog.RestoreGeneration(ctx.user.user_id, *job_id); !ok) {
      return Unexpected(ok.error());
    }
    job->deleted_at.reset();
  }
  return GenerationJson(deps, *job, deps.config.list_link_ttl_s);
}

}  // namespace

void RegisterHistoryCommands(CommandRegistry& registry, ServiceDeps& deps) {
  registry.Register({"history.list", "your generations, newest first: {limit 1..200, cursor?}",
                     false, false, {},
                     [&deps](const CommandContext& c, const CommandInput& i) { return List(deps, c, i); }});
  registry.Register({"history.get", "one generation with its links: {job_id}", false, false,
                     [&deps](const CommandContext& c, const CommandInput& i) { return Get(deps, c, i); }});
  registry.Register({"history.delete", "soft-delete a generation (restorable): {job_id}", false,
                     false,
                     [&deps](const CommandContext& c, const CommandInput& i) { return Delete(deps, c, i); }});
  registry.Register({"history.restore", "undo a delete inside the window: {job_id}", false, false,
                     [&deps](const CommandContext& c, const CommandInput& i) { return Restore(deps, c, i); }});
}

}  // namespace noisett::service
