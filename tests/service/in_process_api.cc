// The API in process.
#include "service/in_process_api.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include "app/config.h"
#include "auth/dev_issuer.h"
#include "cli/web_setup.h"
#include "core/clock.h"
#include "core/text.h"
#include "http/api.h"
#include "http/response_head.h"
#include "image/pipeline.h"

namespace noisett::service_e2e {
namespace {

constexpr uint64_t kLargeBodyBytes = 64 * 1024;  // as the server: larger bodies are checked first

// "HTTP/1.1 200 OK\r\nName: value\r\n...\r\n\r\n" into `out`'s status and headers.
void ParseHead(const std::string& head, RawResponse* out) {
  size_t line_end = head.find("\r\n");
  const std::string status_line = head.substr(0, line_end);
  out->status = std::atoi(status_line.c_str() + status_line.find(' ') + 1);
  while (line_end != std::string::npos && line_end + 2 < head.size()) {
    const size_t start = line_end + 2;
    line_end = head.find("\r\n", start);
    const std::string line = head.substr(start, line_end - start);
    const size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    const size_t value = line.find_first_not_of(' ', colon + 1);
    out->headers[AsciiLowercase(line.substr(0, colon))] =
        value == std::string::npos ? "" : line.substr(value);
  }
}

}  // namespace

std::string InProcessApi::Start(const std::string& data_dir, const std::vector<std::string>& flags,
                                const std::string& public_url) {
  image::InitPipeline();
  data_dir_ = data_dir;
  app::Flags given = {{"--auth", "dev"}, {"--data-dir", data_dir}, {"--public-url", public_url}};
  for (size_t i = 0; i + 1 < flags.size(); i += 2) given[flags[i]] = flags[i + 1];
  auto config = app::LoadConfig(app::kServe, given, {});
  if (!config) return config.error().ToString();
  // The dev issuer's key exists before the token checker first reads its JWKS.
  if (auto issuer = auth::DevIssuer::Open(data_dir); !issuer) return issuer.error().ToString();
  app::AppOptions options;
  options.authenticator = true;
  options.create_store = true;
  auto opened = app::App::Open(*config, options);
  if (!opened) return opened.error().ToString();
  app_ = std::move(*opened);
  app_->StartJobRunner();  // as serve does
  auto web =
      cli::WebConfigFromSettings(*config, app_->generator().name(),
                                 {app_->public_url(), config->backend.cdn_url, app_->store_url()});
  if (!web) return web.error().ToString();
  web_ = std::move(*web);
  http::ApiDeps deps{app_->service(), *app_->authenticator(), app_->local_links(),
                     app_->blobs(),   app_->container(),      app_->clock()};
  deps.metrics = &app_->metrics();
  deps.web = &web_;
  handler_ = http::MakeApiHandler(deps);
  return "";
}

RawResponse InProcessApi::Send(const RawRequest& raw) {
  http::HttpRequest request;
  request.method = raw.method;
  request.target = raw.target;
  for (const auto& [name, value] : raw.headers) request.headers.Add(name, value);
  const uint64_t length = raw.content_length.value_or(raw.body.size());
  if (length > 0 || raw.method == "POST" || raw.method == "PUT") {
    request.headers.Add("Content-Length", std::to_string(length));
  }
  request.remote = "127.0.0.1:1";
  request.request_id = "inproc" + std::to_string(next_request_++);
  std::unique_ptr<http::Exchange> exchange = handler_.open(request);
  std::optional<http::HttpResponse> refusal;
  if (length > kLargeBodyBytes) refusal = exchange->AdmitBody(request);
  request.body = raw.body;
  http::HttpResponse answer = refusal ? std::move(*refusal) : exchange->Handle(request);
  http::HeadOptions head;
  head.keep_alive = !refusal && !answer.close;
  head.head_request = raw.method == "HEAD";
  head.request_id = request.request_id;
  RawResponse out;
  ParseHead(http::ResponseHead(answer, head), &out);
  if (!head.head_request && !http::NoBodyStatus(answer.status)) {
    out.body = std::move(answer.body);
    if (answer.file) {  // the server would sendfile these bytes
      out.body.resize(answer.file->length);
      const ssize_t n = ::pread(answer.file->fd, out.body.data(), out.body.size(),
                                static_cast<off_t>(answer.file->offset));
      EXPECT_EQ(n, static_cast<ssize_t>(out.body.size())) << "a short file body";
    }
  }
  return out;
}

std::string InProcessApi::Token(const std::string& user) {
  auto issuer = auth::DevIssuer::Open(data_dir_);
  EXPECT_TRUE(issuer) << issuer.error().ToString();
  if (!issuer) return "";
  auth::DevTokenRequest request;
  request.user = user;
  auto token = issuer->Mint(request, SystemClock::Instance().NowSeconds());
  EXPECT_TRUE(token) << token.error().ToString();
  return token ? *token : "";
}

}  // namespace noisett::service_e2e
