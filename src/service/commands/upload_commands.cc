// images.upload and images.import: JSON in, typed call, JSON out.
#include "image/metadata_json.h"
#include "service/commands/args.h"
#include "service/commands/commands.h"
#include "service/commands/job_json.h"
#include "service/import.h"

namespace noisett::service {
namespace {

constexpr size_t kMaxUrlLength = 4096;

// What an image is stored as, from {job_id?, prompt?, asset_type?, quality?, model?, seed?}.
// `asset_type` and `model` default to `default_kind` ("upload", "import").
Result<UploadRequest> ReadUpload(const nlohmann::json& args, std::string_view asset_default,
                                 std::string_view model_default) {
  UploadRequest request;
  if (args.contains("job_id") && !args["job_id"].is_null()) {
    auto id = JobIdArg(args);
    if (!id) return Unexpected(id.error());
    request.job_id = *id;
  }
  auto prompt = StringArg(args, "prompt", 4000, "");
  auto asset_type = StringArg(args, "asset_type", 64, std::string(asset_default));
  auto quality = StringArg(args, "quality", 32, std::optional<std::string>(""));
  auto model = StringArg(args, "model", 64, std::string(model_default));
  auto seed = IntArg(args, "seed", 0, INT64_MAX, 0);
  for (const Error* e :
       {prompt ? nullptr : &prompt.error(), asset_type ? nullptr : &asset_type.error(),
        quality ? nullptr : &quality.error(), model ? nullptr : &model.error(),
        seed ? nullptr : &seed.error()}) {
    if (e != nullptr) return Unexpected(*e);
  }
  request.prompt = std::move(*prompt);
  request.asset_type = std::move(*asset_type);
  // Absent (or null): the configured quality, which UploadImage fills in.
  if (auto it = args.find("quality"); it != args.end() && !it->is_null()) {
    request.quality = std::move(*quality);
  }
  request.model = std::move(*model);
  request.seed = *seed;
  return request;
}

// The pipeline's metadata (sizes, ratio, dimensions, formats) plus where the image went.
nlohmann::json StoredJson(const StoredImage& stored) {
  nlohmann::json out = image::ToJson(stored.metadata);
  out["job_id"] = stored.job_id;
  out["image_index"] = stored.record.index;
  out["new_job"] = stored.new_job;
  out["image"] = ImageJson(stored.record, stored.links);
  return out;
}

Result<std::string> Upload(const UploadDeps& deps, const CommandContext& ctx,
                           const CommandInput& in) {
  if (auto ok = OnlyFields(in.args, {"job_id", "prompt", "asset_type", "quality", "model", "seed"});
      !ok) {
    return Unexpected(ok.error());
  }
  auto request = ReadUpload(in.args, "upload", "upload");
  if (!request) return Unexpected(request.error());
  request->image = in.body;
  auto stored = UploadImage(deps, ctx.user, *request);
  if (!stored) return Unexpected(stored.error());
  return DumpJson(StoredJson(*stored));
}

Result<std::string> Import(const UploadDeps& deps, const net::ImportPolicy& policy,
                           const CommandContext& ctx, const CommandInput& in) {
  if (auto ok = OnlyFields(in.args,
                           {"url", "job_id", "prompt", "asset_type", "quality", "model", "seed"});
      !ok) {
    return Unexpected(ok.error());
  }
  auto url = StringArg(in.args, "url", kMaxUrlLength, std::nullopt);
  if (!url) return Unexpected(url.error());
  // An explicit asset_type or model (even null) is read as an upload's would be.
  auto upload = ReadUpload(in.args, in.args.contains("asset_type") ? "upload" : "import",
                           in.args.contains("model") ? "upload" : "import");
  if (!upload) return Unexpected(upload.error());
  auto imported = ImportImage(deps, policy, ctx.user, {std::move(*url), std::move(*upload)});
  if (!imported) return Unexpected(imported.error());
  nlohmann::json out = StoredJson(imported->stored);
  out["source"] = {{"url", imported->url},
                   {"final_url", imported->source.final_url},
                   {"redirects", imported->source.redirects},
                   {"content_type", imported->source.content_type},
                   {"bytes", imported->bytes}};
  return DumpJson(out);
}

}  // namespace

void RegisterUploadCommands(CommandRegistry& registry, const UploadDeps& upload,
                            const net::ImportPolicy& import) {
  registry.Register({.name = "images.upload",
                     .takes_body = true,
                     .run = [&upload](const CommandContext& c, const CommandInput& i) {
                       return Upload(upload, c, i);
                     }});
  registry.Register({.name = "images.import",
                     .run = [&upload, &import](const CommandContext& c, const CommandInput& i) {
                       return Import(upload, import, c, i);
                     }});
}

}  // namespace noisett::service
