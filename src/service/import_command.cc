// images.import: the design document's download_from_url, made safe. The URL is fetched by
// net::SafeFetch under the operator's import policy (no internal addresses, re-checked
// redirects, one 30 s deadline, a 10 MiB cap), then the bytes go through images.upload exactly as
// an uploaded file would: validated, optimized, stored, listed.
#include "net/safe_fetch.h"
#include "service/args.h"
#include "service/service.h"
#include "service/upload.h"

namespace noisett::service {
namespace {

constexpr size_t kMaxUrlLength = 4096;

Result<nlohmann::json> Import(ServiceDeps& deps, const CommandContext& ctx,
                              const CommandInput& in) {
  if (auto ok = OnlyFields(in.args, {"url", "job_id", "prompt", "asset_type", "quality", "model",
                                     "seed"});
      !ok) {
    return Unexpected(ok.error());
  }
  auto url = StringArg(in.args, "url", kMaxUrlLength, std::nullopt);
  if (!url) return Unexpected(url.error());
  // The fetch is the slow, risky part: check the rest of the input before it.
  CommandInput upload{in.args, {}, {}};
  upload.args.erase("url");
  if (!upload.args.contains("asset_type")) upload.args["asset_type"] = "import";
  if (!upload.args.contains("model")) upload.args["model"] = "import";
  if (upload.args.contains("job_id") && !upload.args["job_id"].is_null()) {
    auto job_id = JobIdArg(upload.args);
    if (!job_id) return Unexpected(job_id.error());
  }

  auto fetched = net::SafeFetch(*url, deps.config.import);
  if (!fetched) return Unexpected(fetched.error());
  upload.body = fetched->body;
  auto out = Upload(deps, ctx, upload);
  if (!out) return out;
  (*out)["source"] = {{"url", *url},
                      {"final_url", fetched->final_url},
                      {"redirects", fetched->redirects},
                      {"content_type", fetched->content_type},
                      {"bytes", fetched->body.size()}};
  return out;
}

}  // namespace

void RegisterImportCommands(CommandRegistry& registry, ServiceDeps& deps) {
  registry.Register({"images.import",
                     "Download an image from an http(s) URL (SSRF-safe, 30 s, 10 MiB) and store "
                     "it as images.upload does (url, job_id?, prompt?, ...)",
                     false, false,
                     [&deps](const CommandContext& ctx, const CommandInput& in) {
                       return Import(deps, ctx, in);
                     }});
}

}  // namespace noisett::service
