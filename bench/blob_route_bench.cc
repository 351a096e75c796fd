// blob_route_bench: the user-space work of one signed-link GET, on one thread, without a socket
// (issue 23). bench/serve.sh measures whole requests against nginx, where the kernel's TCP, wrk
// and the other developers' compilers share the two cores and move every figure by 20 %; this
// measures only what Noisett's own code costs per request, steadily enough to tell a 0.3 µs
// change apart.
//
// The request is what the server hands the router (session.cc FillRequestHead: method, target,
// a Host header, the request id and the peer), for 20 thumbnails round robin in a real
// LocalBlobStore on a temporary directory, with links from a real LocalLinkSigner. Rows:
//   route       Router::Open, Handle (ServeBlob: link check, read cache, headers), ResponseHead,
//               the access line into a LogBuffer and the request metrics: what session.cc runs
//               between reading a request and sendfile, less Beast's parser and Asio
//   open        Router::Open alone (path split and decode, route match)
//   verify      LocalLinkSigner::VerifyQuery on the raw query
//   store get   LocalBlobStore::Get (ReadAs::kFile) on a cached blob
//   head        ResponseHead of a blob answer
//   access line AppendAccessLine
//   access log  AccessLog::Write: the line into this thread's buffer, and now and then the buffer
//               to the log (stderr: run with 2>/dev/null to time the buffering, not a terminal)
// Rates are per second of CPU time (CLOCK_THREAD_CPUTIME_ID); "allocs" is how many times each op
// called operator new (this binary replaces it to count).
//
// Usage: blob_route_bench [--seconds 2] [--only ROW]   (--only runs one row, e.g. under perf)
#include <time.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <memory>
#include <new>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/log.h"
#include "http/access_log.h"
#include "http/blob_handler.h"
#include "http/request_metrics.h"
#include "http/response_head.h"
#include "http/router.h"
#include "storage/link_keys.h"
#include "storage/link_signer.h"
#include "storage/local_blob_store.h"
#include "storage/query_params.h"

// Counts every allocation made through operator new, for the "allocs" column.
static thread_local uint64_t allocations = 0;

void* operator new(size_t size) {
  ++allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }

namespace {

using namespace noisett;

constexpr char kContainer[] = "noisett-storage";
constexpr char kBase[] = "http://127.0.0.1:8080";

double CpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "blob_route_bench: %s\n", what.c_str());
  std::exit(1);
}

// Runs `op` for about `seconds` of CPU time; prints ops/s and µs/op.
void Row(const char* name, double seconds, const std::function<void()>& op) {
  for (int i = 0; i < 1000; ++i) op();  // warm-up: caches filled, buffers grown
  const uint64_t allocations_before = allocations;
  for (int i = 0; i < 1000; ++i) op();
  const double allocs_per_op = double(allocations - allocations_before) / 1000;
  uint64_t n = 0;
  const double start = CpuSeconds();
  double now = start;
  while (now - start < seconds) {
    for (int i = 0; i < 1000; ++i) op();
    n += 1000;
    now = CpuSeconds();
  }
  const double per_op_us = (now - start) / double(n) * 1e6;
  std::printf("%-12s %12.0f ops/s %8.3f us/op %6.1f allocs\n", name, double(n) / (now - start),
              per_op_us, allocs_per_op);
}

struct Fixture {
  std::string dir;
  SystemClock clock;
  std::unique_ptr<storage::LocalBlobStore> store;
  std::unique_ptr<storage::LocalLinkSigner> signer;
  std::unique_ptr<http::BlobHandlerDeps> deps;
  http::Router router;
  std::vector<std::string> targets;  // path?query of each link
  std::vector<std::string> paths;    // blob names

  Fixture() {
    char tmpl[] = "/tmp/noisett-blob-route-bench-XXXXXX";
    if (mkdtemp(tmpl) == nullptr) Die("mkdtemp failed");
    dir = tmpl;
    storage::LocalStoreConfig config;
    config.root = dir;
    auto opened = storage::LocalBlobStore::Open(config, clock);
    if (!opened) Die(opened.error().ToString());
    store = std::move(*opened);
    auto keys = storage::LinkKeySet::Create({{"local-bench", std::string(32, 'k')}});
    if (!keys) Die(keys.error().ToString());
    auto made = storage::LocalLinkSigner::Create(kBase, std::move(*keys), clock);
    if (!made) Die(made.error().ToString());
    signer = std::move(*made);
    // As the service stores a thumbnail (service/job_store.cc BlobOptionsFor).
    storage::PutOptions put;
    put.content_type = "image/jpeg";
    put.cache_control = "public, max-age=31536000, immutable";
    put.tags = {{"subscription_tier", "free"}, {"blob_kind", "image"}};
    for (int i = 0; i < 20; ++i) {
      // The names a generation job gives its thumbnails.
      char name[96];
      std::snprintf(name, sizeof name,
                    "generated/bench/01M990JEJG56VJ2RPFKJ93G1%02d/thumb_image_0.jpg", i);
      if (!store->Put(name, std::string(13000, char('a' + i)), put)) Die("put failed");
      auto link = signer->Sign(kContainer, name, clock.NowSeconds() + 7200);
      if (!link) Die(link.error().ToString());
      targets.push_back(link->url.substr(std::strlen(kBase)));
      paths.push_back(name);
    }
    deps = std::make_unique<http::BlobHandlerDeps>(
        http::BlobHandlerDeps{*signer, *store, kContainer, clock});
    router.Add(
        "GET", "/blobs/*",
        [this](const http::HttpRequest& q, const http::RouteParams& p) {
          return http::ServeBlob(*deps, q, p);
        },
        http::Lane::kIo);
  }
  ~Fixture() { std::filesystem::remove_all(dir); }

