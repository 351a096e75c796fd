// renditions_bench: the encoder side of bench/renditions.sh. For each input it walks the boxes
// once through the pipeline (image::ForEachFitted: the pixels MakeRenditions encodes), writes each
// box's uncompressed pixels as the reference (NAME_SIZE.ref.ppm), and encodes them with every
// format asked for, timing each encode alone: NAME_SIZE.{jpg,webp,avif} in --out. One line per
// encode on stdout, tab-separated:
//   name  size  format  width  height  bytes  wall_ms  cpu_ms
// Quality and AVIF settings come from the flags, so the script can sweep them; the SSIM is the
// script's (ImageMagick), not ours.
//
// `renditions_bench --make FILE...` instead times MakeRenditions with the default specs and
// options, as the server would call it, one line per input (name, renditions, bytes, wall_ms).
// `renditions_bench --noise DIR COUNT SIZE` writes COUNT images of the `noise` generator (the
// eight prompts of bench/generate.sh in turn, fixed seeds) as DIR/noise_NN.png (or .jpg, as the
// generator encodes them at that size).
//
// Usage: renditions_bench --out DIR [--sizes 256,512,1024,2048] [--formats jpeg,webp,avif]
//          [--quality medium] [--jpeg-q N] [--webp-q N] [--avif-q N] [--speed S] [--threads T]
//          [--chroma 420|444] FILE...

#include <time.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "generate/noise_generator.h"
#include "image/avif_encoder.h"
#include "image/jpeg_encoder.h"
#include "image/pipeline.h"
#include "image/renditions.h"
#include "image/webp_codec.h"

namespace {

namespace fs = std::filesystem;
using namespace noisett;
using image::OutputFormat;

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "renditions_bench: %s\n", what.c_str());
  std::exit(2);
}

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) Die("cannot read " + p.string());
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void WriteFile(const fs::path& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary);
  out.write(bytes.data(), std::streamsize(bytes.size()));
  if (!out) Die("cannot write " + p.string());
}

double CpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

std::vector<int> ParseInts(const std::string& list) {
  std::vector<int> out;
  std::stringstream ss(list);
  for (std::string item; std::getline(ss, item, ',');) out.push_back(std::stoi(item));
  return out;
}

struct Flags {
  fs::path out;
  std::vector<int> sizes{256, 512, 1024, 2048};
  std::vector<OutputFormat> formats{OutputFormat::kJpeg, OutputFormat::kWebp, OutputFormat::kAvif};
  image::Quality quality = image::Quality::kMedium;
  int jpeg_q = -1, webp_q = -1, avif_q = -1;  // -1: the preset's
  image::AvifSettings avif;
  std::vector<fs::path> files;
};

int QualityFor(const Flags& f, OutputFormat format) {
  const int override_q = format == OutputFormat::kJpeg   ? f.jpeg_q
                         : format == OutputFormat::kWebp ? f.webp_q
                                                         : f.avif_q;
  return override_q >= 0 ? override_q : image::EncoderQuality(f.quality, format);
}

// The pixels as a binary PPM (RGB) or PAM (RGBA), which ImageMagick reads without a codec.
std::string Netpbm(const image::PixelView& p) {
  std::string s =
      p.bands == 3
          ? "P6\n" + std::to_string(p.width) + " " + std::to_string(p.height) + "\n255\n"
          : "P7\nWIDTH " + std::to_string(p.width) + "\nHEIGHT " + std::to_string(p.height) +
                "\nDEPTH 4\nMAXVAL 255\nTUPLTYPE RGB_ALPHA\nENDHDR\n";
  for (int y = 0; y < p.height; ++y) {
    s.append(reinterpret_cast<const char*>(p.data + size_t(y) * p.stride),
             size_t(p.width) * size_t(p.bands));
  }
  return s;
}

Result<std::string> Encode(const Flags& f, OutputFormat format, const image::PixelView& p) {
  const int q = QualityFor(f, format);
  if (format == OutputFormat::kJpeg) {
    if (p.bands != 3) Die("the JPEG column needs opaque inputs");
    return image::EncodeJpeg(p.data, p.width, p.height, p.stride, q);
  }
  if (format == OutputFormat::kWebp) {
    return image::EncodeWebp(p.data, p.width, p.height, p.bands, p.stride, q);
  }
  image::AvifSettings s = f.avif;
  s.quality = q;
  return image::EncodeAvif(p.data, p.width, p.height, p.bands, p.stride, s);
}

