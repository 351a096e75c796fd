// Reused list answers: the key, the stamp, and when an answer may be kept.
#include "service/list_answers.h"

#include <memory>
#include <optional>
#include <utility>

#include "core/metric_names.h"

namespace noisett::service {
namespace {

// Unambiguous whatever the bytes of the user id and cursor: the user id is
// length-prefixed and the cursor, the only other free text, comes last.
std::string Key(std::string_view list, std::string_view user_id, const catalog::PageRequest &page) {
  std::string key;
  key.reserve(list.size() + user_id.size() + page.cursor.size() + 24);
  key.append(list).push_back(' ');
  key.append(std::to_string(user_id.size())).push_back(':');
  key.append(user_id).push_back(' ');
  key.append(std::to_string(page.limit)).push_back(' ');
  key.append(page.cursor);
  return key;
}

}  // namespace

ListAnswers::ListAnswers(catalog::Catalog &catalog, const LinkIssuer &links, size_t max_bytes,
                         metrics::Registry &metrics)
    : catalog_(catalog), links_(links), cache_(max_bytes) {
  auto counters = [&metrics](const char *list) {
    auto counter = [&](const char *result) {
      return &metrics.GetCounter(metrics::names::kListAnswers, metrics::names::kListAnswersHelp,
                                 {{"list", list}, {"result", result}});
    };
    return Counters{counter("hit"), counter("miss"), counter("uncached")};
  };
  history_ = counters("history");
  favorites_ = counters("favorites");
}

ListAnswers::Counters &ListAnswers::CountersFor(std::string_view list) {
  return list == "favorites" ? favorites_ : history_;
}

Result<std::string> ListAnswers::Answer(std::string_view list, const auth::User &caller,
                                        const catalog::PageRequest &page,
                                        const ListBuilder &build) {
  Counters &counters = CountersFor(list);
  const std::optional<int64_t> term_end = links_.ListingTermEnd();
  if (cache_.max_bytes() == 0 || !term_end) {
    counters.uncached->Inc();
    auto built = build();
    if (!built) return Unexpected(built.error());
    return std::move(built->text);
  }
  // Read before the answer: what the answer reads is at least this new, so
  // while the version stays this, nothing committed since could be missing from
  // it.
  auto version = catalog_.UserVersion(caller.user_id);
  if (!version) return Unexpected(version.error());
  const AnswerStamp stamp{*version, *term_end};
  const std::string key = Key(list, caller.user_id, page);
  if (SharedText kept = cache_.Find(key, stamp)) {
    counters.hit->Inc();
    return std::string(*kept);
  }
  counters.miss->Inc();
  auto built = build();
  if (!built) return Unexpected(built.error());
  // An answer whose links straddle two buckets, or hold one cut short, is
  // nobody's to reuse.
  if (built->links_whole && links_.ListingTermEnd() == term_end) {
    built->text.shrink_to_fit();  // counted against the bound by capacity
    auto shared = std::make_shared<const std::string>(std::move(built->text));
    cache_.Store(key, stamp, shared);
    return std::string(*shared);
  }
  return std::move(built->text);
}

}  // namespace noisett::service
