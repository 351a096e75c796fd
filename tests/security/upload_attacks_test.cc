// Hostile images through a real `noisett serve`: decompression bombs in each accepted format
// (a few hundred bytes declaring billions of pixels), truncated files, SVG and HTML sent with an
// image Content-Type, polyglots (a PNG that is also an HTML page, a JPEG carrying a script), a
// declared Content-Type that lies, and malformed multipart forms. Each is refused with its status
// and code and stores nothing, or — for the polyglots — is re-encoded so that what the link serves
// is only an image. tests/service/upload_errors_test.cc already covers the truncated JPEG, GIF,
// HTML-as-PNG and the empty body; tests/service/request_safety_test.cc the 10 MiB + 1 body.
#include <chrono>

#include "image/test_images.h"
#include "service/e2e_fixture.h"

namespace noisett::service_e2e {
namespace {

namespace img = noisett::testing;

// `jpeg` with its frame header (SOF0/SOF2) declaring width x height.
std::string JpegDeclaring(std::string jpeg, uint16_t width, uint16_t height) {
  for (size_t i = 2; i + 9 < jpeg.size(); ++i) {
    const auto marker = static_cast<uint8_t>(jpeg[i + 1]);
    if (static_cast<uint8_t>(jpeg[i]) == 0xFF && (marker == 0xC0 || marker == 0xC2)) {
      jpeg[i + 5] = static_cast<char>(height >> 8);
      jpeg[i + 6] = static_cast<char>(height & 0xFF);
      jpeg[i + 7] = static_cast<char>(width >> 8);
      jpeg[i + 8] = static_cast<char>(width & 0xFF);
      return jpeg;
    }
  }
  ADD_FAILURE() << "no frame header in the JPEG";
  return jpeg;
}

// A lossy (VP8) WebP whose frame header declares 16383 x 16383 (268 megapixels).
std::string Vp8Bomb() {
  std::string webp = img::ToWebp(img::Textured(64, 48));
  EXPECT_EQ(webp.substr(12, 4), "VP8 ");
  for (size_t at : {26u, 28u}) {
    webp[at] = static_cast<char>(0xFF);
    webp[at + 1] = static_cast<char>(0x3F);
  }
  return webp;
}

// A lossless (VP8L) WebP declaring 16384 x 16384.
std::string Vp8lBomb() {
  std::string webp = img::ToWebp(img::Textured(64, 48), /*lossless=*/true);
  EXPECT_EQ(webp.substr(12, 4), "VP8L");
  const uint32_t bits = 0x3FFFu | (0x3FFFu << 14) | (static_cast<uint8_t>(webp[24]) & 0xF0u) << 24;
  for (int k = 0; k < 4; ++k) webp[21 + k] = static_cast<char>((bits >> (8 * k)) & 0xFF);
  return webp;
}

// An extended (VP8X) WebP whose canvas is 1,000,000 x 1,000,000.
std::string Vp8xBomb() {
  std::string webp = img::ToWebp(img::Solid(64, 48, {10, 20, 30, 128}));
  EXPECT_EQ(webp.substr(12, 4), "VP8X");
  for (size_t at : {24u, 27u}) {
    const uint32_t v = 1'000'000 - 1;
    for (int k = 0; k < 3; ++k) webp[at + k] = static_cast<char>((v >> (8 * k)) & 0xFF);
  }
  return webp;
}

const std::string kSvg =
    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"64\" height=\"64\" "
    "onload=\"alert(document.cookie)\"><rect width=\"64\" height=\"64\"/></svg>";
const std::string kHtml = "<!doctype html><script>fetch('/api/history')</script>";

class UploadAttackTest : public E2eTest {
 protected:
  void SetUp() override {
    E2eTest::SetUp();
    if (HasFatalFailure()) return;
    mallory_ = noisett().Token("mallory");
    ASSERT_FALSE(mallory_.empty());
  }

