// catalog_bench: the latency of Catalog::ListGenerations — what history.list calls — on one
// catalog (SQLite or PostgreSQL, by URL), for bench/catalog.sh, which runs it on catalogs of 10k
// and 1M jobs for one user and compares the p99s.
//
// Scenarios, each --iterations calls after --warmup untimed ones, limit 50:
//   first  the first page (no cursor);
//   walk   pages 2..--pages, by the cursors a real client gets (next_cursor), in turn;
//   deep   8 pages spread evenly over the whole history (1/8 .. the last full page), by cursors
//          built for those positions — the pages a client reaches after thousands of clicks.
// With --threads N, N threads share the catalog (and its pool) and split the calls.
//
// Nothing is timed before the catalog has proved it answers right: total_count equals
// --expect-total, every page is full, belongs to the user, has --images-per-job images, is in
// strict (created_at, job_id) descending order and continues the previous page, and a deep page
// starts exactly where its cursor points. Every timed call is checked too (page size and
// total_count), so a broken catalog dies instead of producing a fast number. The deep cursors
// rely on the seeding scripts' layout: the user's jobs are one second apart (the check says so).
//
// Usage: catalog_bench --catalog URL [--init] [--user ID] [--expect-total N] [--iterations 1000]
//                      [--warmup 50] [--threads 1] [--pages 20] [--images-per-job 2]
// URL: sqlite://FILE or postgresql://... (postgres://... too). --init opens the catalog (creating
// and migrating it) and exits: the seeding scripts then write rows straight into its tables.
// Prints one line per scenario: "scenario<TAB>calls<TAB>p50_ms<TAB>p99_ms<TAB>mean_ms".

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <numeric>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "catalog/catalog.h"
#include "catalog/cursor.h"
#include "catalog/postgres_catalog.h"
#include "catalog/sqlite_catalog.h"

namespace {

namespace catalog = noisett::catalog;
using SteadyClock = std::chrono::steady_clock;

constexpr int kLimit = 50;
constexpr int kDeepPages = 8;

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "catalog_bench: %s\n", what.c_str());
  std::exit(1);
}

struct Options {
  std::string url;
  std::string user = "bench";
  bool init = false;
  int64_t expect_total = -1;
  int iterations = 1000;
  int warmup = 50;
  int threads = 1;
  int pages = 20;
  int images_per_job = 2;
};

int64_t Number(const char* flag, const char* text, int64_t min) {
  char* end = nullptr;
  long long v = std::strtoll(text, &end, 10);
  if (end == text || *end != '\0' || v < min || v > 1'000'000'000'000LL) {
    Die(std::string(flag) + " needs an integer >= " + std::to_string(min) + ", got '" + text + "'");
  }
  return v;
}

Options ParseOptions(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string_view flag = argv[i];
    if (flag == "--init") {
      o.init = true;
      continue;
    }
    if (i + 1 >= argc) Die("missing value after " + std::string(flag));
    const char* value = argv[++i];
    if (flag == "--catalog") o.url = value;
    else if (flag == "--user") o.user = value;
    else if (flag == "--expect-total") o.expect_total = Number("--expect-total", value, 0);
    else if (flag == "--iterations") o.iterations = int(Number("--iterations", value, 1));
    else if (flag == "--warmup") o.warmup = int(Number("--warmup", value, 0));
    else if (flag == "--threads") o.threads = int(Number("--threads", value, 1));
    else if (flag == "--pages") o.pages = int(Number("--pages", value, 2));
    else if (flag == "--images-per-job") o.images_per_job = int(Number("--images-per-job", value, 0));
    else Die("unknown flag " + std::string(flag));
  }
  if (o.url.empty()) Die("--catalog URL is required");
  if (!o.init && o.expect_total < 0) Die("--expect-total is required (the rows seeded)");
  if (o.threads > 64) Die("--threads: at most 64");
  return o;
}

