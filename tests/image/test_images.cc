// Test image construction with libvips plus byte-level builders for headers and metadata segments.
#include "image/test_images.h"

#include <webp/encode.h>

#include <array>
#include <stdexcept>

#include "image/pipeline.h"

namespace noisett::testing {
namespace {

using vips::VImage;

void PutBe16(std::string& s, uint32_t v) {
  s.push_back(char((v >> 8) & 0xFF));
  s.push_back(char(v & 0xFF));
}

void PutBe32(std::string& s, uint32_t v) {
  PutBe16(s, v >> 16);
  PutBe16(s, v & 0xFFFF);
}

// One 12-byte TIFF IFD entry, big-endian; `value` is the left-justified value or an offset.
void PutIfdEntry(std::string& s, uint16_t tag, uint16_t type, uint32_t count, uint32_t value) {
  PutBe16(s, tag);
  PutBe16(s, type);
  PutBe32(s, count);
  PutBe32(s, value);
}

std::string JpegSegment(uint8_t marker, std::string_view payload) {
  std::string s = {char(0xFF), char(marker)};
  PutBe16(s, uint32_t(payload.size() + 2));
  s.append(payload);
  return s;
}

std::string PngChunk(std::string_view type, std::string_view data) {
  std::string s;
  PutBe32(s, uint32_t(data.size()));
  std::string body(type);
  body.append(data);
  s.append(body);
  PutBe32(s, Crc32(body));
  return s;
}

std::string SaveToBuffer(VipsBlob* blob) {
  size_t size = 0;
  const void* data = vips_blob_get(blob, &size);
  std::string out(static_cast<const char*>(data), size);
  vips_area_unref(VIPS_AREA(blob));
  return out;
}

}  // namespace

void InitVips() { image::InitPipeline(); }

VImage Textured(int w, int h) {
  InitVips();
  VImage xy = VImage::xyz(w, h);
  VImage x = xy.extract_band(0);
  VImage y = xy.extract_band(1);
  VImage r = (x ^ y) & 255;
  VImage g = (x * 3 + y * 5) & 255;
  VImage b = (x * y) & 255;
  return r.bandjoin(g)
      .bandjoin(b)
      .cast(VIPS_FORMAT_UCHAR)
      .copy(VImage::option()->set("interpretation", VIPS_INTERPRETATION_sRGB));
}

VImage Solid(int w, int h, const std::vector<double>& pixel) {
  InitVips();
  VImage img = VImage::black(w, h, VImage::option()->set("bands", int(pixel.size())));
  img = (img + pixel).cast(VIPS_FORMAT_UCHAR);
  return img.copy(VImage::option()->set("interpretation", VIPS_INTERPRETATION_sRGB));
}

VImage CornerMarked(int w, int h, int block) {
  VImage img = Solid(w, h, {128, 128, 128});
  img = img.insert(Solid(block, block, {255, 0, 0}), 0, 0);
  img = img.insert(Solid(block, block, {0, 0, 255}), w - block, h - block);
  return img;
}

std::string ToPng(const VImage& img) {
  return SaveToBuffer(img.pngsave_buffer(VImage::option()->set("compression", 1)));
}

std::string ToJpeg(const VImage& img, int quality) {
  return SaveToBuffer(img.jpegsave_buffer(VImage::option()->set("Q", quality)->set("strip", true)));
}

std::string ToWebp(const VImage& img, bool lossless, int quality) {
  // libwebp's simple API rather than webpsave: vips 8.14.1 writes an EXIF chunk (and so the VP8X
  // layout) even with strip, and these helpers must produce the plain VP8 and VP8L layouts too.
  const VImage rgb = img.cast(VIPS_FORMAT_UCHAR).copy_memory();
  if (rgb.bands() != 3 && rgb.bands() != 4) throw std::invalid_argument("need RGB or RGBA");
  size_t size = 0;
  const auto* pixels = static_cast<const uint8_t*>(rgb.data());
  const int w = rgb.width(), h = rgb.height(), stride = w * rgb.bands();
  uint8_t* out = nullptr;
  if (rgb.bands() == 3) {
    size = lossless ? WebPEncodeLosslessRGB(pixels, w, h, stride, &out)
                    : WebPEncodeRGB(pixels, w, h, stride, float(quality), &out);
  } else {
    size = lossless ? WebPEncodeLosslessRGBA(pixels, w, h, stride, &out)
                    : WebPEncodeRGBA(pixels, w, h, stride, float(quality), &out);
  }
  if (size == 0) throw std::runtime_error("WebP encoding failed");
  std::string bytes(reinterpret_cast<const char*>(out), size);
  WebPFree(out);
  return bytes;
}

VImage Decode(const std::string& bytes) {
  InitVips();
  return VImage::new_from_buffer(bytes, "").copy_memory();
}

std::vector<double> MeanOf(const VImage& img, int left, int top, int width, int height) {
  VImage area = img.extract_area(left, top, width, height);
  std::vector<double> means;
  for (int b = 0; b < area.bands(); ++b) means.push_back(area.extract_band(b).avg());
  return means;
}

std::vector<std::string> FieldNames(const VImage& img) {
  std::vector<std::string> names;
  gchar** fields = vips_image_get_fields(img.get_image());
  for (gchar** f = fields; f != nullptr && *f != nullptr; ++f) names.emplace_back(*f);
  g_strfreev(fields);
  return names;
}

std::string InsertJpegSegments(const std::string& jpeg, const std::string& segments) {
  if (jpeg.size() < 4 || uint8_t(jpeg[0]) != 0xFF || uint8_t(jpeg[1]) != 0xD8) {
    throw std::invalid_argument("not a JPEG");
  }
  size_t at = 2;
  if (uint8_t(jpeg[2]) == 0xFF && uint8_t(jpeg[3]) == 0xE0) {
    at = 4 + ((size_t(uint8_t(jpeg[4])) << 8) | uint8_t(jpeg[5]));
  }
  return jpeg.substr(0, at) + segments + jpeg.substr(at);
}

std::string ExifTiff(int orientation, bool gps) {
  constexpr uint16_t kShort = 3, kLong = 4, kByte = 1, kAscii = 2, kRational = 5;
  std::string tiff = "MM";
  PutBe16(tiff, 42);
  PutBe32(tiff, 8);  // IFD0 right after the header
  const uint16_t ifd0_entries = gps ? 2 : 1;
  const uint32_t gps_ifd = 8 + 2 + 12 * ifd0_entries + 4;
  PutBe16(tiff, ifd0_entries);
  PutIfdEntry(tiff, 0x0112, kShort, 1, uint32_t(orientation) << 16);
  if (gps) PutIfdEntry(tiff, 0x8825, kLong, 1, gps_ifd);
  PutBe32(tiff, 0);  // no IFD1
  if (gps) {
    constexpr uint16_t kGpsEntries = 5;
    const uint32_t data = gps_ifd + 2 + 12 * kGpsEntries + 4;
    PutBe16(tiff, kGpsEntries);
    PutIfdEntry(tiff, 0x0000, kByte, 4, 0x02030000);        // GPSVersionID 2.3.0.0
    PutIfdEntry(tiff, 0x0001, kAscii, 2, 0x4E000000);       // GPSLatitudeRef "N"
    PutIfdEntry(tiff, 0x0002, kRational, 3, data);          // GPSLatitude
    PutIfdEntry(tiff, 0x0003, kAscii, 2, 0x45000000);       // GPSLongitudeRef "E"
    PutIfdEntry(tiff, 0x0004, kRational, 3, data + 3 * 8);  // GPSLongitude
    PutBe32(tiff, 0);
    for (uint32_t v : {48u, 1u, 51u, 1u, 2904u, 100u, 2u, 1u, 17u, 1u, 4000u, 100u}) {
      PutBe32(tiff, v);
    }
  }
  return tiff;
}

std::string ExifSegment(int orientation, bool gps) {
  return JpegSegment(0xE1, std::string("Exif\0\0", 6) + ExifTiff(orientation, gps));
}

std::string WebpWithExif(const std::string& simple_webp, std::string_view tiff) {
  const std::string fourcc = simple_webp.substr(12, 4);
  if (simple_webp.size() < 30 || (fourcc != "VP8 " && fourcc != "VP8L")) {
    throw std::invalid_argument("not a simple-layout WebP");
  }
  const VImage img = VImage::new_from_buffer(simple_webp, "");
  auto le = [](std::string& s, uint32_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) s.push_back(char((v >> (8 * i)) & 0xFF));
  };
  std::string body = "WEBPVP8X";
  le(body, 10, 4);
  le(body, 0x08, 4);  // flags: EXIF present
  le(body, uint32_t(img.width() - 1), 3);
  le(body, uint32_t(img.height() - 1), 3);
  body += simple_webp.substr(12);  // the image chunk, as it was
  body += "EXIF";
  le(body, uint32_t(tiff.size()), 4);
  body.append(tiff);
  if (tiff.size() % 2 != 0) body.push_back('\0');
  std::string riff = "RIFF";
  le(riff, uint32_t(body.size()), 4);
  return riff + body;
}

