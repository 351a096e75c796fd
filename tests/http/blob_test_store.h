// The signed-link route's real back end for in-process tests: a LocalBlobStore in a new temporary
// directory and a LocalLinkSigner with one fixed key, both on the test's clock.
#pragma once

#include <stdlib.h>

#include <memory>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "storage/local_blob_store.h"

namespace noisett::http::testing {

struct BlobTestStore {
  std::string dir;  // the caller removes it
  std::unique_ptr<storage::LocalBlobStore> store;
  std::unique_ptr<storage::LocalLinkSigner> signer;
};

// Links are `link_base`/CONTAINER/PATH?...; aborts the test binary if the store cannot open.
inline BlobTestStore MakeBlobTestStore(const Clock& clock, std::string_view link_base) {
  BlobTestStore made;
  char dir_template[] = "/tmp/noisett-http-XXXXXX";
  made.dir = mkdtemp(dir_template);
  storage::LocalStoreConfig config;
  config.root = made.dir;
  made.store = std::move(*storage::LocalBlobStore::Open(config, clock));
  auto keys = storage::LinkKeySet::Create({{"k1", std::string(32, 's')}});
  made.signer =
      std::move(*storage::LocalLinkSigner::Create(std::string(link_base), std::move(*keys), clock));
  return made;
}

}  // namespace noisett::http::testing
