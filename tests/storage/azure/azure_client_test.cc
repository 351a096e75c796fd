// AzureClient against a recording loopback server: the exact requests it sends (URL encoding,
// x-ms-* headers, Shared Key recomputed here independently from what arrived, bearer tokens), the
// retry policy (which failures are retried, how often, Retry-After), timeouts, connection reuse,
// and Azure error responses turned into our errors.
#include "storage/azure/azure_client.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <ctime>
#include <map>
#include <mutex>
#include <regex>
#include <thread>
#include <vector>

#include "core/base64.h"
#include "core/log.h"
#include "core/percent_encoding.h"
#include "core/text.h"
#include "storage/hmac.h"
#include "support/recording_http_server.h"

namespace noisett::storage::azure {
namespace {

using testing::RecordedRequest;
using testing::RecordingHttpServer;
using testing::Reply;
using Clock = std::chrono::steady_clock;

constexpr char kAccount[] = "devstoreaccount1";
constexpr char kDevKey[] =
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

RetryPolicy FastRetry(int max_attempts = 4) {
  RetryPolicy policy;
  policy.max_attempts = max_attempts;
  policy.base_delay_ms = 5;
  policy.max_delay_ms = 20;
  policy.connect_timeout_ms = 2000;
  policy.timeout_ms = 5000;
  return policy;
}

AzureConfig PathStyleConfig(const RecordingHttpServer& server) {
  AzureConfig config;
  config.account = kAccount;
  config.container = "images";
  config.endpoint = server.BaseUrl() + "/" + kAccount;
  config.account_key = kDevKey;
  return config;
}

std::unique_ptr<AzureClient> MakeClient(AzureConfig config, RetryPolicy policy = FastRetry(),
                                        std::shared_ptr<TokenCredential> credential = nullptr) {
  auto client = AzureClient::Create(std::move(config), std::move(credential),
                                    SystemClock::Instance(), policy);
  EXPECT_TRUE(client) << client.error().ToString();
  return client ? std::move(*client) : nullptr;
}

class FixedToken final : public TokenCredential {
 public:
  explicit FixedToken(std::string token) : token_(std::move(token)) {}
  Result<AccessToken> GetToken() override {
    ++calls;
    if (token_.empty()) {
      return Unexpected(MakeError(ErrorCode::kUnauthenticated, "credential_failed", "refused"));
    }
    return AccessToken{token_, 4102444800};
  }
  std::string Describe() const override { return "test token"; }
  std::atomic<int> calls{0};

 private:
  std::string token_;
};

// Captures log lines for the test's lifetime.
class LogCapture {
 public:
  LogCapture() {
    previous_ = SetLogSink([this](LogLevel, std::string_view line) {
      std::lock_guard lock(mu_);
      lines_.emplace_back(line);
    });
    SetLogLevel(LogLevel::kDebug);
  }
  ~LogCapture() {
    SetLogSink(previous_);
    SetLogLevel(LogLevel::kInfo);
  }
  std::vector<std::string> Lines() {
    std::lock_guard lock(mu_);
    return lines_;
  }