std::string InsertPngChunk(const std::string& png, std::string_view type, std::string_view data) {
  const size_t idat = png.find("IDAT");
  if (idat == std::string::npos || idat < 4) throw std::invalid_argument("PNG without IDAT");
  return png.substr(0, idat - 4) + PngChunk(type, data) + png.substr(idat - 4);
}

std::string XmpSegment() {
  const std::string xmp =
      "<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF "
      "xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'><rdf:Description "
      "xmlns:exif='http://ns.adobe.com/exif/1.0/' exif:GPSLatitude='48,51.484N' "
      "exif:GPSLongitude='2,17.667E'/></rdf:RDF></x:xmpmeta>";
  return JpegSegment(0xE1, std::string("http://ns.adobe.com/xap/1.0/\0", 29) + xmp);
}

std::string CommentSegment(std::string_view text) { return JpegSegment(0xFE, text); }

std::string PngWithDeclaredSize(uint32_t width, uint32_t height, size_t idat_payload) {
  std::string png = "\x89PNG\r\n\x1a\n";
  std::string ihdr;
  PutBe32(ihdr, width);
  PutBe32(ihdr, height);
  ihdr += std::string("\x08\x00\x00\x00\x00", 5);  // 8-bit grey, deflate, no filter, no interlace
  png += PngChunk("IHDR", ihdr);
  // zlib header and one non-final stored block of zeros: a valid start of a far longer stream.
  std::string idat = "\x78\x01";
  const uint16_t len = uint16_t(idat_payload);
  idat.push_back(0x00);  // BFINAL = 0, BTYPE = stored
  idat.push_back(char(len & 0xFF));
  idat.push_back(char(len >> 8));
  idat.push_back(char(~len & 0xFF));
  idat.push_back(char((~len >> 8) & 0xFF));
  idat.append(idat_payload, '\0');
  png += PngChunk("IDAT", idat);
  png += PngChunk("IEND", "");
  return png;
}

uint32_t Crc32(std::string_view data) {
  static const std::array<uint32_t, 256> table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t n = 0; n < 256; ++n) {
      uint32_t c = n;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[n] = c;
    }
    return t;
  }();
  uint32_t c = 0xFFFFFFFFu;
  for (char ch : data) c = table[(c ^ uint8_t(ch)) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

bool Contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

}  // namespace noisett::testing