  // As session.cc FillRequestHead makes it.
  http::HttpRequest Request(size_t i) const {
    http::HttpRequest q;
    q.method = "GET";
    q.target = targets[i % targets.size()];
    q.headers.Add("Host", "127.0.0.1:18124");
    q.remote = "127.0.0.1:40000";
    q.request_id = "5e4b7ca6000e5ce6";
    return q;
  }
};

// The access entry of one signed-link GET, as the blob route records it.
http::AccessEntry SignedGetEntry(std::string_view target) {
  http::AccessEntry e;
  e.request_id = "5e4b7ca6000e5ce6";
  e.method = "GET";
  e.path = target;
  e.route = "/blobs/*";
  e.status = 200;
  e.bytes_out = 12857;
  e.remote = "127.0.0.1:40000";
  return e;
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 2;
  std::string only;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--seconds" && i + 1 < argc) {
      seconds = std::atof(argv[++i]);
    } else if (arg == "--only" && i + 1 < argc) {
      only = argv[++i];
    } else {
      Die("usage: blob_route_bench [--seconds 2] [--only ROW]");
    }
  }
  Fixture f;
  LogBuffer log;
  size_t i = 0;
  auto want = [&only](const char* row) { return only.empty() || only == row; };

  // One request as session.cc handles it between its header and sendfile; `log` is the thread's.
  auto route = [&f](size_t n, LogBuffer& out) {
    const http::HttpRequest q = f.Request(n);
    std::unique_ptr<http::Exchange> exchange = f.router.Open(q);
    http::HttpResponse res = exchange->Handle(q);
    if (res.status != 200 || !res.file) Die("the route did not answer 200 with a file");
    http::HeadOptions head;
    head.request_id = q.request_id;
    const std::string bytes = http::ResponseHead(res, head);
    http::AccessEntry e;
    e.request_id = q.request_id;
    e.method = q.method;
    e.path = q.target;
    e.route = res.route;
    e.status = res.status;
    e.bytes_out = res.file->length;
    e.latency_ms = 0.1;
    e.remote = q.remote;
    http::AppendAccessLine(out.StartLine(LogLevel::kInfo), e);
    out.EndLine();
    if (out.bytes() > 64 * 1024) out = LogBuffer();  // dropped, never written
    http::RecordRequest(q.method, res.route, res.status, 0.0001);
  };
  if (want("route")) Row("route", seconds, [&] { route(i++, log); });
  // Two threads at once, as the server's two I/O threads: on 20 blobs, then all on one (what
  // they share, a read cache shard, an entry, counters, moves between the cores).
  for (const char* row : {"route x2", "hot x2"}) {
    if (!want(row)) continue;
    const bool hot = std::string_view(row) == "hot x2";
    std::thread other([&] {
      LogBuffer own;
      Row(row, seconds, [&, n = size_t(1)]() mutable { route(hot ? 0 : n++, own); });
    });
    LogBuffer own;
    size_t n = 0;
    const double until = CpuSeconds() + seconds + 0.2;
    while (CpuSeconds() < until) route(hot ? 0 : n++, own);
    other.join();
  }
  if (want("open")) {
    const http::HttpRequest q = f.Request(0);
    Row("open", seconds, [&] { f.router.Open(q); });
  }
  if (want("verify")) {
    const http::HttpRequest q = f.Request(0);
    const int64_t now = f.clock.NowSeconds();
    Row("verify", seconds, [&] {
      if (!f.signer->VerifyQuery(kContainer, f.paths[0], q.raw_query(), now)) Die("verify failed");
    });
  }
  if (want("store get")) {
    Row("store get", seconds, [&] {
      auto got = f.store->Get(f.paths[i++ % f.paths.size()], std::nullopt, storage::ReadAs::kFile);
      if (!got) Die(got.error().ToString());
    });
  }
  if (want("head")) {
    const http::HttpRequest q = f.Request(0);
    http::HttpResponse res = f.router.Open(q)->Handle(q);
    http::HeadOptions head;
    head.request_id = q.request_id;
    Row("head", seconds, [&] { http::ResponseHead(res, head); });
  }
  if (want("access line")) {
    const http::AccessEntry e = SignedGetEntry(f.targets[0]);
    std::string line;
    Row("access line", seconds, [&] {
      line.clear();
      http::AppendAccessLine(&line, e);
    });
  }
  if (want("access log")) {
    const http::AccessEntry e = SignedGetEntry(f.targets[0]);
    http::AccessLog access_log;
    Row("access log", seconds, [&] { access_log.Write(e); });
  }
  return 0;
}