  // Refused with `status` and `code`; no job is added to mallory's history, no image file appears.
  void ExpectRefused(const std::string& what, const std::string& body,
                     const std::string& content_type, int status, const std::string& code) {
    SCOPED_TRACE(what);
    const size_t images_before = BlobDataFiles("image_").size();
    const size_t jobs_before = HistoryIds(mallory_).size();
    const RawResponse r = Call("POST", "/api/images", mallory_, body, content_type);
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(ErrorCode(r), code) << r.body;
    EXPECT_EQ(BlobDataFiles("image_").size(), images_before);
    EXPECT_EQ(HistoryIds(mallory_).size(), jobs_before);
  }

  // A multipart/form-data body with one file part.
  static std::string Form(const std::string& part_type, const std::string& bytes) {
    return "--B0undary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.png\"\r\n"
           "Content-Type: " +
           part_type + "\r\n\r\n" + bytes + "\r\n--B0undary--\r\n";
  }

  std::string mallory_;
};

TEST_F(UploadAttackTest, DecompressionBombsInEveryFormatAre413FromTheHeader) {
  const std::string jpeg = JpegDeclaring(Jpeg(64, 48), 65500, 65500);
  const std::vector<std::pair<std::string, std::string>> bombs = {
      {"png 100000x100000", img::PngWithDeclaredSize(100000, 100000)},
      {"jpeg 65500x65500", jpeg},
      {"webp vp8 16383x16383", Vp8Bomb()},
      {"webp vp8l 16384x16384", Vp8lBomb()},
      {"webp vp8x 1e6x1e6", Vp8xBomb()},
  };
  const auto start = std::chrono::steady_clock::now();
  for (const auto& [what, bytes] : bombs) {
    ASSERT_LT(bytes.size(), 64u * 1024) << what;
    ExpectRefused(what, bytes, "image/png", 413, "too_many_pixels");
  }
  // Refused from the header, never decoded: a decode of one would take seconds and gigabytes.
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));
  ASSERT_TRUE(noisett().process().running()) << noisett().process().Log();
}

TEST_F(UploadAttackTest, TruncatedPngAndWebpAreCorrupt) {
  const std::string png = Png(200, 150);
  const std::string webp = img::ToWebp(img::Textured(200, 150));
  ExpectRefused("png at 60%", png.substr(0, png.size() * 6 / 10), "image/png", 400, "corrupt");
  ExpectRefused("webp at 60%", webp.substr(0, webp.size() * 6 / 10), "image/webp", 400, "corrupt");
  ExpectRefused("png signature only", png.substr(0, 8), "image/png", 400, "corrupt");
}

TEST_F(UploadAttackTest, SvgAndHtmlWithAnImageContentTypeAre415) {
  ExpectRefused("svg as svg", kSvg, "image/svg+xml", 415, "unsupported_format");
  ExpectRefused("svg as png", kSvg, "image/png", 415, "unsupported_format");
  ExpectRefused("html as jpeg", kHtml, "image/jpeg", 415, "unsupported_format");
  ExpectRefused("html in a form", Form("image/png", kHtml),
                "multipart/form-data; boundary=B0undary", 415, "unsupported_format");
  ExpectRefused("html part typed html", Form("text/html", kHtml),
                "multipart/form-data; boundary=B0undary", 415, "unsupported_media_type");
}

TEST_F(UploadAttackTest, PolyglotsAreServedOnlyAsReencodedImages) {
  // A valid PNG that is also an HTML page (after IEND, and in a tEXt chunk), and a JPEG with a
  // script in a comment segment. Browsers sniff such files; the store must never hand them back.
  const std::string png_html =
      img::InsertPngChunk(Png(64, 48), "tEXt", std::string("comment\0", 8) + kHtml) + kHtml +
      "PK\x05\x06";
  const std::string jpeg_script = img::InsertJpegSegments(Jpeg(64, 48), img::CommentSegment(kHtml));
  for (const std::string* bytes : {&png_html, &jpeg_script}) {
    const Json up = Upload(mallory_, *bytes, "", "image/png");
    for (const char* link : {"url", "thumbnail_url"}) {
      SCOPED_TRACE(link);
      const RawResponse r = FetchLink(up["image"].value(link, ""));
      ASSERT_EQ(r.status, 200) << r.body;
      EXPECT_EQ(r.Header("content-type"), "image/jpeg");
      EXPECT_EQ(r.Header("x-content-type-options"), "nosniff");
      EXPECT_EQ(r.body.rfind("\xFF\xD8\xFF", 0), 0u);
      EXPECT_EQ(r.body.find("<script"), std::string::npos) << "the payload was served";
      EXPECT_EQ(r.body.find("<!doctype"), std::string::npos);
    }
  }
}

