// A small Replicate predictions API on 127.0.0.1 (an ephemeral port, one thread, one request per
// connection) for the replicate generator's tests: the paid service cannot be reached from here.
// It checks the Bearer token, records every create (path, Authorization, JSON body), GET and
// cancel, moves each prediction starting -> processing -> succeeded after a set number of polls,
// and serves the output images itself under /files/ (no token needed there, like Replicate's file
// host; it records whether one was sent anyway). Scenario switches make it misbehave.
//
//   FakeReplicate fake("r8_test");
//   fake.SetImage(7, png);
//   options.base_url = fake.BaseUrl();
//   ... generator.Generate(request) ...
//   EXPECT_EQ(fake.Creates()[0].body["input"]["seed"], 7);
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

namespace noisett::testing {

class FakeReplicate {
 public:
  using Clock = std::chrono::steady_clock;

  enum class Scenario {
    kSucceed,           // succeeded after PollsToFinish GETs, one output URL (an array)
    kSucceedString,     // the same, the output a plain URL string
    kFail,              // failed after PollsToFinish GETs, error = SetFailureText
    kNeverFinish,       // processing forever
    kThrottleOnce,      // the first GET answers 429 with Retry-After: 1, then as kSucceed
    kServerError,       // create answers 500
    kRefuseInput,       // create answers 422 with a validation detail
    kRefusedAddress,    // succeeds with the output http://169.254.169.254/latest/meta-data/
    kTwoOutputs,        // succeeds with two output URLs for one image
    kMalformedJson,     // GET answers a truncated JSON document
  };

  struct Create {
    std::string path;
    std::string authorization;
    nlohmann::json body;  // null when the body was not JSON
  };

  // Binds 127.0.0.1:0 and serves; `token` is the one accepted. Aborts when it cannot bind.
  explicit FakeReplicate(std::string token);
  ~FakeReplicate();
  FakeReplicate(const FakeReplicate&) = delete;
  FakeReplicate& operator=(const FakeReplicate&) = delete;

  std::string BaseUrl() const;  // "http://127.0.0.1:PORT"

  void SetScenario(Scenario scenario);
  void SetPollsToFinish(int polls);  // default 3
  // A prediction also runs at least this long from its create, as a real model does (5-60 s);
  // default 0.
  void SetLatency(std::chrono::milliseconds latency);
  void SetFailureText(std::string text);
  // The bytes the output of the prediction made with `seed` serves (default: "no image").
  void SetImage(int64_t seed, std::string bytes);

  std::vector<Create> Creates() const;
  std::vector<Clock::time_point> PollTimes() const;  // each GET /v1/predictions/{id}, 429s too
  std::vector<std::string> Cancels() const;          // ids, in order
  int FileHits() const;
  int FileHitsWithAuthorization() const;
  // Every Authorization header value received by the API paths (to see what was sent).
  std::vector<std::string> Authorizations() const;

 private:
  struct Request;
  struct Response;
  struct Prediction {
    std::string id;
    int64_t seed = 0;
    int polls = 0;
    std::string status = "starting";
    Clock::time_point created = Clock::now();
  };

  void Serve();
  void HandleConnection(int fd);
  Response Route(const Request& request);
  Response HandleCreate(const Request& request);
  Response HandleGet(const std::string& id);
  Response HandleCancel(const std::string& id);
  Response HandleFile(const Request& request, const std::string& name);
  nlohmann::json ToJson(const Prediction& p) const;
  std::string FileUrl(const Prediction& p, int index) const;

  int listen_fd_ = -1;
  int wake_pipe_[2] = {-1, -1};
  uint16_t port_ = 0;
  std::thread thread_;

  mutable std::mutex mu_;  // guards everything below
  std::string token_;
  Scenario scenario_ = Scenario::kSucceed;
  int polls_to_finish_ = 3;
  std::chrono::milliseconds latency_{0};
  std::string failure_text_ = "the model crashed";
  std::map<int64_t, std::string> images_;
  std::map<std::string, Prediction> predictions_;
  std::vector<Create> creates_;
  std::vector<Clock::time_point> poll_times_;
  std::vector<std::string> cancels_;
  std::vector<std::string> authorizations_;
  int file_hits_ = 0;
  int file_hits_with_auth_ = 0;
  bool throttled_ = false;
};

}  // namespace noisett::testing
