// The list commands' answers, reused across requests (history.list,
// favorites.list; issue 23): a gallery asks for the same page again and again,
// and building it (the catalog's page, its links, ~100 KB of JSON) was most of
// each request. An answer is the command's JSON text, whatever fields it holds,
// kept in an AnswerCache under (list, user, limit, cursor) and stamped with
//   - the user's catalog version (Catalog::UserVersion), read before the answer
//   is built. The
//     schema moves it in the same transaction as any change the lists show,
//     whoever makes it (this instance, another one on the same SQLite file or
//     PostgreSQL, a tool), so the first request after a commit reads a new
//     version and builds the answer again;
//   - the end of the listing links' term (LinkIssuer::ListingTermEnd): the next
//   link bucket is a
//     miss, so a kept answer hands out exactly the links a rebuilt one would.
// Every request pays the version read (one primary-key lookup); a hit pays
// nothing else. Not kept: answers without link buckets (NOISETT_LINK_BUCKET=0),
// answers holding a link the signer cut short, answers whose build ran into the
// next bucket. Which fields an answer has is the commands' business
// (commands/); this file knows keys and stamps.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "auth/user.h"
#include "catalog/catalog.h"
#include "core/metrics.h"
#include "core/result.h"
#include "service/answer_cache.h"
#include "service/links.h"

namespace noisett::service {

// A list answer as a command builds it.
struct ListText {
  std::string text;         // the answer's JSON
  bool links_whole = true;  // every link in it ran to its term (SignedLinks::whole)
};

using ListBuilder = std::function<Result<ListText>()>;

class ListAnswers final {
 public:
  // `max_bytes` bounds the kept answers (NOISETT_LIST_CACHE; 0: every answer is
  // built). The catalog, issuer and registry outlive this.
  ListAnswers(catalog::Catalog &catalog, const LinkIssuer &links, size_t max_bytes,
              metrics::Registry &metrics);
  ListAnswers(const ListAnswers &) = delete;
  ListAnswers &operator=(const ListAnswers &) = delete;

  // The answer of `list` ("history", "favorites") for the caller's `page`: the
  // kept one when its stamp is current, else what `build` makes (kept when it
  // may be). Errors: the version read's (the catalog's: an answer is never
  // served unchecked) and build's. Thread-safe.
  Result<std::string> Answer(std::string_view list, const auth::User &caller,
                             const catalog::PageRequest &page, const ListBuilder &build);

  const AnswerCache &cache() const { return cache_; }

 private:
  struct Counters {
    metrics::Counter *hit;
    metrics::Counter *miss;
    metrics::Counter *uncached;
  };
  Counters &CountersFor(std::string_view list);

  catalog::Catalog &catalog_;
  const LinkIssuer &links_;
  AnswerCache cache_;
  Counters history_;
  Counters favorites_;
};

}  // namespace noisett::service