 private:
  LogSink previous_;
  std::mutex mu_;
  std::vector<std::string> lines_;
};

// ---- An independent Shared Key implementation, from the recorded request alone ----

std::string Decoded(std::string_view text) {
  return PercentDecode(text).value_or("<bad %-escape>");
}

std::string ExpectedAuthorization(const RecordedRequest& r, const std::string& account) {
  std::map<std::string, std::string> headers;  // lowercased; one value each in these tests
  for (const auto& [name, value] : r.headers) headers[AsciiLowercase(name)] = value;
  auto get = [&](const char* name) { return headers.count(name) ? headers[name] : ""; };
  std::string length = get("content-length");
  if (length == "0") length = "";
  std::string s = r.method + "\n" + get("content-encoding") + "\n" + get("content-language") +
                  "\n" + length + "\n" + get("content-md5") + "\n" + get("content-type") + "\n" +
                  "\n" + get("if-modified-since") + "\n" + get("if-match") + "\n" +
                  get("if-none-match") + "\n" + get("if-unmodified-since") + "\n" + get("range") +
                  "\n";
  for (const auto& [name, value] : headers) {  // std::map: already sorted
    if (name.rfind("x-ms-", 0) == 0) s += name + ":" + value + "\n";
  }
  s += "/" + account + r.Path();
  std::map<std::string, std::vector<std::string>> query;
  const std::string q = r.Query();
  for (size_t start = 0; start < q.size();) {
    const size_t end = std::min(q.find('&', start), q.size());
    const std::string item = q.substr(start, end - start);
    const size_t eq = item.find('=');
    query[AsciiLowercase(Decoded(item.substr(0, eq)))].push_back(Decoded(item.substr(eq + 1)));
    start = end + 1;
  }
  for (auto& [name, values] : query) {
    std::sort(values.begin(), values.end());
    s += "\n" + name + ":";
    for (size_t i = 0; i < values.size(); ++i) s += (i ? "," : "") + values[i];
  }
  auto key = Base64Decode(kDevKey);
  auto mac = crypto::HmacSha256(*key, s);
  return "SharedKey " + account + ":" + Base64Encode(*mac);
}

Reply Ok200(std::string body = "") { return Reply{200, {}, std::move(body)}; }

// ---- Request shape ----

TEST(AzureClientTest, RequestShapeAndEncoding) {
  RecordingHttpServer server([](const RecordedRequest&) { return Reply{201, {}, ""}; });
  auto client = MakeClient(PathStyleConfig(server));
  ASSERT_TRUE(client);
  AzureRequest request;
  request.method = "PUT";
  request.path = "/images/dir one/\xC3\xBCn\xC3\xAF+code #1?.jpg";
  request.query = {{"comp", "tags"}, {"where", "@container='x' AND \"k\"='v w'"}};
  request.headers = {{"Content-Type", "image/jpeg"}, {"x-ms-blob-type", "BlockBlob"}};
  request.body = "hello";
  auto response = client->Send(request);
  ASSERT_TRUE(response) << response.error().ToString();
  EXPECT_EQ(response->status, 201);

  const auto requests = server.Requests();
  ASSERT_EQ(requests.size(), 1u);
  const RecordedRequest& r = requests[0];
  EXPECT_EQ(r.method, "PUT");
  EXPECT_EQ(r.Path(), "/devstoreaccount1/images/dir%20one/%C3%BCn%C3%AF%2Bcode%20%231%3F.jpg");
  EXPECT_EQ(r.Query(), "comp=tags&where=%40container%3D%27x%27%20AND%20%22k%22%3D%27v%20w%27");
  EXPECT_EQ(r.Header("x-ms-version"), kRestVersion);
  EXPECT_EQ(r.Header("x-ms-blob-type"), "BlockBlob");
  EXPECT_EQ(r.Header("content-type"), "image/jpeg");
  EXPECT_EQ(r.Header("content-length"), "5");
  EXPECT_EQ(r.body, "hello");
  EXPECT_FALSE(r.HasHeader("expect"));  // no 100-continue round trip
  // x-ms-date: RFC 1123 and now (Azure refuses more than 15 minutes of skew).
  std::tm tm{};
  const std::string date = r.Header("x-ms-date");
  ASSERT_NE(strptime(date.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm), nullptr) << date;
  EXPECT_LE(std::abs(int64_t(timegm(&tm)) - SystemClock::Instance().NowSeconds()), 60) << date;
  const std::string id = r.Header("x-ms-client-request-id");
  EXPECT_TRUE(std::regex_match(
      id, std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")))
      << id;
  EXPECT_EQ(response->request_id, id);
}

TEST(AzureClientTest, FreshRequestIdPerCall) {
  RecordingHttpServer server([](const RecordedRequest&) { return Ok200(); });
  auto client = MakeClient(PathStyleConfig(server));
  AzureRequest request;
  request.path = "/images/a";
  ASSERT_TRUE(client->Send(request));
  ASSERT_TRUE(client->Send(request));
  const auto requests = server.Requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_NE(requests[0].Header("x-ms-client-request-id"),
            requests[1].Header("x-ms-client-request-id"));
}

TEST(AzureClientTest, ServiceLevelPathAndBlobUrl) {
  RecordingHttpServer server([](const RecordedRequest&) { return Ok200(); });
  auto client = MakeClient(PathStyleConfig(server));
  AzureRequest request;
  request.method = "POST";
  request.query = {{"restype", "service"}, {"comp", "userdelegationkey"}};
  request.body = "<KeyInfo/>";
  ASSERT_TRUE(client->Send(request));
  const auto r = server.Requests().at(0);
  EXPECT_EQ(r.target, "/devstoreaccount1/?restype=service&comp=userdelegationkey");
  EXPECT_FALSE(r.HasHeader("content-type"));  // curl's form-urlencoded default is suppressed
  EXPECT_EQ(client->BlobUrl("images", "u1/a b+\xC3\xA9.jpg"),
            server.BaseUrl() + "/devstoreaccount1/images/u1/a%20b%2B%C3%A9.jpg");
}

// ---- Authorization ----

TEST(AzureClientTest, SharedKeyMatchesIndependentSigning) {
  RecordingHttpServer server([](const RecordedRequest& r) {
    if (r.method == "HEAD") return Reply{200, {{"Content-Length", "1234"}}, ""};
    return Ok200("data");
  });
  for (const bool path_style : {true, false}) {
    AzureConfig config = PathStyleConfig(server);
    if (!path_style) config.endpoint = server.BaseUrl();  // host-style shape: no account segment
    auto client = MakeClient(config);
    std::vector<AzureRequest> calls(5);
    calls[0].method = "GET";
    calls[0].path = "/images/u1/photo one.jpg";
    calls[0].headers = {{"x-ms-range", "bytes=0-99"}, {"If-None-Match", "\"abc\""}};
    calls[1].method = "PUT";  // empty body: Content-Length 0, signed as empty
    calls[1].path = "/images/u1/photo one.jpg";
    calls[1].query = {{"comp", "tier"}};
    calls[1].headers = {{"x-ms-access-tier", "Cool"}};
    calls[2].method = "HEAD";
    calls[2].path = "/images/\xE2\x82\xAC.png";
    calls[3].method = "DELETE";
    calls[3].path = "/images/x";
    calls[3].headers = {{"x-ms-delete-snapshots", "include"}};
    calls[4].method = "GET";
    calls[4].path = "/images";
    calls[4].query = {{"restype", "container"},
                      {"comp", "list"},
                      {"prefix", "u1/a b"},
                      {"include", "metadata,tags"},
                      {"marker", "2!80!MDAw"}};
    for (const AzureRequest& call : calls) {
      server.ClearRequests();
      auto response = client->Send(call);
      ASSERT_TRUE(response) << call.method << " " << response.error().ToString();
      const auto r = server.Requests().at(0);
      EXPECT_EQ(r.Header("authorization"), ExpectedAuthorization(r, kAccount))
          << call.method << " " << r.target << " path_style=" << path_style;
    }
  }
}

TEST(AzureClientTest, BearerTokenFromCredential) {
  RecordingHttpServer server([](const RecordedRequest&) { return Ok200(); });
  AzureConfig config = PathStyleConfig(server);
  config.account_key.clear();
  auto credential = std::make_shared<FixedToken>("tok-123");
  auto client = MakeClient(config, FastRetry(), credential);
  ASSERT_TRUE(client);
  EXPECT_FALSE(client->uses_shared_key());
  AzureRequest request;
  request.path = "/images/a";
  ASSERT_TRUE(client->Send(request));
  const auto r = server.Requests().at(0);
  EXPECT_EQ(r.Header("authorization"), "Bearer tok-123");
  EXPECT_EQ(r.Header("x-ms-version"), kRestVersion);
  EXPECT_EQ(credential->calls.load(), 1);
}

TEST(AzureClientTest, CredentialFailureSendsNothing) {
  RecordingHttpServer server([](const RecordedRequest&) { return Ok200(); });
  AzureConfig config = PathStyleConfig(server);
  config.account_key.clear();
  auto client = MakeClient(config, FastRetry(), std::make_shared<FixedToken>(""));
  AzureRequest request;
  request.path = "/images/a";
  auto response = client->Send(request);
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(response.error().reason, "credential_failed");
  EXPECT_TRUE(server.Requests().empty());
}

TEST(AzureClientTest, CreateChecksCredentials) {
  AzureConfig config;
  config.account = "prodacct";
  config.endpoint = "https://prodacct.blob.core.windows.net";
  auto none = AzureClient::Create(config, nullptr, SystemClock::Instance());
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().reason, "azure_no_credential");
  config.account_key = "not*base64";
  auto bad = AzureClient::Create(config, nullptr, SystemClock::Instance());
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().reason, "bad_account_key");
  EXPECT_EQ(bad.error().message.find("not*base64"), std::string::npos);
}

TEST(AzureClientTest, SharedKeyOffLoopbackWarns) {
  AzureConfig config;
  config.account = "prodacct";
  config.endpoint = "https://prodacct.blob.core.windows.net";
  config.account_key = kDevKey;
  {
    LogCapture logs;
    ASSERT_TRUE(AzureClient::Create(config, nullptr, SystemClock::Instance()));
    const auto lines = logs.Lines();
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_NE(lines[0].find("Shared Key"), std::string::npos) << lines[0];
    EXPECT_EQ(lines[0].find("Eby8vd"), std::string::npos);  // never the key itself
  }
  config.endpoint = "http://127.0.0.1:10000/devstoreaccount1";
  LogCapture logs;
  ASSERT_TRUE(AzureClient::Create(config, nullptr, SystemClock::Instance()));
  EXPECT_TRUE(logs.Lines().empty());
}

// ---- Retries ----

struct FailureCase {
  const char* name;
  int status;  // 0: the connection is dropped without an answer
  std::vector<std::pair<std::string, std::string>> headers;
};

class RetryTest : public ::testing::TestWithParam<FailureCase> {};

// The server fails N times, then answers 200: one success after exactly N + 1 requests, all
// with the call's one client request id.
TEST_P(RetryTest, SucceedsAfterTransientFailures) {
  const FailureCase c = GetParam();
  const int failures = c.headers.empty() ? 3 : 1;  // Retry-After: 1 costs a real second
  std::atomic<int> seen{0};
  RecordingHttpServer server([&](const RecordedRequest&) {
    if (seen++ < failures) return Reply{c.status, c.headers, ""};
    return Ok200("done");
  });
  auto client = MakeClient(PathStyleConfig(server), FastRetry(4));
  AzureRequest request;
  request.path = "/images/a";
  const auto start = Clock::now();
  auto response = client->Send(request);
  const auto elapsed = Clock::now() - start;
  ASSERT_TRUE(response) << response.error().ToString();
  EXPECT_EQ(response->body, "done");
  const auto requests = server.Requests();
  ASSERT_EQ(requests.size(), size_t(failures + 1));
  for (const auto& r : requests) {
    EXPECT_EQ(r.Header("x-ms-client-request-id"), response->request_id);
  }
  if (!c.headers.empty()) {
    EXPECT_GE(elapsed, std::chrono::milliseconds(950)) << "Retry-After: 1 was not honoured";
  } else {
    EXPECT_LT(elapsed, std::chrono::seconds(2));
  }
}

INSTANTIATE_TEST_SUITE_P(
    Failures, RetryTest,
    ::testing::Values(FailureCase{"Status503", 503, {}}, FailureCase{"Status500", 500, {}},
                      FailureCase{"Status502", 502, {}}, FailureCase{"Status504", 504, {}},
                      FailureCase{"Status408", 408, {}}, FailureCase{"Dropped", 0, {}},
                      FailureCase{"Status429RetryAfter", 429, {{"Retry-After", "1"}}}),
    [](const ::testing::TestParamInfo<FailureCase>& p) { return std::string(p.param.name); });

TEST(AzureClientTest, NonRetryableStatusesAreSentOnce) {
  for (const int status : {400, 401, 403, 404, 409, 412}) {
    RecordingHttpServer server([&](const RecordedRequest&) { return Reply{status, {}, ""}; });
    auto client = MakeClient(PathStyleConfig(server), FastRetry(4));
    AzureRequest request;
    request.path = "/images/a";
    ASSERT_FALSE(client->Send(request)) << status;
    EXPECT_EQ(server.Requests().size(), 1u) << status;
  }
}

TEST(AzureClientTest, NonIdempotentIsNotRetriedOnceSent) {
  for (const int status : {503, 500, 0}) {
    RecordingHttpServer server([&](const RecordedRequest&) { return Reply{status, {}, ""}; });
    auto client = MakeClient(PathStyleConfig(server), FastRetry(4));
    AzureRequest request;
    request.method = "PUT";
    request.path = "/images/a";
    request.query = {{"comp", "undelete"}};
    request.idempotent = false;
    auto response = client->Send(request);
    ASSERT_FALSE(response) << status;
    EXPECT_EQ(response.error().code, ErrorCode::kUnavailable) << status;
    EXPECT_EQ(server.Requests().size(), 1u) << status;
  }
}

TEST(AzureClientTest, NonIdempotentIsRetriedWhenTheConnectFailed) {
  int port = 0;
  {
    RecordingHttpServer closed([](const RecordedRequest&) { return Ok200(); });
    port = closed.port();
  }  // stopped: the port now refuses connections
  AzureConfig config;
  config.account = kAccount;
  config.endpoint = "http://127.0.0.1:" + std::to_string(port) + "/" + kAccount;
  config.account_key = kDevKey;
  auto client = MakeClient(config, FastRetry(3));
  AzureRequest request;
  request.method = "PUT";
  request.path = "/images/a";
  request.idempotent = false;
  LogCapture logs;
  auto response = client->Send(request);
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(response.error().reason, "StoreUnavailable");
  EXPECT_NE(response.error().message.find("client request id"), std::string::npos);
  const auto lines = logs.Lines();
  // Nothing reached a server, so all three attempts were made, each logged.
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_NE(lines[2].find("attempt 3/3"), std::string::npos) << lines[2];
}

TEST(AzureClientTest, GivesUpAfterMaxAttempts) {
  RecordingHttpServer server([](const RecordedRequest&) {
    return Reply{503,
                 {{"x-ms-error-code", "ServerBusy"}},
                 "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>ServerBusy</Code>"
                 "<Message>The server is busy.\nRequestId:abc\nTime:now</Message></Error>"};
  });
  auto client = MakeClient(PathStyleConfig(server), FastRetry(3));
  AzureRequest request;
  request.path = "/images/a";
  auto response = client->Send(request);
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(response.error().reason, "ServerBusy");
  EXPECT_EQ(server.Requests().size(), 3u);
}

TEST(AzureClientTest, HugeRetryAfterIsNotWaitedFor) {
  RecordingHttpServer server([](const RecordedRequest&) {
    return Reply{503, {{"Retry-After", "3600"}}, ""};
  });
  auto client = MakeClient(PathStyleConfig(server), FastRetry(4));
  AzureRequest request;
  request.path = "/images/a";
  const auto start = Clock::now();
  ASSERT_FALSE(client->Send(request));
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(2));
  EXPECT_EQ(server.Requests().size(), 1u);
}

// ---- Transport ----

TEST(AzureClientTest, ReusesOneConnection) {
  RecordingHttpServer server([](const RecordedRequest&) { return Ok200("x"); });
  auto client = MakeClient(PathStyleConfig(server));
  for (int i = 0; i < 6; ++i) {
    AzureRequest request;
    request.method = i % 2 ? "PUT" : "GET";
    request.path = "/images/a" + std::to_string(i);
    request.body = i % 2 ? "body" : "";
    ASSERT_TRUE(client->Send(request));
  }
  const auto requests = server.Requests();
  ASSERT_EQ(requests.size(), 6u);
  for (const auto& r : requests) EXPECT_EQ(r.connection, requests[0].connection);
  EXPECT_EQ(server.Connections(), 1);
}

TEST(AzureClientTest, SlowServerTimesOutPromptly) {
  RecordingHttpServer server([](const RecordedRequest&) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    return Ok200();
  });
  RetryPolicy policy = FastRetry(1);
  policy.timeout_ms = 300;
  auto client = MakeClient(PathStyleConfig(server), policy);
  AzureRequest request;
  request.path = "/images/a";
  const auto start = Clock::now();
  auto response = client->Send(request);
  const auto elapsed = Clock::now() - start;
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(response.error().reason, "StoreUnavailable");
  EXPECT_GE(elapsed, std::chrono::milliseconds(250));
  EXPECT_LT(elapsed, std::chrono::milliseconds(1200));
}

