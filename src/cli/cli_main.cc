// The `noisett` entry point: parses argv with CLI11 (the only file that includes it, to keep
// compile time down), reads configuration from flags and their matching environment variables,
// and hands each subcommand to its runner. Start-up failures are the one place exceptions end.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>
#include <thread>

#include "cli/optimize_command.h"
#include "core/env.h"
#include "image/image_types.h"

namespace {

using noisett::cli::OptimizeArgs;

constexpr const char* kEnvironmentHelp = R"(Environment variables (each overrides the default; a flag overrides its variable):
  NOISETT_MAX_UPLOAD_BYTES  largest accepted input in bytes, K/M/G suffixes allowed (default 10M)
  NOISETT_MAX_PIXELS        largest accepted width x height, read from the header before any
                            decoding (default 40000000)

Exit status: 0 success, 1 some inputs failed (each reported on stderr), 2 usage or setup error.)";

std::string SizeValidator(const std::string& text) {
  auto v = noisett::ParseUintWithSuffix(text, "value");
  return v ? std::string() : v.error().message;
}

void AddOptimize(CLI::App& app, OptimizeArgs& args, std::string& quality, std::string& format,
                 std::string& max_bytes, std::string& max_pixels) {
  CLI::App* cmd = app.add_subcommand(
      "optimize",
      "Optimize images: writes NAME.jpg (fit inside --max-dimension) and thumb_NAME.jpg (fit "
      "inside --thumb-size) per input into --out, and prints one JSON line of metadata per file");
  cmd->add_option("files", args.files, "PNG, JPEG or WebP inputs (decided from content)")
      ->required();
  cmd->add_option("--out,-o", args.out_dir, "Output directory (created if missing)")->required();
  cmd->add_option("--quality,-q", quality,
                  "high (JPEG 95 / WebP 90), medium (JPEG 85 / WebP 80), low (JPEG 75 / WebP 70)")
      ->check(CLI::IsMember({"high", "medium", "low"}))
      ->capture_default_str();
  cmd->add_option("--max-dimension", args.options.max_dimension,
                  "Fit the full image inside NxN, never enlarging (16..16384)")
      ->check(CLI::Range(16, 16384))
      ->capture_default_str();
  cmd->add_option("--thumb-size", args.options.thumb_size,
                  "Fit the thumbnail inside NxN (16..4096)")
      ->check(CLI::Range(16, 4096))
      ->capture_default_str();
  cmd->add_option("--format,-f", format, "Output format: jpeg or webp (webp keeps alpha)")
      ->check(CLI::IsMember({"jpeg", "webp"}))
      ->capture_default_str();
  cmd->add_option("--jobs,-j", args.jobs, "Files processed in parallel (default: all cores)")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  cmd->add_option("--max-upload-bytes", max_bytes, "Largest accepted input (K/M/G suffixes)")
      ->envname("NOISETT_MAX_UPLOAD_BYTES")
      ->check(SizeValidator, "SIZE")
      ->capture_default_str();
  cmd->add_option("--max-pixels", max_pixels, "Largest accepted width x height")
      ->envname("NOISETT_MAX_PIXELS")
      ->check(SizeValidator, "N")
      ->capture_default_str();
  cmd->footer(kEnvironmentHelp);
}

int FinishOptimize(OptimizeArgs& args, const std::string& quality, const std::string& format,
                   const std::string& max_bytes, const std::string& max_pixels) {
  args.options.quality = *noisett::image::ParseQuality(quality);
  args.options.format = *noisett::image::ParseOutputFormat(format);
  args.options.limits.max_bytes = *noisett::ParseUintWithSuffix(max_bytes, "max-upload-bytes");
  args.options.limits.max_pixels = *noisett::ParseUintWithSuffix(max_pixels, "max-pixels");
  return noisett::cli::RunOptimize(args, stdout, stderr);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "noisett: the secure image back end of the image-generation app.\n"
      "Validates, optimizes and thumbnails images (libvips); later: stores them per user, signs "
      "links and keeps history.",
      "noisett"};
  app.require_subcommand(1);
  app.footer(kEnvironmentHelp);

  OptimizeArgs optimize;
  optimize.jobs = int(std::max(1u, std::thread::hardware_concurrency()));
  std::string quality = "medium";
  std::string format = "jpeg";
  std::string max_bytes = std::to_string(noisett::image::kDefaultMaxUploadBytes);
  std::string max_pixels = std::to_string(noisett::image::kDefaultMaxPixels);
  AddOptimize(app, optimize, quality, format, max_bytes, max_pixels);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    // The top-level help documents every subcommand's options too, not just their names.
    if (app.get_subcommands().empty()) {
      std::fputs(app.help("", CLI::AppFormatMode::All).c_str(), stdout);
      return 0;
    }
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  try {
    if (app.got_subcommand("optimize")) {
      return FinishOptimize(optimize, quality, format, max_bytes, max_pixels);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "noisett: %s\n", e.what());
    return 2;
  }
  return 2;
}
