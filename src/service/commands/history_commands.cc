// history.list, history.get, history.delete, history.restore: JSON in, typed call, JSON out.
#include "service/commands/args.h"
#include "service/commands/commands.h"
#include "service/commands/job_json.h"

namespace noisett::service {
namespace {

// The busiest read (every gallery page): written as text, never as a tree, and reused while the
// caller's catalog version and the link bucket stay the same (list_answers.h).
Result<ListText> BuildList(const LinkIssuer& links, const JobLifeDeps& jobs,
                           const CommandContext& ctx, const catalog::PageRequest& page_request) {
  auto page = ListHistory(jobs.catalog, links, ctx.user, page_request);
  if (!page) return Unexpected(page.error());
  constexpr size_t kBytesPerJob = 3072;  // two images with four links each
  JsonWriter out;
  out.Reserve(page->generations.size() * kBytesPerJob + 256);
  out.BeginObject().Key("generations").BeginArray();
  for (const GenerationView& view : page->generations) WriteGeneration(out, view);
  out.EndArray()
      .Member("next_cursor", page->next_cursor)
      .Member("total_count", page->total_count)
      .EndObject();
  return ListText{std::move(out).Take(), page->links_whole};
}

Result<std::string> List(ListAnswers& answers, const LinkIssuer& links, const JobLifeDeps& jobs,
                         const CommandContext& ctx, const CommandInput& in) {
  if (auto ok = OnlyFields(in.args, {"limit", "cursor"}); !ok) return Unexpected(ok.error());
  auto page_request = PageArgs(in.args);
  if (!page_request) return Unexpected(page_request.error());
  return answers.Answer("history", ctx.user, *page_request,
                        [&] { return BuildList(links, jobs, ctx, *page_request); });
}

Result<std::string> Get(const LinkIssuer& links, const JobLifeDeps& jobs, const CommandContext& ctx,
                        const CommandInput& in) {
  auto job_id = JobIdOnly(in.args);
  if (!job_id) return job_id;
  auto view = GetHistory(jobs.catalog, links, ctx.user, *job_id);
  if (!view) return Unexpected(view.error());
  return GenerationText(*view);
}

Result<std::string> Delete(const JobLifeDeps& jobs, const CommandContext& ctx,
                           const CommandInput& in) {
  auto job_id = JobIdOnly(in.args);
  if (!job_id) return job_id;
  auto deleted = DeleteHistory(jobs, ctx.user, *job_id);
  if (!deleted) return Unexpected(deleted.error());
  return DumpJson({{"job_id", deleted->job_id},
                   {"deleted", true},
                   {"restorable_until", IsoTime(deleted->restorable_until)}});
}

Result<std::string> Restore(const LinkIssuer& links, const JobLifeDeps& jobs,
                            const CommandContext& ctx, const CommandInput& in) {
  auto job_id = JobIdOnly(in.args);
  if (!job_id) return job_id;
  auto view = RestoreHistory(jobs, links, ctx.user, *job_id);
  if (!view) return Unexpected(view.error());
  return GenerationText(*view);
}

}  // namespace

void RegisterHistoryCommands(CommandRegistry& registry, const LinkIssuer& links,
                             const JobLifeDeps& jobs, ListAnswers& answers) {
  registry.Register({.name = "history.list",
                     .run = [&](const CommandContext& c, const CommandInput& i) {
                       return List(answers, links, jobs, c, i);
                     }});
  registry.Register({.name = "history.get",
                     .run = [&](const CommandContext& c, const CommandInput& i) {
                       return Get(links, jobs, c, i);
                     }});
  registry.Register(
      {.name = "history.delete",
       .run = [&](const CommandContext& c, const CommandInput& i) { return Delete(jobs, c, i); }});
  registry.Register({.name = "history.restore",
                     .run = [&](const CommandContext& c, const CommandInput& i) {
                       return Restore(links, jobs, c, i);
                     }});
}

}  // namespace noisett::service