TEST(AzureClientTest, HeadAndResponseHeaders) {
  RecordingHttpServer server([](const RecordedRequest&) {
    return Reply{
        200, {{"Content-Length", "1234"}, {"ETag", "\"0x8D\""}, {"X-Ms-Access-Tier", "Cool"}}, ""};
  });
  auto client = MakeClient(PathStyleConfig(server));
  AzureRequest request;
  request.method = "HEAD";
  request.path = "/images/a";
  auto response = client->Send(request);
  ASSERT_TRUE(response) << response.error().ToString();
  EXPECT_EQ(response->Header("content-length"), "1234");
  EXPECT_EQ(response->Header("etag"), "\"0x8D\"");
  EXPECT_EQ(response->Header("x-ms-access-tier"), "Cool");
  EXPECT_EQ(response->Header("absent"), "");
  EXPECT_TRUE(response->body.empty());
}

TEST(AzureClientTest, LargeBlobsBothWays) {
  const std::string blob(12 << 20, 'z');
  RecordingHttpServer server([&](const RecordedRequest& r) {
    return r.method == "PUT" ? Reply{201, {}, ""} : Ok200(blob);
  });
  auto client = MakeClient(PathStyleConfig(server));
  AzureRequest put;
  put.method = "PUT";
  put.path = "/images/big";
  put.body = blob;
  ASSERT_TRUE(client->Send(put));
  EXPECT_EQ(server.Requests().at(0).body.size(), blob.size());
  AzureRequest get;
  get.path = "/images/big";
  auto response = client->Send(get);
  ASSERT_TRUE(response) << response.error().ToString();
  EXPECT_EQ(response->body.size(), blob.size());

  RetryPolicy small = FastRetry();
  small.max_response_bytes = 1 << 20;
  auto capped = MakeClient(PathStyleConfig(server), small);
  server.ClearRequests();
  auto refused = capped->Send(get);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kTooLarge);
  EXPECT_EQ(server.Requests().size(), 1u);  // not retried: it would only fail again
}

