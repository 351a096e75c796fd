// `noisett optimize FILE... --out DIR`: runs the image pipeline over files in parallel, writes
// NAME.jpg and thumb_NAME.jpg (or .webp) per input and one JSON line per file on stdout. A bad
// file is reported (stderr and its JSON line) and does not stop the others.
#pragma once

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "image/image_types.h"

namespace noisett::cli {

struct OptimizeArgs {
  std::vector<std::filesystem::path> files;
  std::filesystem::path out_dir;
  image::OptimizeOptions options;
  int jobs = 1;
};

// Returns the process exit status: 0 when every file succeeded, 1 when any failed, 2 when the
// output directory cannot be made.
int RunOptimize(const OptimizeArgs& args, std::FILE* out, std::FILE* err);

}  // namespace noisett::cli
