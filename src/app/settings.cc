// The settings table (its values' parsers are setting_values.cc's).
#include "app/settings.h"

#include <array>

#include "app/setting_values.h"
#include "core/units.h"

namespace noisett::app {
namespace {

using namespace setting_values;  // the table below names its parsers

constexpr uint32_t kIdentity = kServe | kWhoami;
constexpr uint32_t kAll = kAllCommands;
constexpr uint32_t kBackend = kBackendCommands;

// Rows: env, flag, short flag, default, help, commands, flag commands, switch, apply.
const std::array kSettings = {
    // Identity (docs/auth.md).
    Setting{"NOISETT_AUTH", "--auth", "", "required",
            "required | optional | dev: how tokens are checked (docs/auth.md)", kIdentity, 0,
            false, AuthMode},
    Setting{"NOISETT_DATA_DIR", "--data-dir", "", "./data",
            "data directory: dev issuer key, link keys, blobs, catalog", kAll & ~kOptimize, 0,
            false, [](Config& c, std::string_view v) { return Text(c.data_dir, v); }},
    Setting{"AZURE_TENANT_ID", "--tenant-id", "", "",
            "Entra tenant: issuer https://login.microsoftonline.com/{tenant}/v2.0 (and the Azure "
            "credential chain's tenant)",
            kIdentity | kBackend, kIdentity, false, Tenant},
    Setting{"AZURE_CLIENT_ID", "--client-id", "", "",
            "the API's application (client) id: the accepted audience (and the Azure credential "
            "chain's application)",
            kIdentity | kBackend, kIdentity, false, ClientId},
    Setting{"NOISETT_AUTH_ISSUER", "--auth-issuer", "", "",
            "any OIDC issuer instead of Entra's (discovery at ISSUER/.well-known/...)", kIdentity,
            0, false, [](Config& c, std::string_view v) { return Text(c.auth.issuer, v); }},
    Setting{"NOISETT_AUTH_ACCEPT_V1", "--auth-accept-v1", "", "",
            "also accept Entra v1 tokens (https://sts.windows.net/{tenant}/)", kIdentity, 0, true,
            [](Config& c, std::string_view v) { return Switch(c.auth.accept_v1, v); }},
    Setting{"NOISETT_AUTH_AUDIENCES", "--auth-audiences", "", "",
            "comma-separated accepted audiences (default the client id, + api://ID with v1)",
            kIdentity, 0, false,
            [](Config& c, std::string_view v) {
              c.auth.audiences = auth::SplitList(v);
              return Ok();
            }},
    Setting{"NOISETT_AUTH_ALGS", "--auth-algs", "", "RS256",
            "comma-separated allow-list of RS256, PS256, ES256", kIdentity, 0, false, Algs},
    Setting{"NOISETT_AUTH_LEEWAY_S", "--auth-leeway", "", "60",
            "clock skew allowed on exp/nbf/iat, seconds", kIdentity, 0, false, Leeway},
    Setting{"NOISETT_AUTH_SCOPE", "--auth-scope", "", "",
            "a scope every token must carry in scp (`token` puts it in the tokens it mints)",
            kIdentity | kToken, kIdentity, false,
            [](Config& c, std::string_view v) { return Text(c.auth.required_scope, v); }},
    Setting{"NOISETT_TIER_CLAIM", "--tier-claim", "", "",
            "a token claim whose value free | basic | pro | enterprise sets the user's "
            "subscription tier on upload",
            kIdentity, 0, false,
            [](Config& c, std::string_view v) { return Text(c.auth.tier_claim, v); }},
    Setting{"NOISETT_JWKS_URL", "--jwks-url", "", "",
            "fetch the signing keys here instead of OpenID discovery", kIdentity, 0, false,
            [](Config& c, std::string_view v) { return Text(c.auth.jwks_url, v); }},
    Setting{"NOISETT_JWKS_FILE", "--jwks-file", "", "",
            "read the signing keys from this file instead", kIdentity, 0, false,
            [](Config& c, std::string_view v) { return Text(c.auth.jwks_file, v); }},
    Setting{"NOISETT_TOKEN", "--token", "-t", "",
            "the bearer token `whoami` checks and remote command mode sends", kWhoami | kCommandMode,
            0, false, [](Config& c, std::string_view v) { return Text(c.token, v); }},
    // Where `serve` listens (command mode's links point there too).
    Setting{"NOISETT_LISTEN", "--listen", "", "127.0.0.1:8080",
            "where `serve` listens, HOST:PORT (port 0: any free port)", kServe | kCommandMode,
            kServe, false, [](Config& c, std::string_view v) { return Text(c.serve.listen, v); }},
    // The blob store (docs/storage.md, docs/azure.md).
    Setting{"NOISETT_STORE", "--store", "", "file://DATA_DIR/blobs",
            "blob store: file://DIR or azure://ACCOUNT/CONTAINER", kBackend, 0, false,
            [](Config& c, std::string_view v) { return Text(c.backend.store, v); }},
    Setting{"AZURE_STORAGE_CONTAINER", "--container", "", "noisett-storage", "blob container",
            kBackend, 0, false,
            [](Config& c, std::string_view v) { return Text(c.backend.container, v); }},
    Setting{"AZURE_STORAGE_ACCOUNT", "--azure-account", "", "",
            "storage account: selects the Azure store when NOISETT_STORE is unset", kBackend, 0,
            false, [](Config& c, std::string_view v) { return Text(c.backend.azure.account, v); }},
    Setting{"AZURE_STORAGE_BLOB_ENDPOINT", "--azure-endpoint", "", "",
            "blob endpoint instead of https://ACCOUNT.blob.core.windows.net (Azurite: "
            "https://127.0.0.1:10000/devstoreaccount1; sovereign clouds)",
            kBackend, 0, false,
            [](Config& c, std::string_view v) { return Text(c.backend.azure.endpoint, v); }},
    Setting{"AZURE_STORAGE_CONNECTION_STRING", "--azure-connection-string", "", "",
            "account, key and endpoint in one (development, Azurite)", kBackend, 0, false,
            [](Config& c, std::string_view v) {
              return Text(c.backend.azure.connection_string, v);
            }},
    Setting{"AZURE_STORAGE_KEY", "--azure-key", "", "",
            "account key: Shared Key and service SAS (development only; without a key the "
            "credential chain gives bearer tokens and links are user delegation SAS)",
            kBackend, 0, false,
            [](Config& c, std::string_view v) { return Text(c.backend.azure.account_key, v); }},
    Setting{"NOISETT_AZURE_CA_FILE", "--azure-ca-file", "", "",
            "CA bundle (PEM) trusted for the blob and identity endpoints instead of the system's "
            "(a test Azurite's certificate; unset in production)",
            kBackend, 0, false,
            [](Config& c, std::string_view v) {
              c.backend.azure.ca_file = c.backend.credentials.ca_file = std::string(v);
              return Ok();
            }},
    // The Azure credential chain, first that works wins (docs/azure.md).
    Setting{"AZURE_FEDERATED_TOKEN_FILE", "", "", "",
            "workload identity (with AZURE_CLIENT_ID, AZURE_TENANT_ID)", kBackend, 0, false,
            [](Config& c, std::string_view v) {
              return Text(c.backend.credentials.federated_token_file, v);
            }},
    Setting{"AZURE_AUTHORITY_HOST", "", "", "https://login.microsoftonline.com",
            "Entra host for workload identity and client secret", kBackend, 0, false,
            [](Config& c, std::string_view v) {
              return Text(c.backend.credentials.authority_host, v);
            }},
    Setting{"IDENTITY_ENDPOINT", "", "", "",
            "managed identity on Container Apps / App Service (with IDENTITY_HEADER); unset: IMDS",
            kBackend, 0, false,
            [](Config& c, std::string_view v) {
              return Text(c.backend.credentials.identity_endpoint, v);
            }},
    Setting{"IDENTITY_HEADER", "", "", "", "the managed identity endpoint's secret header",
            kBackend, 0, false,
            [](Config& c, std::string_view v) {
              return Text(c.backend.credentials.identity_header, v);
            }},
    Setting{"NOISETT_IMDS_ENDPOINT", "", "", "http://169.254.169.254",
            "the Instance Metadata Service managed identity asks otherwise", kBackend, 0, false,
            [](Config& c, std::string_view v) {
              return Text(c.backend.credentials.imds_endpoint, v);
            }},
    Setting{"NOISETT_AZURE_IDENTITY_CLIENT_ID", "", "", "",
            "a user-assigned managed identity's client id (unset: the system-assigned identity; "
            "AZURE_CLIENT_ID is the API's, not read here)",
            kBackend, 0, false,
            [](Config& c, std::string_view v) {
              return Text(c.backend.credentials.identity_client_id, v);
            }},
    Setting{"AZURE_CLIENT_SECRET", "", "", "",
            "client secret (with AZURE_CLIENT_ID, AZURE_TENANT_ID)", kBackend, 0, false,
            [](Config& c, std::string_view v) {
              return Text(c.backend.credentials.client_secret, v);
            }},
    // The catalog (docs/storage.md, docs/scale-out.md).
    Setting{"NOISETT_CATALOG", "--catalog", "", "sqlite://DATA_DIR/noisett.db",
            "catalog: sqlite://FILE or postgresql://USER:PASS@HOST:PORT/DB?sslmode=... (libpq "
            "URI; unset parts from PGHOST, PGUSER, PGPASSWORD, ... as libpq reads them)",
            kBackend, 0, false,
            [](Config& c, std::string_view v) { return Text(c.backend.catalog, v); }},
    Setting{"NOISETT_PG_POOL", "--pg-pool", "", "8", "PostgreSQL connections per instance, 1..256",
            kBackend, 0, false,
            [](Config& c, std::string_view v) { return IntIn(c.backend.pg_pool, v, 1, 256); }},
    Setting{"NOISETT_PG_STATEMENT_TIMEOUT_MS", "--pg-statement-timeout-ms", "", "5000",
            "per-statement limit on PostgreSQL, ms (100..600000)", kBackend, 0, false,
            [](Config& c, std::string_view v) {
              return IntIn(c.backend.pg_statement_timeout_ms, v, 100, 600000);
            }},
    Setting{"PGPASSWORD", "", "", "",
            "libpq's: the PostgreSQL password; read here only to keep it out of messages",
            kBackend, 0, false,
            [](Config& c, std::string_view v) { return Text(c.backend.pg_password, v); }},
    // Links (docs/api.md).
    Setting{"NOISETT_PUBLIC_URL", "--public-url", "", "http://LISTEN", "base of signed links",
            kBackend, 0, false,
            [](Config& c, std::string_view v) { return Text(c.backend.public_url, v); }},
    Setting{"NOISETT_CDN_URL", "--cdn-url", "", "",
            "CDN base: cdn_url = CDN/CONTAINER/PATH (default: the signed link)", kBackend, 0,
            false, [](Config& c, std::string_view v) { return Text(c.backend.cdn_url, v); }},
    Setting{"NOISETT_LINK_BUCKET", "--link-bucket", "", "1h",
            "links issued during one bucket of this length are identical (their expiry counted "
            "from the bucket's end), so browsers and CDNs keep hitting their caches; 0: every "
            "link expires exactly its lifetime from now (0 or 1s..1d)",
            kBackend, 0, false, LinkBucket},
    Setting{"NOISETT_RENDITIONS", "--renditions", "", "avif,webp",
            "renditions made of each stored image in the background, at 256, 512, 1024 and 2048 "
            "px: avif, webp, avif,webp or none (docs/api.md)",
            kBackend, 0, false, Renditions},
    Setting{"NOISETT_LIST_CACHE", "--list-cache", "", "32M",
            "memory for history and favorites answers kept for reuse (each checked against the "
            "catalog on every request, so never stale); 0: build every answer (0..1G)",
            kBackend, 0, false,
            [](Config& c, std::string_view v) -> Status {
              if (Status s = Size(c.backend.list_cache_bytes, v); !s) return s;
              if (c.backend.list_cache_bytes > (uint64_t{1} << 30)) {
                return Bad("must be at most 1G");
              }
              return Ok();
            }},
    Setting{"NOISETT_LINK_KEYS", "--link-keys", "", "a key made once in DATA_DIR/link-keys",
            "link signing keys ID:BASE64,... (newest last)", kBackend, 0, false,
            [](Config& c, std::string_view v) { return Text(c.backend.link_keys, v); }},
    // What is kept, and for how long (docs/lifecycle.md).
    Setting{"NOISETT_SOFT_DELETE_DAYS", "--soft-delete-days", "", "7",
            "days a deleted job stays restorable (1..365)", kBackend, 0, false,
            [](Config& c, std::string_view v) {
              return IntIn(c.backend.soft_delete_days, v, 1, 365);
            }},
    Setting{"NOISETT_DEFAULT_TIER", "--default-tier", "", "free",
            "a new user's subscription tier: free | basic | pro | enterprise (users.set_tier "
            "changes it)",
            kBackend, 0, false,
            [](Config& c, std::string_view v) {
              return OneOf(c.backend.default_tier, v, {"free", "basic", "pro", "enterprise"});
            }},
    Setting{"NOISETT_RETENTION_DAYS", "--retention-days", "",
            "free=90,basic=180,pro=365,enterprise=never",
            "days until retention deletes images, per subscription tier; hot -> cool after 30 "
            "days, -> archive after 90",
            kBackend, 0, false, Retention},
    Setting{"NOISETT_LIFECYCLE_POLICY", "--lifecycle-policy", "", "",
            "an Azure lifecycle policy JSON file to apply and export instead of the one made from "
            "NOISETT_RETENTION_DAYS",
            kBackend, 0, false,
            [](Config& c, std::string_view v) { return Text(c.backend.lifecycle_policy, v); }},
    // Images (README: noisett optimize).
    Setting{"NOISETT_MAX_UPLOAD_BYTES", "--max-upload-bytes", "", "10M",
            "largest accepted input in bytes, K/M/G suffixes allowed (serve: also the request "
            "body limit)",
            kBackend | kOptimize, 0, false,
            [](Config& c, std::string_view v) {
              return Size(c.backend.optimize.limits.max_bytes, v);
            }},
    Setting{"NOISETT_MAX_PIXELS", "--max-pixels", "", "40000000",
            "largest accepted width x height, read from the header before any decoding",
            kBackend | kOptimize, 0, false,
            [](Config& c, std::string_view v) {
              return Size(c.backend.optimize.limits.max_pixels, v);
            }},
    // Generation (docs/generate.md).
    Setting{"NOISETT_GENERATOR", "--generator", "", "noise",
            "what `generate` runs: noise (procedural, no outside service) or replicate (the "
            "Replicate predictions API)",
            kBackend, 0, false,
            [](Config& c, std::string_view v) {
              return OneOf(c.backend.generator.kind, v, {"noise", "replicate"});
            }},
    Setting{"REPLICATE_API_TOKEN", "--replicate-token", "", "",
            "the Replicate API token (required with replicate)", kBackend, 0, false,
            [](Config& c, std::string_view v) {
              return Text(c.backend.generator.replicate.token, v);
            }},
    Setting{"NOISETT_REPLICATE_MODEL", "--replicate-model", "", "black-forest-labs/flux-schnell",
            "owner/name (latest version) or owner/name:version", kBackend, 0, false,
            [](Config& c, std::string_view v) {
              return Text(c.backend.generator.replicate.model, v);
            }},
    Setting{"NOISETT_REPLICATE_URL", "--replicate-url", "", "https://api.replicate.com",
            "Replicate API base URL", kBackend, 0, false,
            [](Config& c, std::string_view v) {
              return Text(c.backend.generator.replicate.base_url, v);
            }},
    Setting{"NOISETT_REPLICATE_TIMEOUT_MS", "--replicate-timeout-ms", "", "120000",
            "one generation's time limit, create to last download, ms (1000..900000)", kBackend,
            0, false,
            [](Config& c, std::string_view v) {
              return IntIn(c.backend.generator.replicate.timeout_ms, v, 1000, 900000);
            }},
    Setting{"NOISETT_GENERATE_CONCURRENCY", "--generate-concurrency", "", "auto",
            "generation jobs this instance runs at once (1..1024); auto: one per core for noise "
            "(its images take CPU), 32 for replicate (they wait on the provider)",
            kBackend, 0, false, Concurrency},
    Setting{"NOISETT_GENERATE_QUOTAS", "--generate-quotas", "",
            "free=2/100,basic=4/500,pro=8/2000,enterprise=16/unlimited",
            "per subscription tier, TIER=CONCURRENT_JOBS/IMAGES_PER_DAY (or unlimited); tiers "
            "left out keep their default; admins are never limited",
            kBackend, 0, false, Quotas},
    Setting{"NOISETT_GENERATE_QUEUE_LIMIT", "--generate-queue-limit", "", "64",
            "generation jobs waiting for a runner (all users) past which generate answers 503 "
            "with Retry-After (1..100000)",
            kBackend, 0, false,
            [](Config& c, std::string_view v) {
              return IntIn(c.backend.jobs.queue_limit, v, 1, 100000);
            }},
    Setting{"NOISETT_GENERATE_LEASE", "--generate-lease", "", "30s",
            "how long a running job stays with an instance that stopped renewing it before "
            "another instance (or a restart) resumes it (3s..1h)",
            kBackend, 0, false, Lease},
    Setting{"NOISETT_INSTANCE_ID", "--instance-id", "", "",
            "this instance's name on the jobs it runs (default: host name, process id and random "
            "bits; must differ between instances)",
            kBackend, 0, false,
            [](Config& c, std::string_view v) { return Text(c.backend.instance_id, v); }},
    Setting{"NOISETT_IMPORT_ALLOW", "--import-allow", "", "",
            "internal addresses images.import (and Replicate downloads) may reach, IPs or CIDRs, "
            "comma-separated (default none: loopback, private, link-local, multicast and "
            "unspecified addresses are refused)",
            kBackend, 0, false,
            [](Config& c, std::string_view v) { return Text(c.backend.import_allow, v); }},
    Setting{"NOISETT_IMPORT_HOSTS", "--import-hosts", "", "",
            "when set, the only hosts images.import may fetch from (comma-separated; "
            "*.example.com for subdomains)",
            kBackend, 0, false,
            [](Config& c, std::string_view v) { return Text(c.backend.import_hosts, v); }},
    // serve (docs/api.md, docs/monitoring.md, docs/performance.md).
    Setting{"NOISETT_LIFECYCLE_INTERVAL", "--lifecycle-interval", "", "24h",
            "how often `serve` applies the lifecycle policy to the local store: 24h, 30m, ... or "
            "off; never on Azure (Azure applies it)",
            kServe, 0, false, Interval},
    Setting{"NOISETT_METRICS_ADDR", "--metrics-addr", "", "",
            "HOST:PORT of a plain GET /metrics listener for Prometheus, no auth: bind it to a "
            "private address (the API's /metrics needs an admin token)",
            kServe, 0, false,
            [](Config& c, std::string_view v) { return Text(c.serve.metrics_addr, v); }},
    Setting{"NOISETT_METRICS_CAPACITY_TTL", "--metrics-capacity-ttl", "", "60",
            "seconds the capacity gauges' store scan is reused (0: every scrape)", kServe, 0,
            false,
            [](Config& c, std::string_view v) {
              return IntIn(c.serve.metrics_capacity_ttl_s, v, 0, int64_t{1} << 31);
            }},
    Setting{"NOISETT_IO_THREADS", "--io-threads", "", "0",
            "threads reading and writing connections (0: one per core)", kServe, 0, false,
            [](Config& c, std::string_view v) { return IntIn(c.serve.io_threads, v, 0, 256); }},
    Setting{"NOISETT_WORKERS", "--workers", "", "0",
            "threads running database, store and image work (0: one per core)", kServe, 0, false,
            [](Config& c, std::string_view v) { return IntIn(c.serve.workers, v, 0, 256); }},
    Setting{"NOISETT_READ_THREADS", "--read-threads", "", "0",
            "threads answering the API's GETs (catalog reads), apart from the workers so they "
            "never queue behind uploads (0: one per core)",
            kServe, 0, false,
            [](Config& c, std::string_view v) { return IntIn(c.serve.read_threads, v, 0, 256); }},
    Setting{"NOISETT_MAX_CONNECTIONS", "--max-connections", "", "1024",
            "open connections at most (lowered to fit the open-file limit; the oldest idle one "
            "is closed for a new one)",
            kServe, 0, false,
            [](Config& c, std::string_view v) {
              return IntIn(c.serve.max_connections, v, 1, int64_t{1} << 20);
            }},
    Setting{"NOISETT_MAX_HELD_BODY", "--max-held-body", "", "32M",
            "upload bodies over 64 KiB read and held in memory at once, by size (K/M/G); more "
            "wait unread, first come first served",
            kServe, 0, false, HeldBody},
    Setting{"NOISETT_WEB_DIR", "--web-dir", "", "./web, else the source tree's web/",
            "the gallery `serve` shows at / (off: no gallery)", kServe, 0, false,
            [](Config& c, std::string_view v) { return Text(c.serve.web_dir, v); }},
    Setting{"NOISETT_WEB_SCOPE", "--web-scope", "", "api://CLIENT_ID/.default",
            "the scope the gallery asks Entra tokens for", kServe, 0, false,
            [](Config& c, std::string_view v) { return Text(c.serve.web_scope, v); }},
    Setting{"NOISETT_CORS_ORIGINS", "--cors-origins", "", "",
            "origins whose web pages may call the API and read signed links (CORS), "
            "comma-separated and exact as browsers send them: https://app.example.com, "
            "http://localhost:5173, null (a Figma plugin); never * (default: none, same origin "
            "only)",
            kServe, 0, false, CorsOrigins},
    Setting{"NOISETT_LOG_LEVEL", "", "", "info", "debug | info | warn | error", kAll, 0, false,
            Level},
};

// `text` folded to lines of at most `width` columns after an indent of `indent` spaces.
std::string Wrap(std::string_view text, size_t indent, size_t width) {
  std::string out;
  size_t column = indent;
  while (!text.empty()) {
    const size_t space = text.find(' ');
    const std::string_view word = text.substr(0, space);
    if (column > indent && column + 1 + word.size() > width) {
      out += "\n" + std::string(indent, ' ');
      column = indent;
    } else if (column > indent) {
      out += ' ';
      ++column;
    }
    out += word;
    column += word.size();
    text = space == std::string_view::npos ? std::string_view() : text.substr(space + 1);
  }
  return out;
}

}  // namespace

std::span<const Setting> Settings() { return kSettings; }

std::string EnvironmentHelp(uint32_t commands) {
  std::string out =
      "Environment variables (a flag overrides its variable, a variable the default):\n";
  for (const Setting& s : kSettings) {
    if ((s.commands & commands) == 0) continue;
    std::string help(s.help);
    if (!s.flag.empty()) help += " [" + std::string(s.flag) + "]";
    if (!s.default_text.empty()) help += " (default " + std::string(s.default_text) + ")";
    std::string line = "  " + std::string(s.env);
    line += line.size() < 28 ? std::string(28 - line.size(), ' ') : "\n" + std::string(28, ' ');
    out += line + Wrap(help, 28, 100) + "\n";
  }
  return out;
}

Result<int64_t> ParseLifecycleInterval(std::string_view text) {
  if (text == "off" || text == "0") return int64_t{0};
  auto seconds = ParseDuration(text);
  if (!seconds || *seconds < 60) {
    return Unexpected(MakeError(ErrorCode::kInvalidArgument, "bad_interval",
                                "lifecycle interval \"" + std::string(text) +
                                    "\": expected off, or a duration of at least 60s (30m, 24h)"));
  }
  return *seconds;
}

}  // namespace noisett::app