TEST(AzureClientTest, ConcurrentCallers) {
  std::atomic<int> served{0};
  RecordingHttpServer server([&](const RecordedRequest& r) {
    ++served;
    return Ok200(r.Path());
  });
  auto client = MakeClient(PathStyleConfig(server));
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        AzureRequest request;
        request.path = "/images/t" + std::to_string(t) + "-" + std::to_string(i);
        auto response = client->Send(request);
        if (response && response->body == "/devstoreaccount1" + request.path) ++ok;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(ok.load(), 80);
  EXPECT_EQ(served.load(), 80);
  EXPECT_LE(server.Connections(), 8 + 2);  // pooled, not one connection per request
}

// ---- Error mapping ----

std::string ErrorXml(const std::string& code, const std::string& message) {
  return "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>" + code + "</Code><Message>" +
         message + "\nRequestId:5f1c\nTime:2024-11-05T08:09:10.0000000Z</Message></Error>";
}

TEST(AzureClientTest, ErrorResponsesMapToOurErrors) {
  struct Case {
    int status;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    ErrorCode code;
    std::string reason;
    std::string message_part;
  };
  const std::vector<Case> cases = {
      {404,
       {{"x-ms-error-code", "BlobNotFound"}},
       ErrorXml("BlobNotFound", "The specified blob does not exist."),
       ErrorCode::kNotFound,
       "BlobNotFound",
       "The specified blob does not exist."},
      // No header: the XML's code.
      {409,
       {},
       ErrorXml("BlobArchived", "This operation is not permitted on an archived blob."),
       ErrorCode::kConflict,
       "BlobArchived",
       "not permitted on an archived blob"},
      {403,
       {{"x-ms-error-code", "AuthorizationPermissionMismatch"}},
       ErrorXml("AuthorizationPermissionMismatch", "This request is not authorized."),
       ErrorCode::kPermissionDenied,
       "AuthorizationPermissionMismatch",
       "not authorized"},
      // The header wins over the body.
      {412,
       {{"x-ms-error-code", "ConditionNotMet"}},
       ErrorXml("Other", "m"),
       ErrorCode::kConflict,
       "ConditionNotMet",
       "HTTP 412"},
      {416, {}, "", ErrorCode::kInvalidArgument, "InvalidRange", "HTTP 416"},
      {413,
       {{"x-ms-error-code", "RequestBodyTooLarge"}},
       "",
       ErrorCode::kTooLarge,
       "RequestBodyTooLarge",
       "HTTP 413"},
      {401,
       {},
       ErrorXml("NoAuthenticationInformation", "No auth."),
       ErrorCode::kUnauthenticated,
       "NoAuthenticationInformation",
       "No auth."},
      {400, {}, "<html>not xml", ErrorCode::kInvalidArgument, "http_400", "HTTP 400"},
      {501,
       {{"x-ms-error-code", "APINotImplemented"}},
       "",
       ErrorCode::kUnsupported,
       "APINotImplemented",
       "HTTP 501"},
  };
  for (const Case& c : cases) {
    RecordingHttpServer server([&](const RecordedRequest&) {
      auto headers = c.headers;
      headers.emplace_back("x-ms-request-id", "server-req-7");
      return Reply{c.status, headers, c.body};
    });
    auto client = MakeClient(PathStyleConfig(server), FastRetry(1));
    AzureRequest request;
    request.path = "/images/u1/a.jpg";
    auto response = client->Send(request);
    ASSERT_FALSE(response) << c.status;
    const Error& e = response.error();
    EXPECT_EQ(e.code, c.code) << c.status;
    EXPECT_EQ(e.reason, c.reason) << c.status;
    EXPECT_NE(e.message.find(c.message_part), std::string::npos) << e.message;
    const std::string id = server.Requests().at(0).Header("x-ms-client-request-id");
    EXPECT_NE(e.message.find(id), std::string::npos) << e.message;
    EXPECT_NE(e.message.find("server-req-7"), std::string::npos) << e.message;
    EXPECT_NE(e.message.find("GET /images/u1/a.jpg"), std::string::npos) << e.message;
    EXPECT_EQ(e.message.find("RequestId:5f1c"), std::string::npos) << e.message;
  }
}

