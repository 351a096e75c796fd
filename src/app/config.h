// Config: every setting of the program, read once. Each NOISETT_*, AZURE_*, REPLICATE_* (and the
// libpq PGPASSWORD this program must keep out of its messages) is one entry of the settings table
// (settings.h) with its environment variable, its flag, its default and its help; LoadConfig
// reads the given flags and the environment through that table, checks every value, and fills
// this struct with typed values. Nothing else in src/ reads the environment.
//
// A flag wins over its variable, a variable over the default. A value that does not parse is
// refused with the flag's or the variable's name in the message (kInvalidArgument "bad_setting").
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "auth/auth_config.h"
#include "core/log.h"
#include "core/result.h"
#include "generate/make_generator.h"
#include "image/image_types.h"
#include "image/renditions.h"
#include "lifecycle/retention.h"
#include "net/safe_fetch.h"
#include "service/generation_jobs.h"
#include "storage/azure/azure_config.h"
#include "storage/azure/credential.h"

namespace noisett::app {

// Where blobs, the catalog and links live, and how the service behaves on them: what App opens.
struct BackendConfig {
  std::string store;                               // NOISETT_STORE; "": file://DATA_DIR/blobs
  storage::azure::AzureSettings azure;             // AZURE_STORAGE_*, NOISETT_AZURE_CA_FILE
  storage::azure::CredentialSettings credentials;  // the Entra credential chain for Azure
  std::string container = "noisett-storage";       // AZURE_STORAGE_CONTAINER
  std::string catalog;  // NOISETT_CATALOG; "": sqlite://DATA_DIR/noisett.db
  int pg_pool = 8;
  int pg_statement_timeout_ms = 5000;
  std::string pg_password;  // PGPASSWORD (libpq reads it itself); kept out of messages
  std::string public_url;   // NOISETT_PUBLIC_URL; "": http://LISTEN
  std::string cdn_url;
  std::string link_keys;  // "": a key made once in DATA_DIR/link-keys
  int64_t link_bucket_s = 3600;  // NOISETT_LINK_BUCKET; 0: every link counted from now
  uint64_t list_cache_bytes = 32 << 20;  // NOISETT_LIST_CACHE; 0: list answers never reused
  int soft_delete_days = 7;
  std::string default_tier = "free";
  std::string retention_days;  // as given (the policy is made from it)
  lifecycle::RetentionConfig retention;
  std::string lifecycle_policy;  // a policy file instead of the one made from retention_days
  image::OptimizeOptions optimize;
  // NOISETT_RENDITIONS: made of each stored image in the background; empty: none.
  std::vector<image::RenditionSpec> renditions = image::DefaultRenditionSpecs();
  generate::GeneratorSettings generator;
  std::string import_allow;  // as given, for the log
  std::string import_hosts;
  net::ImportPolicy import;
  // Generation jobs (docs/generate.md): quotas, the queue limit, and the runner's settings.
  service::JobsConfig jobs;
  int generate_concurrency = 0;  // 0: the generator's default
  int64_t generate_lease_ms = 30000;
  std::string instance_id;  // "": host-pid-random
};

// What `noisett serve` adds: where it listens, how much it takes on at once, the gallery.
struct ServeConfig {
  std::string listen = "127.0.0.1:8080";
  int64_t lifecycle_interval_s = 24 * 3600;  // 0: off
  std::string metrics_addr;
  int64_t metrics_capacity_ttl_s = 60;
  unsigned io_threads = 0;  // 0: one per core
  unsigned workers = 0;
  unsigned read_threads = 0;
  size_t max_connections = 1024;
  uint64_t max_held_body_bytes = uint64_t{32} << 20;
  std::string web_dir;  // "": ./web, else the source tree's web/; "off": no gallery
  std::string web_scope;
  // NOISETT_CORS_ORIGINS: origins whose pages may read the answers (http/cors.h); empty: none.
  std::vector<std::string> cors_origins;
};

struct Config {
  std::string data_dir = "./data";  // dev issuer key, link keys, blobs, catalog
  auth::AuthConfig auth;            // its data_dir is data_dir
  std::string token;                // NOISETT_TOKEN: whoami's and remote command mode's
  BackendConfig backend;
  ServeConfig serve;
  LogLevel log_level = LogLevel::kInfo;
};

// The commands a setting belongs to: its variable is read, and its flag offered, only there.
enum CommandSet : uint32_t {
  kServe = 1u << 0,
  kCommandMode = 1u << 1,  // noisett NAME 'JSON'
  kMaintenance = 1u << 2,  // init, catalog.rebuild, fsck, lifecycle.run, lifecycle.export
  kWhoami = 1u << 3,
  kToken = 1u << 4,
  kOptimize = 1u << 5,
};
inline constexpr uint32_t kAllCommands = 0x3F;
// The commands that open the store and catalog.
inline constexpr uint32_t kBackendCommands = kServe | kCommandMode | kMaintenance;

// Variable name -> value, as the process got them (empty values count as unset).
using Environment = std::map<std::string, std::string, std::less<>>;
// The process's environment: the one place in src/ that reads it.
Environment ProcessEnvironment();

// Flag ("--pg-pool") -> value as typed; a switch given without a value maps to "true".
using Flags = std::map<std::string, std::string, std::less<>>;

// The configuration of `command` (one CommandSet bit): defaults, then the variables of the
// settings it reads, then its flags. Errors: kInvalidArgument "bad_setting" naming the flag or
// variable and what it accepts; "unknown_flag" for a flag no setting of `command` has.
Result<Config> LoadConfig(uint32_t command, const Flags& flags, const Environment& environment);

}  // namespace noisett::app
