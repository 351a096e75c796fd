// generate: JSON in, typed call, JSON out.
#include "service/commands/args.h"
#include "service/commands/commands.h"
#include "service/commands/job_json.h"
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
  if (auto ok = OnlyFields(args, {"prompt", "asset_type", "quality", "model", "count", "seed"});
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
  auto quality = image::ParseQuality(*quality_name);
  if (!quality) return Unexpected(BadInput("'quality' must be high, medium or low"));
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

Result<std::string> Generate(const GenerateDeps& deps, const CommandContext& ctx,
                             const CommandInput& in) {
  // No generator is a set-up fact: said before anything about the input.
  if (auto ok = GeneratorReady(deps); !ok) return Unexpected(ok.error());
  auto request = ReadGenerate(deps.store.optimize, in.args);
  if (!request) return Unexpected(request.error());
  auto generated = GenerateImages(deps, ctx.user, *request);
  if (!generated) return Unexpected(generated.error());
  nlohmann::json out = GenerationJson(generated->view);
  out["generator"] = generated->generator;
  out["metadata"] = nlohmann::json::parse(MetadataJson(generated->view.job));
  return DumpJson(out);
}

}  // namespace

void RegisterGenerateCommands(CommandRegistry& registry, const GenerateDeps& generate) {
  registry.Register({.name = "generate",
                     .summary = "Generate images from a prompt (prompt, count 1..8, quality, "
                                "asset_type, model, seed) and store them as one job",
                     .run = [&generate](const CommandContext& c, const CommandInput& i) {
                       return Generate(generate, c, i);
                     }});
}

}  // namespace noisett::service
