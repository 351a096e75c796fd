// generate: JSON in, typed call, JSON out.
#include "service/commands/args.h"
#include "service/commands/commands.h"
#include "service/commands/job_json.h"
#include "service/job_labels.h"
#include "service/job_metadata.h"

namespace noisett::service {
namespace {

Error BadInput(std::string message) {
  return MakeError(ErrorCode::kInvalidArgument, "bad_input", std::move(message));
}

// Characters, not bytes: the JSON parser has already refused invalid UTF-8.
size_t Utf8Length(std::string_view text) {
  size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80;
  return n;
}

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

Result<GenerateImagesRequest> ReadGenerate(const image::OptimizeOptions& optimize,
                                           const nlohmann::json& args) {
  if (auto ok = OnlyFields(args, {"prompt", "asset_type", "quality", "model", "count", "seed",
                                  "wait"});
      !ok) {
    return Unexpected(ok.error());
  }
  GenerateImagesRequest request;
  auto prompt = PromptArg(args);
  if (!prompt) return Unexpected(prompt.error());
  auto asset_type = StringArg(args, "asset_type", 64, "standard");
  if (!asset_type) return Unexpected(asset_type.error());
  auto quality_name =
      StringArg(args, "quality", 16, std::string(image::QualityName(optimize.quality)));
  if (!quality_name) return Unexpected(quality_name.error());
  auto quality = ParseQualityLabel(*quality_name);
  if (!quality) return Unexpected(quality.error());
  if (auto it = args.find("model"); it != args.end() && !it->is_null()) {
    auto model = StringArg(args, "model", 64, std::nullopt);
    if (!model) return Unexpected(model.error());
    request.model = std::move(*model);
  }
  auto count = IntArg(args, "count", 1, catalog::kMaxImagesPerJob, 2);
  if (!count) return Unexpected(count.error());
  if (args.contains("seed") && !args["seed"].is_null()) {
    auto given = IntArg(args, "seed", 0, kMaxSeed - catalog::kMaxImagesPerJob, std::nullopt);
    if (!given) return Unexpected(given.error());
    request.seed = *given;
  }
  request.prompt = std::move(*prompt);
  request.asset_type = std::move(*asset_type);
  request.quality = *quality;
  request.count = int(*count);
  return request;
}

// The error a failed or canceled job answers a waiting caller with: the code its reason had
// when generate answered synchronously.
Error JobError(const catalog::JobRecord& job) {
  if (job.status == catalog::JobStatus::kCanceled) {
    return MakeError(ErrorCode::kConflict, "job_canceled",
                     "the job was canceled" +
                         (job.error_message.empty() ? "" : ": " + job.error_message));
  }
  const std::string& reason = job.error_code;
  const ErrorCode code = reason == "no_generator" ? ErrorCode::kUnavailable
                                                  : generate::GeneratorErrorCode(reason);
  return MakeError(code, reason.empty() ? "generator_failed" : reason, job.error_message);
}

// A finished job's answer as generate gave it before jobs existed: the stored job with its
// links, the generator's name and metadata.json's content; a failed or canceled job's error.
// A job still running answers its status (what the 202 says).
Result<std::string> ResultAnswer(const JobsDeps& deps, const CommandContext& ctx,
                                 const JobView& job) {
  if (!catalog::IsFinished(job.job.status)) return JobText(job);
  if (job.job.status != catalog::JobStatus::kSucceeded) return Unexpected(JobError(job.job));
  const UploadDeps& store = deps.generate.store;
  auto row = store.catalog.GetGeneration(ctx.user.user_id, job.job.job_id);
  if (!row) return Unexpected(row.error());
  auto view = ViewWithLinks(store.links, std::move(*row));
  if (!view) return Unexpected(view.error());
  nlohmann::json out = GenerationJson(*view);
  out["generator"] = job.job.generator;
  out["metadata"] = nlohmann::json::parse(MetadataJson(view->job));
  return DumpJson(out);
}

// "wait": true: the answer above once the job has finished, or at the wait limit.
Result<std::string> WaitedAnswer(const JobsDeps& deps, const CommandContext& ctx,
                                 const JobView& queued) {
  auto done = WaitForJob(deps, ctx.user, queued.job.job_id, deps.config.wait_limit_ms);
  if (!done) return Unexpected(done.error());
  return ResultAnswer(deps, ctx, *done);
}

Result<std::string> Generate(const JobsDeps& deps, const CommandContext& ctx,
                             const CommandInput& in) {
  // No generator is a set-up fact: said before anything about the input.
  if (auto ok = GeneratorReady(deps.generate); !ok) return Unexpected(ok.error());
  auto request = ReadGenerate(deps.generate.store.optimize, in.args);
  if (!request) return Unexpected(request.error());
  auto wait = BoolArg(in.args, "wait", false);
  if (!wait) return Unexpected(wait.error());
  auto queued = SubmitGenerationJob(deps, ctx.user, *request);
  if (!queued) return Unexpected(queued.error());
  if (*wait) return WaitedAnswer(deps, ctx, *queued);
  return JobText(*queued);
}

Result<std::string> GetJob(const JobsDeps& deps, const CommandContext& ctx,
                           const CommandInput& in) {
  auto job_id = JobIdOnly(in.args);
  if (!job_id) return job_id;
  auto view = GetJobView(deps, ctx.user, *job_id);
  if (!view) return Unexpected(view.error());
  return JobText(*view);
}

Result<std::string> Cancel(const JobsDeps& deps, const CommandContext& ctx,
                           const CommandInput& in) {
  auto job_id = JobIdOnly(in.args);
  if (!job_id) return job_id;
  auto view = CancelJob(deps, ctx.user, *job_id);
  if (!view) return Unexpected(view.error());
  return JobText(*view);
}

Result<std::string> JobResult(const JobsDeps& deps, const CommandContext& ctx,
                              const CommandInput& in) {
  auto job_id = JobIdOnly(in.args);
  if (!job_id) return job_id;
  auto view = GetJobView(deps, ctx.user, *job_id);
  if (!view) return Unexpected(view.error());
  return ResultAnswer(deps, ctx, *view);
}

}  // namespace

void RegisterGenerateCommands(CommandRegistry& registry, const JobsDeps& jobs) {
  registry.Register({.name = "generate",
                     .run = [&jobs](const CommandContext& c, const CommandInput& i) {
                       return Generate(jobs, c, i);
                     }});
  registry.Register({.name = "jobs.get",
                     .run = [&jobs](const CommandContext& c, const CommandInput& i) {
                       return GetJob(jobs, c, i);
                     }});
  registry.Register({.name = "jobs.result",
                     .run = [&jobs](const CommandContext& c, const CommandInput& i) {
                       return JobResult(jobs, c, i);
                     }});
  registry.Register({.name = "jobs.cancel",
                     .run = [&jobs](const CommandContext& c, const CommandInput& i) {
                       return Cancel(jobs, c, i);
                     }});
}

}  // namespace noisett::service