std::unique_ptr<catalog::Catalog> OpenCatalog(const Options& o) {
  if (catalog::IsPostgresUrl(o.url)) {
    catalog::PostgresOptions pg;
    pg.url = o.url;
    pg.pool_size = o.threads + 1;
    pg.statement_timeout_ms = 60'000;  // a slow plan must show as a slow figure, not a failure
    auto opened = catalog::PostgresCatalog::Open(pg);
    if (!opened) Die("PostgresCatalog::Open: " + opened.error().ToString());
    return std::move(*opened);
  }
  auto path = catalog::ParseCatalogUrl(o.url);
  if (!path) Die(o.url + ": " + path.error().ToString());
  auto opened = catalog::SqliteCatalog::Open(*path);
  if (!opened) Die("SqliteCatalog::Open(" + *path + "): " + opened.error().ToString());
  return std::move(*opened);
}

// --- correctness, untimed ---

bool Before(const catalog::Generation& a, const catalog::Generation& b) {  // a sorts after b
  return a.created_at > b.created_at || (a.created_at == b.created_at && a.job_id > b.job_id);
}

// Dies unless `page` is a well-formed page of `want` items for the user, continuing `previous`
// (the last item of the page before, if any).
void CheckPage(const Options& o, const catalog::GenerationPage& page, size_t want,
               const catalog::Generation* previous, const std::string& what) {
  if (page.total_count != o.expect_total) {
    Die(what + ": total_count " + std::to_string(page.total_count) + ", seeded " +
        std::to_string(o.expect_total));
  }
  if (page.items.size() != want) {
    Die(what + ": " + std::to_string(page.items.size()) + " items, expected " +
        std::to_string(want));
  }
  for (size_t i = 0; i < page.items.size(); ++i) {
    const catalog::Generation& g = page.items[i];
    if (g.user_id != o.user) Die(what + ": job " + g.job_id + " belongs to " + g.user_id);
    if (g.deleted_at) Die(what + ": job " + g.job_id + " is soft-deleted");
    if (g.images.size() != size_t(o.images_per_job)) {
      Die(what + ": job " + g.job_id + " has " + std::to_string(g.images.size()) + " images");
    }
    for (size_t k = 0; k < g.images.size(); ++k) {
      if (g.images[k].index != int(k)) Die(what + ": job " + g.job_id + " images out of order");
    }
    const catalog::Generation* before = i > 0 ? &page.items[i - 1] : previous;
    if (before && !Before(*before, g)) Die(what + ": job " + g.job_id + " is out of order");
  }
}

catalog::GenerationPage List(catalog::Catalog& c, const Options& o, const std::string& cursor,
                             const std::string& what) {
  auto page = c.ListGenerations(o.user, {kLimit, cursor});
  if (!page) Die(what + ": " + page.error().ToString());
  return std::move(*page);
}

struct Scenario {
  std::string name;
  std::vector<std::string> cursors;  // cycled through; "" is the first page
  size_t page_size = kLimit;
};

// Walks pages 1..--pages by next_cursor, checking each; returns the cursors of pages 2.. and the
// newest job's created_at.
std::vector<std::string> Walk(catalog::Catalog& c, const Options& o, int64_t* newest) {
  std::vector<std::string> cursors;
  std::string cursor;
  catalog::Generation last;
  for (int p = 1; p <= o.pages; ++p) {
    const std::string what = "page " + std::to_string(p);
    catalog::GenerationPage page = List(c, o, cursor, what);
    int64_t left = o.expect_total - int64_t(p - 1) * kLimit;
    size_t want = size_t(std::clamp<int64_t>(left, 0, kLimit));
    CheckPage(o, page, want, p > 1 ? &last : nullptr, what);
    if (p == 1 && !page.items.empty()) *newest = page.items.front().created_at;
    if (left <= kLimit) {
      if (!page.next_cursor.empty()) Die(what + " is the last page but has a next_cursor");
      if (p < o.pages) Die("only " + std::to_string(p) + " pages; seed at least --pages pages");
      break;
    }
    if (page.next_cursor.empty()) Die(what + " has no next_cursor");
    last = page.items.back();
    cursor = page.next_cursor;
    if (p < o.pages) cursors.push_back(cursor);
  }
  return cursors;
}

