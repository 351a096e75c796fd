// Batch optimisation: a fixed pool of `jobs` workers pulls file indexes from an atomic counter;
// results are printed in input order as soon as every earlier file is done, so the output is the
// same whatever the number of jobs.
#include "cli/optimize_command.h"

#include <array>
#include <atomic>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "app/file_io.h"
#include "cli/progress.h"
#include "image/format_sniff.h"
#include "image/metadata_json.h"
#include "image/pipeline.h"

namespace noisett::cli {

using app::ReadFileCapped;
using app::WriteFileAtomic;
namespace {

namespace fs = std::filesystem;

struct FileResult {
  nlohmann::json line;
  std::string error_text;  // empty on success
};

// Output names per input: NAME.ext and thumb_NAME.ext.
std::array<std::string, 2> OutputNames(const fs::path& file, image::OutputFormat format) {
  const std::string name = file.stem().string() + "." + std::string(image::FileExtension(format));
  return {name, "thumb_" + name};
}

Result<nlohmann::json> OptimizeOne(const fs::path& file, const fs::path& out_dir,
                                   const image::OptimizeOptions& options) {
  auto bytes = ReadFileCapped(file, options.limits.max_bytes);
  if (!bytes) return Unexpected(bytes.error());
  if (bytes->size() > options.limits.max_bytes) {
    // Only max_bytes + 1 were read: report the file's real size.
    std::error_code ec;
    const uint64_t size = fs::file_size(file, ec);
    return Unexpected(image::CheckByteSize(ec ? bytes->size() : size, options.limits).error());
  }
  auto web = image::OptimizeForWeb(image::AsBytes(*bytes), options);
  if (!web) return Unexpected(web.error());
  const auto names = OutputNames(file, options.format);
  const fs::path full_path = out_dir / names[0];
  const fs::path thumb_path = out_dir / names[1];
  for (const fs::path& out : {full_path, thumb_path}) {
    std::error_code ec;
    if (fs::equivalent(file, out, ec)) {
      return Unexpected(MakeError(ErrorCode::kConflict, "name_clash",
                                  "its output " + out.string() + " would overwrite the input"));
    }
  }
  if (auto ok = WriteFileAtomic(full_path, web->optimized.bytes); !ok) return Unexpected(ok.error());
  if (auto ok = WriteFileAtomic(thumb_path, web->thumbnail.bytes); !ok) return Unexpected(ok.error());
  nlohmann::json line = image::ToJson(web->metadata);
  line["output"] = full_path.string();
  line["thumbnail"] = thumb_path.string();
  return line;
}

FileResult Describe(const fs::path& file, const Result<nlohmann::json>& r) {
  if (r) {
    nlohmann::json line = {{"file", file.string()}};
    line.update(*r);
    return {std::move(line), ""};
  }
  const Error& e = r.error();
  nlohmann::json line = {{"file", file.string()},
                         {"error", {{"code", e.reason}, {"message", e.message}}}};
  return {std::move(line), "noisett: " + file.string() + ": " + e.reason + ": " + e.message};
}

// An input whose outputs would overwrite an earlier input's outputs ("a.png" and "a.jpg", or
// "a.png" and "thumb_a.png") is refused, naming the earlier one.
std::map<size_t, std::string> FindNameClashes(const std::vector<fs::path>& files,
                                              image::OutputFormat format) {
  std::map<std::string, size_t> owner;
  std::map<size_t, std::string> clashes;
  for (size_t i = 0; i < files.size(); ++i) {
    for (const std::string& name : OutputNames(files[i], format)) {
      auto [it, inserted] = owner.emplace(name, i);
      if (!inserted && it->second != i && !clashes.count(i)) clashes[i] = files[it->second].string();
    }
  }
  return clashes;
}

}  // namespace

int RunOptimize(const OptimizeArgs& args, std::FILE* out, std::FILE* err) {
  std::error_code ec;
  fs::create_directories(args.out_dir, ec);
  if (ec || !fs::is_directory(args.out_dir)) {
    std::fprintf(err, "noisett: cannot create output directory %s: %s\n",
                 args.out_dir.string().c_str(), ec ? ec.message().c_str() : "not a directory");
    return 2;
  }
  image::InitPipeline();
  const auto clashes = FindNameClashes(args.files, args.options.format);
  std::vector<std::optional<FileResult>> results(args.files.size());
  std::atomic<size_t> next{0};
  std::mutex mu;
  size_t printed = 0;
  bool any_failed = false;
  Progress progress(err, args.files.size());

  auto publish = [&](size_t i, FileResult r) {
    std::lock_guard<std::mutex> lock(mu);
    results[i] = std::move(r);
    for (; printed < results.size() && results[printed]; ++printed) {
      FileResult& done = *results[printed];
      if (!done.error_text.empty()) {
        any_failed = true;
        std::fprintf(err, "%s\n", done.error_text.c_str());
      }
      std::fprintf(out, "%s\n", done.line.dump().c_str());
      done = FileResult{};  // release the JSON early; only presence matters now
    }
    std::fflush(out);
  };
  auto worker = [&] {
    for (size_t i = next++; i < args.files.size(); i = next++) {
      const fs::path& file = args.files[i];
      Result<nlohmann::json> r =
          clashes.count(i)
              ? Result<nlohmann::json>(Unexpected(MakeError(
                    ErrorCode::kConflict, "name_clash",
                    "its outputs would overwrite those of " + clashes.at(i))))
              : OptimizeOne(file, args.out_dir, args.options);
      publish(i, Describe(file, r));
      progress.Step(file.filename().string());
    }
  };
  const int jobs = std::max(1, std::min<int>(args.jobs, int(args.files.size())));
  std::vector<std::thread> pool;
  for (int j = 1; j < jobs; ++j) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
  progress.Finish();
  return any_failed ? 1 : 0;
}

}  // namespace noisett::cli
