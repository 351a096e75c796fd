// multipart/form-data: the good shape, and each way a form is refused.
#include "http/multipart.h"

#include <gtest/gtest.h>

namespace noisett::http {
namespace {

std::string FilePart(std::string_view name, std::string_view file, std::string_view type,
                     std::string_view content) {
  return "--XyZ\r\nContent-Disposition: form-data; name=\"" + std::string(name) +
         "\"; filename=\"" + std::string(file) + "\"\r\nContent-Type: " + std::string(type) +
         "\r\n\r\n" + std::string(content) + "\r\n";
}

std::string Field(std::string_view name, std::string_view value) {
  return "--XyZ\r\nContent-Disposition: form-data; name=\"" + std::string(name) + "\"\r\n\r\n" +
         std::string(value) + "\r\n";
}

const std::string kEnd = "--XyZ--\r\n";

TEST(MultipartBoundaryTest, ReadsQuotedAndBareBoundaries) {
  EXPECT_EQ(*MultipartBoundary("multipart/form-data; boundary=XyZ"), "XyZ");
  EXPECT_EQ(*MultipartBoundary("Multipart/Form-Data;boundary=\"a b\""), "a b");
  EXPECT_EQ(*MultipartBoundary("multipart/form-data; charset=utf-8; boundary=----Web123"),
            "----Web123");
}

TEST(MultipartBoundaryTest, MissingOrBadBoundary) {
  for (const char* t : {"multipart/form-data", "multipart/form-data; boundary=",
                        "multipart/form-data; boundary=\"unterminated", "image/png",
                        "multipart/mixed; boundary=a", "multipart/form-data; junk"}) {
    auto b = MultipartBoundary(t);
    EXPECT_FALSE(b) << t;
    if (!b) {
      EXPECT_EQ(b.error().reason, "bad_multipart");
    }
  }
  EXPECT_FALSE(MultipartBoundary("multipart/form-data; boundary=" + std::string(71, 'a')));
}

TEST(MultipartTest, OneFileAndFields) {
  std::string png = std::string("\x89PNG\r\n\x1a\n", 8) + "--Xy not a delimiter\r\n" + "tail";
  std::string body = "preamble\r\n" + Field("prompt", "a red cat") +
                     FilePart("file", "cat.png", "image/png", png) + Field("seed", "7") + kEnd;
  auto form = ParseMultipart(body, "XyZ");
  ASSERT_TRUE(form) << form.error().ToString();
  EXPECT_EQ(form->file, png);
  EXPECT_EQ(form->file_name, "cat.png");
  EXPECT_EQ(form->file_content_type, "image/png");
  EXPECT_EQ(form->fields.at("prompt"), "a red cat");
  EXPECT_EQ(form->fields.at("seed"), "7");
}

TEST(MultipartTest, EmptyFileIsStillAFile) {
  auto form = ParseMultipart(FilePart("f", "x", "image/jpeg", "") + kEnd, "XyZ");
  ASSERT_TRUE(form);
  EXPECT_TRUE(form->file.empty());
}

void ExpectBad(const std::string& body, std::string_view why) {
  auto form = ParseMultipart(body, "XyZ");
  EXPECT_FALSE(form) << why;
  if (!form) {
    EXPECT_EQ(form.error().reason, "bad_multipart") << why;
  }
}

TEST(MultipartTest, Refusals) {
  std::string file = FilePart("f", "a.png", "image/png", "abc");
  ExpectBad(file + file + kEnd, "two files");
  ExpectBad(Field("prompt", "x") + kEnd, "no file");
  ExpectBad(file, "no closing delimiter");
  ExpectBad(file.substr(0, file.size() - 10), "truncated inside the content");
  ExpectBad("--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a\"\r\n",
            "truncated headers");
  ExpectBad("no delimiter at all", "no delimiter");
  ExpectBad(kEnd, "no parts");
  ExpectBad(file + "--XyZ", "last delimiter without --");
  ExpectBad("--XyZ\r\nContent-Type: image/png\r\n\r\nabc\r\n" + kEnd, "no disposition");
  ExpectBad(
      "--XyZ\r\nContent-Disposition: attachment; name=\"f\"; filename=\"a\"\r\n\r\nabc\r\n" + kEnd,
      "not form-data");
  ExpectBad(file + Field("p", "1") + Field("p", "2") + kEnd, "repeated field");
  ExpectBad("--XyZ\r\nBroken header line\r\n\r\nabc\r\n" + kEnd, "header without colon");
  ExpectBad(file + Field("big", std::string(9000, 'x')) + kEnd, "field too large");
  std::string many = file;
  for (char c = 'a'; c < 'a' + 20; ++c) many += Field(std::string(1, c), "x");
  ExpectBad(many + kEnd, "too many parts");
  // Built by appending: g++ 12 warns falsely (-Wrestrict) on the chained operator+ form.
  std::string huge = "--XyZ\r\nX: ";
  huge.append(9000, 'h');
  huge += "\r\n\r\nabc\r\n" + kEnd;
  ExpectBad(huge, "huge part header");
}

TEST(MultipartTest, NonImageFileIs415) {
  auto form = ParseMultipart(FilePart("f", "a.html", "text/html", "<script>") + kEnd, "XyZ");
  ASSERT_FALSE(form);
  EXPECT_EQ(form.error().code, ErrorCode::kUnsupported);
  auto octet = ParseMultipart(FilePart("f", "a", "application/octet-stream", "x") + kEnd, "XyZ");
  EXPECT_TRUE(octet);
}

}  // namespace
}  // namespace noisett::http