// Cursors for kDeepPages pages spread over the history, each checked to start where it should.
// Job n (0 = oldest) was seeded at created_at oldest + n, so skipping `d` of the newest jobs is the
// key (newest - d + 1, "0"): "0" sorts before every job id, so the page starts at newest - d.
std::vector<std::string> DeepCursors(catalog::Catalog& c, const Options& o, int64_t newest) {
  std::vector<std::string> cursors;
  const int64_t last_full = o.expect_total - kLimit;  // skipping more leaves a short page
  for (int k = 1; k <= kDeepPages; ++k) {
    int64_t skip = last_full * k / kDeepPages;
    std::string cursor = catalog::EncodeCursor(catalog::CursorKind::kHistory,
                                               {newest - skip + 1, "0", 0});
    const std::string what = "deep page at job " + std::to_string(skip);
    catalog::GenerationPage page = List(c, o, cursor, what);
    CheckPage(o, page, kLimit, nullptr, what);
    if (page.items.front().created_at != newest - skip) {
      Die(what + " starts at created_at " + std::to_string(page.items.front().created_at) +
          ", expected " + std::to_string(newest - skip) +
          " (the user's jobs must be one second apart, as the seeding scripts make them)");
    }
    cursors.push_back(cursor);
  }
  return cursors;
}

// --- timing ---

void Measure(catalog::Catalog& c, const Options& o, const Scenario& s) {
  const size_t n_cursors = s.cursors.size();
  std::vector<std::vector<double>> latencies(o.threads);
  std::vector<std::thread> workers;
  std::atomic<int> next{0};
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  for (int t = 0; t < o.threads; ++t) {
    workers.emplace_back([&, t] {
      for (int i = 0; i < o.warmup; ++i) {
        auto page = c.ListGenerations(o.user, {kLimit, s.cursors[(i + t) % n_cursors]});
        if (!page) Die(s.name + " warm-up: " + page.error().ToString());
      }
      ready.fetch_add(1);
      while (!go.load(std::memory_order_acquire)) std::this_thread::yield();
      auto& mine = latencies[t];
      mine.reserve(size_t(o.iterations / o.threads) + 1);
      for (int i = next.fetch_add(1); i < o.iterations; i = next.fetch_add(1)) {
        const std::string& cursor = s.cursors[size_t(i) % n_cursors];
        auto t0 = SteadyClock::now();
        auto page = c.ListGenerations(o.user, {kLimit, cursor});
        auto t1 = SteadyClock::now();
        if (!page) Die(s.name + ": " + page.error().ToString());
        if (page->items.size() != s.page_size || page->total_count != o.expect_total) {
          Die(s.name + ": a timed call returned " + std::to_string(page->items.size()) +
              " items and total_count " + std::to_string(page->total_count));
        }
        mine.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
      }
    });
  }
  while (ready.load() < o.threads) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  go.store(true, std::memory_order_release);
  for (auto& w : workers) w.join();

  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  // Nearest rank: the smallest value with at least q of the calls at or below it.
  auto at = [&](double q) {
    size_t rank = size_t(std::ceil(q * double(all.size())));
    return all[std::clamp<size_t>(rank, 1, all.size()) - 1];
  };
  double mean = std::accumulate(all.begin(), all.end(), 0.0) / double(all.size());
  std::printf("%s\t%zu\t%.3f\t%.3f\t%.3f\n", s.name.c_str(), all.size(), at(0.50), at(0.99), mean);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  Options o = ParseOptions(argc, argv);
  std::unique_ptr<catalog::Catalog> c = OpenCatalog(o);
  if (o.init) return 0;
  if (o.expect_total < int64_t(o.pages) * kLimit) {
    Die("--expect-total " + std::to_string(o.expect_total) + " is under --pages full pages");
  }

  int64_t newest = 0;
  std::vector<Scenario> scenarios = {
      {"first", {""}},
      {"walk", Walk(*c, o, &newest)},
      {"deep", {}},
  };
  scenarios[2].cursors = DeepCursors(*c, o, newest);
  for (const Scenario& s : scenarios) Measure(*c, o, s);
  return 0;
}