TEST(AzureClientTest, HeadErrorsUseTheHeaderCode) {
  RecordingHttpServer server([](const RecordedRequest&) {
    return Reply{404, {{"x-ms-error-code", "BlobNotFound"}, {"Content-Length", "215"}}, ""};
  });
  auto client = MakeClient(PathStyleConfig(server));
  AzureRequest request;
  request.method = "HEAD";
  request.path = "/images/missing";
  auto response = client->Send(request);
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(response.error().reason, "BlobNotFound");
}

TEST(AzureClientTest, FailuresAreLoggedWithTheRequestId) {
  std::atomic<int> seen{0};
  RecordingHttpServer server([&](const RecordedRequest&) {
    return seen++ == 0 ? Reply{503, {{"x-ms-error-code", "ServerBusy"}}, ""}
                       : Reply{403, {{"x-ms-error-code", "AuthorizationFailure"}}, ""};
  });
  auto client = MakeClient(PathStyleConfig(server));
  AzureRequest request;
  request.method = "DELETE";
  request.path = "/images/u1/gone.jpg";
  LogCapture logs;
  auto response = client->Send(request);
  ASSERT_FALSE(response);
  const std::string id = server.Requests().at(0).Header("x-ms-client-request-id");
  const auto lines = logs.Lines();
  ASSERT_EQ(lines.size(), 2u);  // the retried 503, then the final 403
  for (const std::string& line : lines) {
    EXPECT_NE(line.find(id), std::string::npos) << line;
    EXPECT_NE(line.find("DELETE /images/u1/gone.jpg"), std::string::npos) << line;
    EXPECT_EQ(line.find("SharedKey"), std::string::npos) << line;  // no credentials in logs
  }
  EXPECT_NE(lines[0].find("503"), std::string::npos) << lines[0];
  EXPECT_NE(lines[1].find("403"), std::string::npos) << lines[1];
}

}  // namespace
}  // namespace noisett::storage::azure