// A 5 KB JPEG of 16384x4 pixels once aborted the whole server: shrink-on-load, chosen from the
// long side, took the short side to 0 px and libvips aborts on that (found by fuzz/image_fuzz.cc).
// Long thin images are stored, at least a pixel across, and the server keeps serving.
TEST_F(UploadAttackTest, LongThinImagesAreStoredAndTheServerStaysUp) {
  for (const auto& [w, h] : {std::pair{16384, 4}, std::pair{4, 16384}, std::pair{16384, 1}}) {
    SCOPED_TRACE(std::to_string(w) + "x" + std::to_string(h));
    const Json up = Upload(mallory_, Jpeg(w, h), "", "image/jpeg");
    const int width = up["image"].value("width", 0);
    const int height = up["image"].value("height", 0);
    EXPECT_EQ(std::max(width, height), 2048) << up.dump();
    EXPECT_GE(std::min(width, height), 1) << up.dump();
  }
  EXPECT_EQ(Call("GET", "/readyz", "").status, 200);
}

TEST_F(UploadAttackTest, TheContentDecidesNotTheDeclaredType) {
  // A PNG declared as text or HTML is refused without being read as anything.
  ExpectRefused("png as html", Png(16, 16), "text/html", 415, "unsupported_media_type");
  ExpectRefused("png, no type", Png(16, 16), "", 415, "unsupported_media_type");
  // A JPEG declared as PNG (and as WebP, and as an opaque octet stream) is read as what it is.
  for (const char* declared : {"image/png", "image/webp", "application/octet-stream"}) {
    const Json up = Upload(mallory_, Jpeg(64, 48), "", declared);
    EXPECT_EQ(up.value("source_format", ""), "jpeg") << declared << ": " << up.dump();
  }
}

TEST_F(UploadAttackTest, MalformedMultipartIs400) {
  const std::string png = Png(16, 16);
  const std::string part =
      "--B0undary\r\nContent-Disposition: form-data; name=\"file\"; "
      "filename=\"x.png\"\r\nContent-Type: image/png\r\n\r\n" +
      png + "\r\n";
  const std::string end = "--B0undary--\r\n";
  const std::string type = "multipart/form-data; boundary=B0undary";
  std::string huge_header = "--B0undary\r\nX: ";
  huge_header.append(9000, 'h');
  huge_header += "\r\n\r\n" + png + "\r\n" + end;
  const std::vector<std::pair<std::string, std::string>> forms = {
      {"two files", part + part + end},
      {"no closing delimiter", part},
      {"truncated inside the file", part.substr(0, part.size() / 2)},
      {"no parts", end},
      {"not form-data",
       "--B0undary\r\nContent-Disposition: attachment; name=\"f\"\r\n\r\nx\r\n" + end},
      {"header without colon", "--B0undary\r\nBroken\r\n\r\nx\r\n" + end},
      {"huge part header", huge_header},
      {"boundary never appears", png},
  };
  for (const auto& [what, body] : forms) ExpectRefused(what, body, type, 400, "bad_multipart");
  ExpectRefused("no boundary", part + end, "multipart/form-data", 400, "bad_multipart");
  ExpectRefused("empty boundary", part + end, "multipart/form-data; boundary=", 400,
                "bad_multipart");
  // The well-formed form is accepted (the refusals above are each form's one defect).
  EXPECT_EQ(Call("POST", "/api/images", mallory_, part + end, type).status, 201);
}

}  // namespace
}  // namespace noisett::service_e2e
