// The access-log line: fields, sanitizing, and no query (link signatures) in it.
#include "http/access_log.h"

#include <gtest/gtest.h>

namespace noisett::http {
namespace {

TEST(AccessLogTest, OneLineWithTheFields) {
  AccessEntry e;
  e.request_id = "abc";
  e.method = "GET";
  e.path = "/blobs/c/x.jpg?sig=SECRETSIG&se=2030";
  e.route = "/blobs/*";
  e.status = 200;
  e.bytes_in = 0;
  e.bytes_out = 42;
  e.latency_ms = 1.5;
  e.remote = "127.0.0.1:5000";
  e.user = "alice";
  std::string line = FormatAccessLine(e);
  EXPECT_EQ(line,
            "access id=abc method=GET path=/blobs/c/x.jpg route=/blobs/* status=200 bytes_in=0 "
            "bytes_out=42 ms=1.50 remote=127.0.0.1:5000 user=alice");
  EXPECT_EQ(line.find("SECRETSIG"), std::string::npos);
}

TEST(AccessLogTest, ClientBytesCannotForgeFieldsOrLines) {
  AccessEntry e;
  e.method = "GET";
  e.path = "/x\r\naccess id=forged status=200\" user=\\admin";
  e.error = "bad path";
  std::string line = FormatAccessLine(e);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_EQ(line.find('\r'), std::string::npos);
  EXPECT_NE(line.find("path=\"/x\\x0d\\x0aaccess id=forged status=200\\x22 user=\\x5cadmin\""),
            std::string::npos)
      << line;
  EXPECT_NE(line.find("error=\"bad path\""), std::string::npos);
  EXPECT_NE(line.find("user=-"), std::string::npos);
}

TEST(AccessLogTest, LongValuesAreCut) {
  AccessEntry e;
  e.path = "/" + std::string(1000, 'a');
  EXPECT_LT(FormatAccessLine(e).size(), 500u);
}

}  // namespace
}  // namespace noisett::http