void RunFile(const Flags& f, const fs::path& file) {
  const std::string bytes = ReadFile(file);
  const std::string name = file.stem().string();
  int last_width = 0, last_height = 0;
  Status ok = image::ForEachFitted(
      image::AsBytes(bytes), f.sizes, image::Limits{}, [&](int box, const image::PixelView& p) {
        // A box the image fits in gives the same pixels as the previous one: skipped, as
        // MakeRenditions skips it.
        if (p.width == last_width && p.height == last_height) return Ok();
        last_width = p.width;
        last_height = p.height;
        const std::string stem = name + "_" + std::to_string(box);
        WriteFile(f.out / (stem + ".ref.ppm"), Netpbm(p));
        for (const OutputFormat format : f.formats) {
          const auto wall0 = std::chrono::steady_clock::now();
          const double cpu0 = CpuMs();
          auto encoded = Encode(f, format, p);
          const double cpu_ms = CpuMs() - cpu0;
          const double wall_ms =
              std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - wall0)
                  .count();
          if (!encoded) return Status(Unexpected(encoded.error()));
          WriteFile(f.out / (stem + "." + std::string(image::FileExtension(format))), *encoded);
          char line[256];
          std::snprintf(line, sizeof line, "%s\t%d\t%s\t%d\t%d\t%zu\t%.1f\t%.1f\n", name.c_str(),
                        box, std::string(image::OutputFormatName(format)).c_str(), p.width,
                        p.height, encoded->size(), wall_ms, cpu_ms);
          std::fputs(line, stdout);
        }
        return Ok();
      });
  if (!ok) Die(file.string() + ": " + ok.error().ToString());
  std::fflush(stdout);
}

// Times MakeRenditions as the server calls it: default specs and options.
void RunMake(const std::vector<fs::path>& files) {
  const std::vector<image::RenditionSpec> specs = image::DefaultRenditionSpecs();
  for (const fs::path& file : files) {
    const std::string bytes = ReadFile(file);
    const auto t0 = std::chrono::steady_clock::now();
    auto r = image::MakeRenditions(image::AsBytes(bytes), specs, image::RenditionOptions{});
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    if (!r) Die(file.string() + ": " + r.error().ToString());
    size_t total = 0;
    for (const auto& rendition : *r) total += rendition.bytes.size();
    std::printf("%s\t%zu\t%zu\t%.1f\n", file.stem().string().c_str(), r->size(), total, ms);
    std::fflush(stdout);
  }
}

void RunNoise(const fs::path& dir, int count, int size) {
  static const char* kPrompts[] = {
      "a sunset over the sea", "deep ocean",    "forest path", "galaxy", "cat",
      "robot portrait",        "mountain lake", "city lights"};
  fs::create_directories(dir);
  generate::NoiseGenerator generator;
  for (int i = 0; i < count; ++i) {
    generate::GenerateRequest request;
    request.prompt = kPrompts[i % 8];
    request.quality = "high";
    request.seeds = {1000 + 8 * i};
    request.width = size;
    request.height = size;
    auto images = generator.Generate(request);
    if (!images || images->empty()) Die("the noise generator failed");
    const std::string& b = images->front().bytes;
    const char* ext =
        b.size() > 2 && uint8_t(b[0]) == 0xFF && uint8_t(b[1]) == 0xD8 ? "jpg" : "png";
    char name[64];
    std::snprintf(name, sizeof name, "noise_%02d.%s", i, ext);
    WriteFile(dir / name, b);
  }
}

OutputFormat ParseFormat(const std::string& s) {
  if (s == "jpeg") return OutputFormat::kJpeg;
  if (s == "webp") return OutputFormat::kWebp;
  if (s == "avif") return OutputFormat::kAvif;
  Die("unknown format " + s);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && args[0] == "--noise") {
    if (args.size() != 4) Die("usage: --noise DIR COUNT SIZE");
    RunNoise(args[1], std::stoi(args[2]), std::stoi(args[3]));
    return 0;
  }
  if (!args.empty() && args[0] == "--make") {
    RunMake(std::vector<fs::path>(args.begin() + 1, args.end()));
    return 0;
  }
  Flags f;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&]() -> const std::string& {
      if (i + 1 >= args.size()) Die(a + " needs a value");
      return args[++i];
    };
    if (a == "--out") {
      f.out = value();
    } else if (a == "--sizes") {
      f.sizes = ParseInts(value());
    } else if (a == "--formats") {
      f.formats.clear();
      std::stringstream ss(value());
      for (std::string item; std::getline(ss, item, ',');) f.formats.push_back(ParseFormat(item));
    } else if (a == "--quality") {
      auto q = image::ParseQuality(value());
      if (!q) Die(q.error().ToString());
      f.quality = *q;
    } else if (a == "--jpeg-q") {
      f.jpeg_q = std::stoi(value());
    } else if (a == "--webp-q") {
      f.webp_q = std::stoi(value());
    } else if (a == "--avif-q") {
      f.avif_q = std::stoi(value());
    } else if (a == "--speed") {
      f.avif.speed = std::stoi(value());
    } else if (a == "--threads") {
      f.avif.threads = std::stoi(value());
    } else if (a == "--chroma") {
      f.avif.chroma_444 = value() == "444";
    } else if (a.starts_with("--")) {
      Die("unknown flag " + a);
    } else {
      f.files.emplace_back(a);
    }
  }
  if (f.out.empty() || f.files.empty()) Die("usage: --out DIR [flags] FILE...");
  fs::create_directories(f.out);
  for (const fs::path& file : f.files) RunFile(f, file);
  return 0;
}
