// azure_bench: put and get rates of 200 KB blobs through Noisett's AzureBlobStore (AzureClient,
// Shared Key) against an Azurite, for bench/azure.sh, which runs bench/azure_sdk.mjs (the official
// @azure/storage-blob SDK) the same way against the same Azurite.
//
// N worker threads share one store (so one AzureClient and its connection reuse, as in the
// server) and each keeps one request in flight until --seconds have passed: N requests in flight.
// Blob names cycle through --blobs names, so puts overwrite and gets read a working set the put
// phase (or an untimed prefill) wrote. Every get checks the size it got; the first checks every
// byte. Each worker makes one untimed request first, so connection set-up (TCP + TLS) is not timed.
// Any failed request stops the run with its error: a fast error is no result.
//
// Rates are requests per wall-clock second (the client and Azurite share the machine's cores).
//
// Usage: azure_bench --endpoint URL --ca FILE --container NAME --op put|get --concurrency N
//                    [--seconds 10] [--size 204800] [--blobs 64]
//                    [--account devstoreaccount1] [--key BASE64]
// Prints one line: "op<TAB>concurrency<TAB>requests<TAB>seconds<TAB>p50_ms<TAB>p99_ms".

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "storage/azure/azure_blob_store.h"
#include "storage/azure/azure_client.h"
#include "storage/azure/azure_config.h"

namespace {

namespace azure = noisett::storage::azure;
namespace storage = noisett::storage;
using SteadyClock = std::chrono::steady_clock;

// Azurite's well-known development key (published by Microsoft; not a secret).
constexpr char kAzuriteKey[] =
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "azure_bench: %s\n", what.c_str());
  std::exit(1);
}

struct Options {
  std::string endpoint, ca_file, container, op;
  std::string account = "devstoreaccount1";
  std::string key = kAzuriteKey;
  int concurrency = 1;
  int seconds = 10;
  size_t size = 200 * 1024;
  int blobs = 64;
};

int PositiveInt(const char* flag, const char* text) {
  char* end = nullptr;
  long v = std::strtol(text, &end, 10);
  if (end == text || *end != '\0' || v < 1 || v > 100'000'000) {
    Die(std::string(flag) + " needs a positive integer, got '" + text + "'");
  }
  return static_cast<int>(v);
}

Options ParseOptions(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string_view flag = argv[i];
    if (i + 1 >= argc) Die("missing value after " + std::string(flag));
    const char* value = argv[++i];
    if (flag == "--endpoint") o.endpoint = value;
    else if (flag == "--ca") o.ca_file = value;
    else if (flag == "--container") o.container = value;
    else if (flag == "--op") o.op = value;
    else if (flag == "--account") o.account = value;
    else if (flag == "--key") o.key = value;
    else if (flag == "--concurrency") o.concurrency = PositiveInt("--concurrency", value);
    else if (flag == "--seconds") o.seconds = PositiveInt("--seconds", value);
    else if (flag == "--size") o.size = PositiveInt("--size", value);
    else if (flag == "--blobs") o.blobs = PositiveInt("--blobs", value);
    else Die("unknown flag " + std::string(flag));
  }
  if (o.endpoint.empty() || o.container.empty()) Die("--endpoint and --container are required");
  if (o.op != "put" && o.op != "get") Die("--op must be put or get");
  return o;
}

std::string BlobName(int i) {
  char name[64];
  std::snprintf(name, sizeof name, "bench/blob-%04d.jpg", i);
  return name;
}

std::string RandomBytes(size_t size) {
  std::mt19937_64 rng(20261124);
  std::string bytes(size, '\0');
  for (auto& c : bytes) c = static_cast<char>(rng() & 0xff);
  return bytes;
}

class Bench {
 public:
  Bench(const Options& options, storage::BlobStore& store)
      : options_(options), store_(store), payload_(RandomBytes(options.size)) {
    put_options_.content_type = "image/jpeg";
    put_options_.cache_control = "public, max-age=31536000, immutable";
  }

  // One request on blob i; dies on any failure or a wrong answer.
  void Once(int i, bool check_bytes) {
    std::string name = BlobName(i % options_.blobs);
    if (options_.op == "put") {
      auto r = store_.Put(name, payload_, put_options_);
      if (!r) Die("put " + name + ": " + r.error().ToString());
      return;
    }
    auto r = store_.Get(name);
    if (!r) Die("get " + name + ": " + r.error().ToString());
    if (r->bytes.size() != payload_.size()) {
      Die("get " + name + ": " + std::to_string(r->bytes.size()) + " bytes, expected " +
          std::to_string(payload_.size()));
    }
    if (check_bytes && r->bytes != payload_) Die("get " + name + ": the bytes differ");
  }

  void Prefill() {
    for (int i = 0; i < options_.blobs; ++i) {
      auto r = store_.Put(BlobName(i), payload_, put_options_);
      if (!r) Die("prefill: " + r.error().ToString());
    }
  }

  // Runs the workers; prints the TSV line.
  void Run() {
    std::atomic<int> next{0};
    std::atomic<int> warm{0};
    std::atomic<bool> go{false};
    std::vector<std::vector<double>> latencies(options_.concurrency);
    std::vector<std::thread> workers;
    // Written before `go` is released, read after it is acquired.
    SteadyClock::time_point start, deadline;
    for (int w = 0; w < options_.concurrency; ++w) {
      workers.emplace_back([&, w] {
        Once(w, /*check_bytes=*/true);  // untimed: opens this worker's connection
        warm.fetch_add(1);
        while (!go.load(std::memory_order_acquire)) std::this_thread::yield();
        auto& mine = latencies[w];
        for (auto t0 = SteadyClock::now(); t0 < deadline; t0 = SteadyClock::now()) {
          Once(next.fetch_add(1), /*check_bytes=*/false);
          mine.push_back(std::chrono::duration<double, std::milli>(SteadyClock::now() - t0).count());
        }
      });
    }
    while (warm.load() < options_.concurrency) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    start = SteadyClock::now();
    deadline = start + std::chrono::seconds(options_.seconds);
    go.store(true, std::memory_order_release);
    for (auto& t : workers) t.join();
    double elapsed = std::chrono::duration<double>(SteadyClock::now() - start).count();

    std::vector<double> all;
    for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
    if (all.empty()) Die("no request finished");
    std::sort(all.begin(), all.end());
    auto at = [&](double q) { return all[std::min(all.size() - 1, size_t(q * all.size()))]; };
    std::printf("%s\t%d\t%zu\t%.3f\t%.2f\t%.2f\n", options_.op.c_str(), options_.concurrency,
                all.size(), elapsed, at(0.50), at(0.99));
  }

 private:
  const Options& options_;
  storage::BlobStore& store_;
  const std::string payload_;
  storage::PutOptions put_options_;
};

}  // namespace

int main(int argc, char** argv) {
  Options options = ParseOptions(argc, argv);

  azure::AzureConfig config;
  config.account = options.account;
  config.container = options.container;
  config.endpoint = options.endpoint;
  config.account_key = options.key;
  config.ca_file = options.ca_file;
  auto client = azure::AzureClient::Create(config, nullptr, noisett::SystemClock::Instance());
  if (!client) Die("AzureClient::Create: " + client.error().ToString());
  azure::AzureBlobStore store(**client);
  if (auto s = store.EnsureContainer(); !s) Die("EnsureContainer: " + s.error().ToString());

  Bench bench(options, store);
  if (options.op == "get") bench.Prefill();
  bench.Run();
  return 0;
}
