// codec_floor: the least work the optimize job can do with the libraries Noisett uses, so the
// benchmark can say how far `noisett optimize` is from the floor rather than only from Pillow.
//
// For each input it decodes ONCE, straight through the codec library (libpng's simplified API,
// libjpeg-turbo with the largest DCT down-scale that still leaves at least the 2048 px target,
// libwebp's WebPDecodeRGB), resizes the decoded pixels from memory with libvips' Lanczos3 (the
// resampler Noisett uses) to fit 2048 px and 256 px, and encodes both with libjpeg directly:
// quality 85, optimized Huffman tables, 4:2:0 (byte for byte what Pillow's save writes). It
// writes DIR/NAME.jpg and DIR/thumb_NAME.jpg like `noisett optimize`.
//
// Deliberately absent, because they are what Noisett pays for on top of the floor: validation and
// size limits, metadata, EXIF orientation, alpha handling beyond libpng's flattening, atomic
// writes, parallelism. Bad input is not handled gracefully: libjpeg's default error handler
// exits the process, and the other decoders make it stop with a message.
//
// Usage: codec_floor FILE... --out DIR [--vips-resize]

#include <malloc.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <span>
#include <string>
#include <vector>

// jpeglib.h uses size_t and FILE without including anything: it must come after <cstdio>.
#include <jpeglib.h>
#include <png.h>
#include <vips/vips8>
#include <webp/decode.h>

namespace {

namespace fs = std::filesystem;

constexpr int kFullBox = 2048;
constexpr int kThumbBox = 256;
constexpr int kQuality = 85;

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "codec_floor: %s\n", what.c_str());
  std::exit(1);
}

struct Size {
  int width;
  int height;
};

// The size Pillow's Image.thumbnail and Noisett give: fit inside box x box, keep the aspect ratio,
// never enlarge.
Size FitInBox(Size in, int box) {
  if (in.width <= box && in.height <= box) return in;
  if (in.width >= in.height) {
    return {box, std::max(1, int(double(in.height) * box / in.width + 0.5))};
  }
  return {std::max(1, int(double(in.width) * box / in.height + 0.5)), box};
}

// Interleaved 8-bit RGB, whatever the source format; malloc'd by whichever library decoded it.
// `original` is the stored picture's size: a JPEG decoded at n/8 is smaller and its rounding
// must not change the outputs' shape.
struct Pixels {
  Size size{};
  Size original{};
  std::unique_ptr<unsigned char, void (*)(void*)> data{nullptr, std::free};
};

std::vector<unsigned char> ReadFile(const fs::path& path) {
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  std::ifstream in(path, std::ios::binary);
  if (ec || !in) Die("cannot open " + path.string());
  std::vector<unsigned char> bytes(size);
  in.read(reinterpret_cast<char*>(bytes.data()), std::streamsize(size));
  if (!in) Die("cannot read " + path.string());
  return bytes;
}

Pixels DecodePng(std::span<const unsigned char> bytes) {
  png_image image;
  std::memset(&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_memory(&image, bytes.data(), bytes.size())) Die(image.message);
  image.format = PNG_FORMAT_RGB;
  Pixels out;
  out.size = out.original = {int(image.width), int(image.height)};
  out.data.reset(static_cast<unsigned char*>(std::malloc(PNG_IMAGE_SIZE(image))));
  // Alpha, if any, is flattened onto white, as Noisett does for JPEG output.
  const png_color white{255, 255, 255};
  if (!out.data || !png_image_finish_read(&image, &white, out.data.get(), 0, nullptr)) {
    Die(image.message);
  }
  return out;
}

