// Opening the embedded back end.
#include "cli/backend.h"

#include <filesystem>

#include "catalog/sqlite_catalog.h"
#include "core/env.h"
#include "storage/link_keys.h"
#include "storage/local_blob_store.h"

namespace noisett::cli {

Result<std::unique_ptr<Backend>> Backend::Open(const BackendFlags& flags, const Clock& clock) {
  std::error_code ec;
  std::filesystem::create_directories(flags.data_dir, ec);
  if (ec) {
    return Unexpected(MakeError(ErrorCode::kUnavailable, "data_dir",
                                "cannot create " + flags.data_dir + ": " + ec.message()));
  }
  std::unique_ptr<Backend> b(new Backend());
  auto store = storage::ParseStoreUrl(flags.store.empty() ? "file://" + flags.data_dir + "/blobs"
                                                          : flags.store);
  if (!store) return Unexpected(store.error());
  store->container = flags.container;
  store->retention_days = flags.soft_delete_days;
  auto blobs = storage::LocalBlobStore::Open(*store, clock);
  if (!blobs) return Unexpected(blobs.error());
  b->blobs_ = std::move(*blobs);
  b->container_ = flags.container;

  const std::string catalog_url =
      flags.catalog.empty() ? "sqlite://" + flags.data_dir + "/noisett.db" : flags.catalog;
  auto path = catalog::ParseCatalogUrl(catalog_url);
  if (!path) return Unexpected(path.error());
  auto catalog = catalog::SqliteCatalog::Open(*path);
  if (!catalog) return Unexpected(catalog.error());
  b->catalog_ = std::move(*catalog);

  auto keys = storage::LoadLinkKeys(flags.link_keys.empty() ? std::nullopt
                                                            : std::optional(flags.link_keys),
                                    flags.data_dir);
  if (!keys) return Unexpected(keys.error());
  auto links = storage::LocalLinkSigner::Create(flags.public_url, std::move(*keys), clock);
  if (!links) return Unexpected(links.error());
  b->links_ = std::move(*links);

  service::ServiceConfig config;
  config.container = flags.container;
  config.cdn_base = flags.cdn_url;
  config.soft_delete_days = flags.soft_delete_days;
  config.optimize = flags.optimize;
  b->service_ = std::make_unique<service::Service>(
      service::ServiceDeps{*b->blobs_, *b->catalog_, *b->links_, clock, config});
  b->description_ = b->blobs_->Describe() + ", sqlite://" + *path;
  return b;
}

}  // namespace noisett::cli
