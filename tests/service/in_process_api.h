// The API of `noisett serve` in this process: the App built from the same settings as a
// server started by the suite would get, its web gallery settings, and http::MakeApiHandler's
// routes, answering RawRequests as the server does (the same Exchange steps: open from the head,
// the body check for a large body, then Handle; the same response head) but without a socket.
// For the suites about commands and answers; what is about the transport (framing, limits, time
// outs, connections) stays on a real server.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "app/app.h"
#include "http/handler.h"
#include "http/web_routes.h"
#include "service/raw_http.h"

namespace noisett::service_e2e {

class InProcessApi {
 public:
  // Opens the App over `data_dir` with `--auth dev`, the store `flags` name (as `serve` takes
  // them) and links at `public_url`. "" or what went wrong.
  std::string Start(const std::string& data_dir, const std::vector<std::string>& flags,
                    const std::string& public_url);

  // The answer the server would send to `request` (header names lower-cased, as RawResponse has
  // them); a HEAD answer has no body.
  RawResponse Send(const RawRequest& request);

  // A dev-issuer token for `user`, minted in process.
  std::string Token(const std::string& user);

  app::App& app() { return *app_; }

 private:
  std::string data_dir_;
  std::unique_ptr<app::App> app_;
  http::WebConfig web_;
  http::Handler handler_;
  uint64_t next_request_ = 1;
};

}  // namespace noisett::service_e2e