Pixels DecodeJpeg(std::span<const unsigned char> bytes) {
  jpeg_decompress_struct cinfo;
  jpeg_error_mgr jerr;
  cinfo.err = jpeg_std_error(&jerr);
  jpeg_create_decompress(&cinfo);
  jpeg_mem_src(&cinfo, bytes.data(), bytes.size());
  jpeg_read_header(&cinfo, TRUE);
  cinfo.out_color_space = JCS_RGB;
  // The IDCT can shrink by n/8 almost for free: pick the smallest n that still leaves the decoded
  // picture at least as large as the full-size output, so Lanczos only ever shrinks.
  const Size target = FitInBox({int(cinfo.image_width), int(cinfo.image_height)}, kFullBox);
  for (unsigned n = 1; n <= 8; ++n) {
    cinfo.scale_num = n;
    cinfo.scale_denom = 8;
    jpeg_calc_output_dimensions(&cinfo);
    if (int(cinfo.output_width) >= target.width && int(cinfo.output_height) >= target.height) break;
  }
  jpeg_start_decompress(&cinfo);
  Pixels out;
  out.size = {int(cinfo.output_width), int(cinfo.output_height)};
  out.original = {int(cinfo.image_width), int(cinfo.image_height)};
  const size_t stride = size_t(out.size.width) * 3;
  out.data.reset(static_cast<unsigned char*>(std::malloc(stride * size_t(out.size.height))));
  if (!out.data) Die("out of memory");
  while (cinfo.output_scanline < cinfo.output_height) {
    JSAMPROW row = out.data.get() + stride * cinfo.output_scanline;
    jpeg_read_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_decompress(&cinfo);
  jpeg_destroy_decompress(&cinfo);
  return out;
}

Pixels DecodeWebp(std::span<const unsigned char> bytes) {
  Pixels out{{}, {}, {nullptr, WebPFree}};
  out.data.reset(WebPDecodeRGB(bytes.data(), bytes.size(), &out.size.width, &out.size.height));
  if (!out.data) Die("WebP decode failed");
  out.original = out.size;
  return out;
}

Pixels Decode(std::span<const unsigned char> bytes) {
  auto starts = [&](const char* magic, size_t at = 0) {
    const size_t n = std::strlen(magic);
    return bytes.size() >= at + n && std::memcmp(bytes.data() + at, magic, n) == 0;
  };
  if (starts("\x89PNG")) return DecodePng(bytes);
  if (starts("\xff\xd8\xff")) return DecodeJpeg(bytes);
  if (starts("RIFF") && starts("WEBP", 8)) return DecodeWebp(bytes);
  Die("unknown format");
}

std::vector<unsigned char> EncodeJpeg(const unsigned char* rgb, Size size) {
  jpeg_compress_struct cinfo;
  jpeg_error_mgr jerr;
  cinfo.err = jpeg_std_error(&jerr);
  jpeg_create_compress(&cinfo);
  unsigned char* buffer = nullptr;
  unsigned long length = 0;
  jpeg_mem_dest(&cinfo, &buffer, &length);
  cinfo.image_width = JDIMENSION(size.width);
  cinfo.image_height = JDIMENSION(size.height);
  cinfo.input_components = 3;
  cinfo.in_color_space = JCS_RGB;
  jpeg_set_defaults(&cinfo);  // YCbCr with 2x2 chroma sampling, i.e. 4:2:0
  jpeg_set_quality(&cinfo, kQuality, TRUE);
  cinfo.optimize_coding = TRUE;
  jpeg_start_compress(&cinfo, TRUE);
  const size_t stride = size_t(size.width) * 3;
  while (cinfo.next_scanline < cinfo.image_height) {
    JSAMPROW row = const_cast<unsigned char*>(rgb + stride * cinfo.next_scanline);
    jpeg_write_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_compress(&cinfo);
  jpeg_destroy_compress(&cinfo);
  std::vector<unsigned char> jpeg(buffer, buffer + length);
  std::free(buffer);
  return jpeg;
}

// Which libvips call does the Lanczos3 shrink. resize() is the obvious one, but on libvips 8.14 it
// is several times slower than reduce() for the same kernel (its internal box pre-shrink runs a
// generic per-pixel loop), so the floor uses reduce(), after a box shrink by floor(f/2) when the
// factor is fractional and large, which is Pillow's reducing_gap=2 and costs no visible quality.
// --vips-resize keeps the plain resize() path measurable.
bool g_use_vips_resize = false;

vips::VImage Shrink(const vips::VImage& in, Size target) {
  double hf = double(in.width()) / target.width;
  double vf = double(in.height()) / target.height;
  if (g_use_vips_resize) {
    return in.resize(1.0 / hf, vips::VImage::option()
                                   ->set("vscale", 1.0 / vf)
                                   ->set("kernel", VIPS_KERNEL_LANCZOS3));
  }
  vips::VImage img = in;
  const bool integral = hf == std::floor(hf) && vf == std::floor(vf);
  const int box = int(std::min(hf, vf) / 2);
  if (!integral && box >= 2) {
    img = img.shrink(box, box);
    hf = double(img.width()) / target.width;
    vf = double(img.height()) / target.height;
  }
  return img.reduce(hf, vf, vips::VImage::option()->set("kernel", VIPS_KERNEL_LANCZOS3));
}

// Equal sizes skip libvips altogether.
std::vector<unsigned char> ResizeAndEncode(const Pixels& in, Size target) {
  if (in.size.width == target.width && in.size.height == target.height) {
    return EncodeJpeg(in.data.get(), in.size);
  }
  const size_t bytes = size_t(in.size.width) * size_t(in.size.height) * 3;
  const vips::VImage image = vips::VImage::new_from_memory(in.data.get(), bytes, in.size.width,
                                                           in.size.height, 3, VIPS_FORMAT_UCHAR);
  const vips::VImage resized = Shrink(image, target);
  size_t out_bytes = 0;
  std::unique_ptr<void, void (*)(void*)> pixels(resized.write_to_memory(&out_bytes), g_free);
  return EncodeJpeg(static_cast<const unsigned char*>(pixels.get()),
                    {resized.width(), resized.height()});
}

void WriteFile(const fs::path& path, const std::vector<unsigned char>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
  if (!out) Die("cannot write " + path.string());
}

void OptimizeOne(const fs::path& file, const fs::path& out_dir) {
  const std::vector<unsigned char> bytes = ReadFile(file);
  const Pixels pixels = Decode(bytes);
  const std::string stem = file.stem().string();
  WriteFile(out_dir / (stem + ".jpg"),
            ResizeAndEncode(pixels, FitInBox(pixels.original, kFullBox)));
  WriteFile(out_dir / ("thumb_" + stem + ".jpg"),
            ResizeAndEncode(pixels, FitInBox(pixels.original, kThumbBox)));
}

}  // namespace

int main(int argc, char** argv) {
  // The same malloc settings as noisett (src/cli/allocator.cc), so the floor is not slowed by
  // page faults that noisett no longer pays.
  mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
  mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024);
  std::vector<fs::path> files;
  fs::path out_dir;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--out" && i + 1 < argc) {
      out_dir = argv[++i];
    } else if (arg == "--vips-resize") {
      g_use_vips_resize = true;
    } else {
      files.emplace_back(arg);
    }
  }
  if (files.empty() || out_dir.empty()) {
    std::fprintf(stderr, "usage: codec_floor FILE... --out DIR [--vips-resize]\n");
    return 2;
  }
  if (VIPS_INIT(argv[0])) Die("vips_init failed");
  // One thread and no operation cache: the floor for a single-threaded job, and no memory held
  // for reuse that never comes.
  vips_concurrency_set(1);
  vips_cache_set_max(0);
  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (ec) Die("cannot create " + out_dir.string() + ": " + ec.message());
  for (const fs::path& file : files) OptimizeOne(file, out_dir);
  vips_shutdown();
  return 0;
}
