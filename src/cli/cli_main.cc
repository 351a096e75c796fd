// The `noisett` entry point: parses argv with CLI11 (the only file that includes it, to keep
// compile time down), reads configuration from flags and their matching environment variables,
// and hands each subcommand to its runner. Start-up failures are the one place exceptions end.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <cstring>
#include <exception>
#include <thread>

#include "cli/allocator.h"
#include "cli/auth_commands.h"
#include "cli/catalog_commands.h"
#include "cli/command_mode.h"
#include "cli/lifecycle_cli.h"
#include "cli/optimize_command.h"
#include "cli/serve_command.h"
#include "core/env.h"
#include "image/image_types.h"

namespace {

using noisett::cli::AuthFlags;
using noisett::cli::BackendFlags;
using noisett::cli::CommandModeArgs;
using noisett::cli::LifecycleArgs;
using noisett::cli::MaintenanceArgs;
using noisett::cli::ServeArgs;
using noisett::cli::OptimizeArgs;
using noisett::cli::TokenArgs;

constexpr const char* kEnvironmentHelp = R"(Environment variables (each overrides the default; a flag overrides its variable):
  NOISETT_MAX_UPLOAD_BYTES  largest accepted input in bytes, K/M/G suffixes allowed (default 10M)
  NOISETT_MAX_PIXELS        largest accepted width x height, read from the header before any
                            decoding (default 40000000)
  NOISETT_AUTH              required | optional | dev (default required); see docs/auth.md
  NOISETT_DATA_DIR          data directory: dev issuer key, link key, blobs, catalog (./data)
  AZURE_TENANT_ID           Entra tenant: issuer https://login.microsoftonline.com/{tenant}/v2.0
  AZURE_CLIENT_ID           the API's application (client) id: the accepted audience
  NOISETT_AUTH_ISSUER       any OIDC issuer instead of Entra's (discovery at ISSUER/.well-known/...)
  NOISETT_AUTH_ACCEPT_V1    1: also accept Entra v1 tokens (https://sts.windows.net/{tenant}/)
  NOISETT_AUTH_AUDIENCES    comma-separated audiences (default the client id, + api://ID with v1)
  NOISETT_AUTH_ALGS         comma-separated allow-list of RS256, PS256, ES256 (default RS256)
  NOISETT_AUTH_LEEWAY_S     clock skew allowed on exp/nbf/iat, seconds (default 60)
  NOISETT_AUTH_SCOPE        a scope every token must carry in scp (default: none required)
  NOISETT_TIER_CLAIM        a token claim (e.g. an Entra optional claim) whose value free |
                            basic | pro | enterprise sets the user's subscription tier on upload
  NOISETT_JWKS_URL          fetch the signing keys here instead of OpenID discovery
  NOISETT_JWKS_FILE         read the signing keys from this file instead
  NOISETT_TOKEN             the token `whoami` checks, and remote command mode sends
  NOISETT_LISTEN            where `serve` listens, HOST:PORT (default 127.0.0.1:8080)
  NOISETT_STORE             blob store: file://DIR (default file://DATA_DIR/blobs) or
                            azure://ACCOUNT/CONTAINER; see docs/azure.md
  AZURE_STORAGE_CONTAINER   container name (default noisett-storage)
  AZURE_STORAGE_ACCOUNT     storage account: selects the Azure store when NOISETT_STORE is unset
  AZURE_STORAGE_BLOB_ENDPOINT  blob endpoint instead of https://ACCOUNT.blob.core.windows.net
                            (Azurite: https://127.0.0.1:10000/devstoreaccount1; sovereign clouds)
  AZURE_STORAGE_CONNECTION_STRING  account, key and endpoint in one (development, Azurite)
  AZURE_STORAGE_KEY         account key: Shared Key and service SAS (development only; without a
                            key the credential chain below gives bearer tokens and links are
                            user delegation SAS)
  NOISETT_AZURE_CA_FILE     CA bundle (PEM) trusted for the blob and identity endpoints instead
                            of the system's (a test Azurite's certificate; unset in production)
  Credential chain for Azure Storage, first that works wins (docs/azure.md):
  AZURE_FEDERATED_TOKEN_FILE  workload identity (with AZURE_CLIENT_ID, AZURE_TENANT_ID)
  AZURE_AUTHORITY_HOST      Entra host for workload identity and client secret
                            (default https://login.microsoftonline.com)
  IDENTITY_ENDPOINT, IDENTITY_HEADER  managed identity on Container Apps / App Service; else
                            IMDS at NOISETT_IMDS_ENDPOINT (default http://169.254.169.254)
  NOISETT_AZURE_IDENTITY_CLIENT_ID  a user-assigned managed identity's client id (unset: the
                            system-assigned identity; AZURE_CLIENT_ID is the API's, not read here)
  AZURE_CLIENT_SECRET       client secret (with AZURE_CLIENT_ID, AZURE_TENANT_ID)
  NOISETT_CATALOG           catalog URL: sqlite://FILE (default sqlite://DATA_DIR/noisett.db)
                            or postgresql://USER:PASS@HOST:PORT/DB?sslmode=... (libpq URI;
                            unset parts from PGHOST, PGUSER, PGPASSWORD, ... as libpq reads them)
  NOISETT_PG_POOL           PostgreSQL connections per instance, 1..256 (default 8)
  NOISETT_PG_STATEMENT_TIMEOUT_MS  per-statement limit on PostgreSQL (default 5000)
  NOISETT_PUBLIC_URL        base of signed links (default http://LISTEN)
  NOISETT_CDN_URL           CDN base: cdn_url = CDN/CONTAINER/PATH (default: the signed link)
  NOISETT_LINK_KEYS         link signing keys ID:BASE64,... (newest last; default a key made
                            once in DATA_DIR/link-keys)
  NOISETT_SOFT_DELETE_DAYS  days a deleted job stays restorable (default 7)
  NOISETT_DEFAULT_TIER      a new user's subscription tier: free | basic | pro | enterprise
                            (default free); users.set_tier changes it
  NOISETT_RETENTION_DAYS    days until retention deletes images, per subscription tier
                            (default free=90,basic=180,pro=365,enterprise=never); hot -> cool
                            after 30 days, -> archive after 90 (docs/lifecycle.md)
  NOISETT_LIFECYCLE_POLICY  an Azure lifecycle policy JSON file to apply and export instead of
                            the one made from NOISETT_RETENTION_DAYS
  NOISETT_LIFECYCLE_INTERVAL  how often `serve` applies the policy to the local store: 24h
                            (default), 30m, ... or off; never on Azure (Azure applies it)
  NOISETT_METRICS_ADDR      HOST:PORT of a plain GET /metrics listener for Prometheus, no auth:
                            bind it to a private address (default none; the API's /metrics
                            needs an admin token)
  NOISETT_METRICS_CAPACITY_TTL  seconds the capacity gauges' store scan is reused (default 60;
                            0 scans on every scrape)
  NOISETT_IO_THREADS        serve: threads reading and writing connections (default 0: one per
                            core)
  NOISETT_WORKERS           serve: threads for database, store and image work (default 0: one
                            per core)
  NOISETT_READ_THREADS      serve: threads answering the API's GETs (catalog reads), apart from
                            the workers (default 0: one per core)
  NOISETT_MAX_CONNECTIONS   serve: open connections at most (default 1024; lowered to fit the
                            open-file limit; the oldest idle one is closed for a new one)
  NOISETT_MAX_HELD_BODY     serve: upload bodies over 64 KiB held in memory at once, by size
                            (default 32M); more wait unread, first come first served
  NOISETT_GENERATOR         what `generate` runs: noise (default; procedural, no outside service)
                            or replicate (the Replicate predictions API)
  REPLICATE_API_TOKEN       the Replicate API token (required with replicate)
  NOISETT_REPLICATE_MODEL   owner/name (latest version) or owner/name:version
                            (default black-forest-labs/flux-schnell)
  NOISETT_REPLICATE_URL     Replicate API base URL (default https://api.replicate.com)
  NOISETT_REPLICATE_TIMEOUT_MS  one generation's time limit, create to last download (120000)
  NOISETT_IMPORT_ALLOW      internal addresses images.import (and Replicate downloads) may reach,
                            IPs or CIDRs, comma-separated (default none: loopback, private,
                            link-local, multicast and unspecified addresses are refused)
  NOISETT_IMPORT_HOSTS      when set, the only hosts images.import may fetch from
                            (comma-separated; *.example.com for subdomains)
  NOISETT_WEB_DIR           the gallery `serve` shows at / (default ./web, else the source tree's
                            web/; off: no gallery)
  NOISETT_WEB_SCOPE         the scope the gallery asks Entra for (default api://CLIENT_ID/.default)
  NOISETT_LOG_LEVEL         debug | info | warn | error (default info)

Commands (`noisett NAME 'JSON'`; direct with --user U, or remote with --server URL and a token):
  images.upload (--file PATH)  images.url  images.list  history.list  history.get
  history.delete  history.restore  history.favorite  history.unfavorite  favorites.list
  storage.metrics  images.rehydrate  generate  images.import
  Administrators (API: a Noisett.Admin token; direct mode: the operator): lifecycle.run
  lifecycle.export  users.set_tier  cost.estimate

Maintenance (operators; docs/maintenance.md): catalog.rebuild, fsck [--repair] [--grace 1h].
Lifecycle (operators; docs/lifecycle.md): lifecycle.run [--dry-run] [--json], lifecycle.export.

Exit status: 0 success, 1 some inputs failed (each reported on stderr), 2 usage or setup error.)";

// Store, catalog, links and image limits: shared by `serve` and command mode.
// `serve` already has --data-dir from the auth flags (with_data_dir = false); RunServe shares it.
void AddBackendFlags(CLI::App* cmd, BackendFlags& f, bool with_data_dir = true) {
  if (with_data_dir) {
    cmd->add_option("--data-dir", f.data_dir, "Data directory (blobs, catalog, keys)")
        ->envname("NOISETT_DATA_DIR")
        ->capture_default_str();
  }
  cmd->add_option("--store", f.store, "Blob store URL (file://DIR or azure://ACCOUNT/CONTAINER)")
      ->envname("NOISETT_STORE");
  cmd->add_option("--azure-account", f.azure.account, "Azure storage account")
      ->envname("AZURE_STORAGE_ACCOUNT");
  cmd->add_option("--azure-endpoint", f.azure.endpoint, "Azure blob endpoint URL")
      ->envname("AZURE_STORAGE_BLOB_ENDPOINT");
  cmd->add_option("--azure-connection-string", f.azure.connection_string,
                  "Azure storage connection string")
      ->envname("AZURE_STORAGE_CONNECTION_STRING");
  cmd->add_option("--azure-key", f.azure.account_key, "Azure account key (development only)")
      ->envname("AZURE_STORAGE_KEY");
  cmd->add_option("--azure-ca-file", f.azure.ca_file, "CA bundle for Azure endpoints (replaces the system's)")
      ->envname("NOISETT_AZURE_CA_FILE");
  cmd->add_option("--container", f.container, "Blob container")
      ->envname("AZURE_STORAGE_CONTAINER")
      ->capture_default_str();
  cmd->add_option("--catalog", f.catalog, "Catalog URL (sqlite://FILE or postgresql://...)")
      ->envname("NOISETT_CATALOG");
  cmd->add_option("--pg-pool", f.pg_pool, "PostgreSQL connections per instance (1..256)")
      ->envname("NOISETT_PG_POOL")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  cmd->add_option("--pg-statement-timeout-ms", f.pg_statement_timeout_ms,
                  "PostgreSQL per-statement timeout, ms")
      ->envname("NOISETT_PG_STATEMENT_TIMEOUT_MS")
      ->check(CLI::Range(100, 600000))
      ->capture_default_str();
  cmd->add_option("--public-url", f.public_url, "Base URL of signed links")
      ->envname("NOISETT_PUBLIC_URL");
  cmd->add_option("--cdn-url", f.cdn_url, "CDN base URL")->envname("NOISETT_CDN_URL");
  cmd->add_option("--link-keys", f.link_keys, "Link signing keys ID:BASE64,...")
      ->envname("NOISETT_LINK_KEYS");
  cmd->add_option("--soft-delete-days", f.soft_delete_days, "Restore window, days (1..365)")
      ->envname("NOISETT_SOFT_DELETE_DAYS")
      ->check(CLI::Range(1, 365))
      ->capture_default_str();
  cmd->add_option("--default-tier", f.default_tier,
                  "A new user's subscription tier: free, basic, pro or enterprise")
      ->envname("NOISETT_DEFAULT_TIER")
      ->check(CLI::IsMember({"free", "basic", "pro", "enterprise"}))
      ->capture_default_str();
  cmd->add_option("--retention-days", f.retention_days,
                  "Days until deletion per subscription tier (default "
                  "free=90,basic=180,pro=365,enterprise=never)")
      ->envname("NOISETT_RETENTION_DAYS");
  cmd->add_option("--lifecycle-policy", f.lifecycle_policy,
                  "An Azure lifecycle policy JSON file to apply instead of the one made from "
                  "--retention-days")
      ->envname("NOISETT_LIFECYCLE_POLICY");
  cmd->add_option("--generator", f.generator.kind, "Image generator: noise or replicate")
      ->envname("NOISETT_GENERATOR")
      ->check(CLI::IsMember({"noise", "replicate"}))
      ->capture_default_str();
  cmd->add_option("--replicate-token", f.generator.replicate.token, "Replicate API token")
      ->envname("REPLICATE_API_TOKEN");
  cmd->add_option("--replicate-model", f.generator.replicate.model,
                  "Replicate model: owner/name or owner/name:version")
      ->envname("NOISETT_REPLICATE_MODEL")
      ->capture_default_str();
  cmd->add_option("--replicate-url", f.generator.replicate.base_url, "Replicate API base URL")
      ->envname("NOISETT_REPLICATE_URL")
      ->capture_default_str();
  cmd->add_option("--replicate-timeout-ms", f.generator.replicate.timeout_ms,
                  "Time limit of one Replicate generation, ms (1000..900000)")
      ->envname("NOISETT_REPLICATE_TIMEOUT_MS")
      ->check(CLI::Range(int64_t{1000}, int64_t{900000}))
      ->capture_default_str();
  cmd->add_option("--import-allow", f.import_allow,
                  "Internal addresses images.import may fetch from: IPs or CIDRs, comma-separated")
      ->envname("NOISETT_IMPORT_ALLOW");
  cmd->add_option("--import-hosts", f.import_hosts,
                  "The only hosts images.import may fetch from (host or *.domain, comma-separated)")
      ->envname("NOISETT_IMPORT_HOSTS");
}

std::string SizeValidator(const std::string& text) {
  auto v = noisett::ParseUintWithSuffix(text, "value");
  return v ? std::string() : v.error().message;
}

void AddOptimize(CLI::App& app, OptimizeArgs& args, std::string& quality, std::string& format,
                 std::string& max_bytes, std::string& max_pixels) {
  CLI::App* cmd = app.add_subcommand(
      "optimize",
      "Optimize images: writes NAME.jpg (fit inside --max-dimension) and thumb_NAME.jpg (fit "
      "inside --thumb-size) per input into --out, and prints one JSON line of metadata per file");
  cmd->add_option("files", args.files, "PNG, JPEG or WebP inputs (decided from content)")
      ->required();
  cmd->add_option("--out,-o", args.out_dir, "Output directory (created if missing)")->required();
  cmd->add_option("--quality,-q", quality,
                  "high (JPEG 95 / WebP 90), medium (JPEG 85 / WebP 80), low (JPEG 75 / WebP 70)")
      ->check(CLI::IsMember({"high", "medium", "low"}))
      ->capture_default_str();
  cmd->add_option("--max-dimension", args.options.max_dimension,
                  "Fit the full image inside NxN, never enlarging (16..16384)")
      ->check(CLI::Range(16, 16384))
      ->capture_default_str();
  cmd->add_option("--thumb-size", args.options.thumb_size,
                  "Fit the thumbnail inside NxN (16..4096)")
      ->check(CLI::Range(16, 4096))
      ->capture_default_str();
  cmd->add_option("--format,-f", format, "Output format: jpeg or webp (webp keeps alpha)")
      ->check(CLI::IsMember({"jpeg", "webp"}))
      ->capture_default_str();
  cmd->add_option("--jobs,-j", args.jobs, "Files processed in parallel (default: all cores)")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  cmd->add_option("--max-upload-bytes", max_bytes, "Largest accepted input (K/M/G suffixes)")
      ->envname("NOISETT_MAX_UPLOAD_BYTES")
      ->check(SizeValidator, "SIZE")
      ->capture_default_str();
  cmd->add_option("--max-pixels", max_pixels, "Largest accepted width x height")
      ->envname("NOISETT_MAX_PIXELS")
      ->check(SizeValidator, "N")
      ->capture_default_str();
  cmd->footer(kEnvironmentHelp);
}

// The settings every token-checking command shares (whoami, serve, remote command mode).
void AddAuthFlags(CLI::App* cmd, AuthFlags& f) {
  cmd->add_option("--auth", f.mode, "required | optional | dev")
      ->envname("NOISETT_AUTH")
      ->check(CLI::IsMember({"required", "optional", "dev"}))
      ->capture_default_str();
  cmd->add_option("--data-dir", f.data_dir, "Data directory (keys, blobs, catalog)")
      ->envname("NOISETT_DATA_DIR")
      ->capture_default_str();
  cmd->add_option("--tenant-id", f.tenant_id, "Entra tenant id")->envname("AZURE_TENANT_ID");
  cmd->add_option("--client-id", f.client_id, "The API's client id")->envname("AZURE_CLIENT_ID");
  cmd->add_option("--auth-issuer", f.issuer, "Token issuer (any OIDC provider)")
      ->envname("NOISETT_AUTH_ISSUER");
  cmd->add_flag("--auth-accept-v1", f.accept_v1, "Also accept Entra v1 tokens")
      ->envname("NOISETT_AUTH_ACCEPT_V1");
  cmd->add_option("--auth-audiences", f.audiences, "Comma-separated accepted audiences")
      ->envname("NOISETT_AUTH_AUDIENCES");
  cmd->add_option("--auth-algs", f.algs, "Allowed algorithms: RS256, PS256, ES256")
      ->envname("NOISETT_AUTH_ALGS")
      ->capture_default_str();
  cmd->add_option("--auth-leeway", f.leeway_s, "Clock skew allowed, seconds")
      ->envname("NOISETT_AUTH_LEEWAY_S")
      ->capture_default_str();
  cmd->add_option("--auth-scope", f.scope, "Scope every token must carry (scp)")
      ->envname("NOISETT_AUTH_SCOPE");
  cmd->add_option("--tier-claim", f.tier_claim,
                  "A token claim naming the user's subscription tier (applied on upload)")
      ->envname("NOISETT_TIER_CLAIM");
  cmd->add_option("--jwks-url", f.jwks_url, "Signing keys URL (skips discovery)")
      ->envname("NOISETT_JWKS_URL");
  cmd->add_option("--jwks-file", f.jwks_file, "Signing keys file (skips discovery)")
      ->envname("NOISETT_JWKS_FILE");
}

void AddToken(CLI::App& app, TokenArgs& args) {
  CLI::App* cmd = app.add_subcommand(
      "token",
      "Dev issuer: mint an RS256 token (issuer noisett-dev) for a user, printed alone on stdout. "
      "The key is created once in DATA_DIR/dev-issuer (mode 0600) with its JWKS next to it");
  cmd->add_option("--user,-u", args.user, "User name; becomes oid ([A-Za-z0-9_-]{1,64})")
      ->required();
  cmd->add_option("--name", args.name, "Display name (default: the user name)");
  cmd->add_option("--email", args.email, "preferred_username (default: USER@noisett.local)");
  cmd->add_flag("--admin", args.admin, "Add the Noisett.Admin role");
  cmd->add_option("--ttl", args.ttl, "Lifetime: 90s, 30m, 1h, 7d (at most 7d)")
      ->capture_default_str();
  cmd->add_option("--scope", args.scope, "scp claim (default: NOISETT_AUTH_SCOPE, if set)")
      ->envname("NOISETT_AUTH_SCOPE");
  cmd->add_option("--data-dir", args.data_dir, "Data directory")
      ->envname("NOISETT_DATA_DIR")
      ->capture_default_str();
  cmd->footer("Exit status: 0 token printed, 2 bad option or key problem.");
}

void AddWhoami(CLI::App& app, AuthFlags& flags, std::string& token) {
  CLI::App* cmd = app.add_subcommand(
      "whoami",
      "Check a token with the server's validator and settings: prints the user as JSON, or "
      "{\"error\":{code, reason, message}} with the refusal reason");
  cmd->add_option("--token,-t", token, "The bearer token")->envname("NOISETT_TOKEN");
  AddAuthFlags(cmd, flags);
  cmd->footer("Exit status: 0 valid, 1 refused (reason on stdout), 2 configuration error.");
}

// How much `serve` takes on at once: threads, connections, upload bodies in memory.
void AddCapacityFlags(CLI::App* cmd, ServeArgs& args) {
  cmd->add_option("--io-threads", args.io_threads,
                  "Threads reading and writing connections (0: one per core)")
      ->envname("NOISETT_IO_THREADS")
      ->check(CLI::Range(0u, 256u))
      ->capture_default_str();
  cmd->add_option("--workers", args.workers,
                  "Threads running database, store and image work (0: one per core)")
      ->envname("NOISETT_WORKERS")
      ->check(CLI::Range(0u, 256u))
      ->capture_default_str();
  cmd->add_option("--read-threads", args.read_threads,
                  "Threads answering the API's GETs (catalog reads), apart from the workers so "
                  "they never queue behind uploads (0: one per core)")
      ->envname("NOISETT_READ_THREADS")
      ->check(CLI::Range(0u, 256u))
      ->capture_default_str();
  cmd->add_option("--max-connections", args.max_connections,
                  "Open connections at most (lowered to fit the open-file limit)")
      ->envname("NOISETT_MAX_CONNECTIONS")
      ->check(CLI::Range(size_t{1}, size_t{1} << 20))
      ->capture_default_str();
  cmd->add_option("--max-held-body", args.max_held_body,
                  "Upload bodies over 64 KiB read and held at once, by size (K/M/G); more wait "
                  "unread")
      ->envname("NOISETT_MAX_HELD_BODY")
      ->check(SizeValidator, "SIZE")
      ->capture_default_str();
}

void AddServe(CLI::App& app, ServeArgs& args) {
  CLI::App* cmd = app.add_subcommand(
      "serve",
      "Run the HTTP API (docs/api.md) and the web gallery at / (docs/web.md) on the configured "
      "store and catalog until SIGTERM/SIGINT");
  cmd->add_option("--listen", args.listen, "HOST:PORT to listen on")
      ->envname("NOISETT_LISTEN")
      ->capture_default_str();
  cmd->add_option("--lifecycle-interval", args.lifecycle_interval,
                  "Apply the lifecycle policy to the local store this often (24h, 30m, off)")
      ->envname("NOISETT_LIFECYCLE_INTERVAL")
      ->capture_default_str();
  cmd->add_option("--metrics-addr", args.metrics_addr,
                  "HOST:PORT of a plain GET /metrics listener without auth (default: none; "
                  "the API's /metrics needs an admin token)")
      ->envname("NOISETT_METRICS_ADDR");
  cmd->add_option("--metrics-capacity-ttl", args.metrics_capacity_ttl_s,
                  "Seconds a store scan for the capacity gauges is reused (0: every scrape)")
      ->envname("NOISETT_METRICS_CAPACITY_TTL")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  AddCapacityFlags(cmd, args);
  cmd->add_option("--web-dir", args.web.dir,
                  "The gallery's files (default ./web, else the source tree's web/; off: none)")
      ->envname("NOISETT_WEB_DIR");
  cmd->add_option("--web-scope", args.web.scope,
                  "The scope the gallery asks Entra tokens for (default api://CLIENT_ID/.default)")
      ->envname("NOISETT_WEB_SCOPE");
  AddAuthFlags(cmd, args.auth);
  AddBackendFlags(cmd, args.backend, /*with_data_dir=*/false);
  cmd->footer("Exit status: 0 after a graceful stop, 2 when it cannot start.");
}

// `catalog.rebuild` and `fsck`: operator tools over the same store and catalog as `serve`.
void AddMaintenance(CLI::App& app, MaintenanceArgs& rebuild, MaintenanceArgs& fsck) {
  CLI::App* cmd = app.add_subcommand(
      "catalog.rebuild",
      "Re-create missing catalog rows from the metadata.json blobs of the store (idempotent: jobs "
      "already in the catalog are left alone). Favorites cannot be rebuilt. docs/maintenance.md");
  cmd->add_flag("--json", rebuild.json, "Print the summary as JSON");
  AddBackendFlags(cmd, rebuild.backend);
  cmd->footer(
      "Exit status: 0 every job was added or already present, whole; 1 some jobs were skipped or "
      "added incomplete, or unexpected blob names were found (each listed); 2 set-up error.");
  cmd = app.add_subcommand(
      "fsck",
      "Compare the catalog with the store: rows whose blobs are missing, blobs with no row, "
      "soft-delete state that disagrees, metadata.json that disagrees with its row. "
      "docs/maintenance.md");
  cmd->add_flag("--repair", fsck.repair,
                "Fix what can be fixed safely: re-add rows metadata.json proves, delete other "
                "orphans, rewrite metadata.json from the row, align soft-delete state with the row");
  cmd->add_option("--grace", fsck.grace,
                  "Leave alone anything younger than this (uploads in flight): 90s, 30m, 1h, 7d "
                  "or seconds")
      ->capture_default_str();
  cmd->add_flag("--json", fsck.json, "Print the report as JSON");
  AddBackendFlags(cmd, fsck.backend);
  cmd->footer(
      "Exit status: 0 no findings (with --repair: all repaired); 1 findings remain; 2 set-up "
      "error.");
}

// `lifecycle.run` and `lifecycle.export`: the policy applied to the local store, and printed.
void AddLifecycle(CLI::App& app, LifecycleArgs& run, LifecycleArgs& export_args) {
  CLI::App* cmd = app.add_subcommand(
      "lifecycle.run",
      "Apply the lifecycle policy to the local store now, as `serve` does every "
      "NOISETT_LIFECYCLE_INTERVAL: tier changes, retention deletions (soft, then purged after "
      "the soft-delete window), expired versions. docs/lifecycle.md");
  cmd->add_flag("--dry-run", run.dry_run, "Decide and report, change nothing");
  cmd->add_flag("--json", run.json, "Print the summary as JSON");
  AddBackendFlags(cmd, run.backend);
  cmd->footer(
      "Exit status: 0 done; 1 some blobs failed (each listed); 2 set-up error, or the store is "
      "Azure (Azure applies the policy: use lifecycle.export).");
  cmd = app.add_subcommand(
      "lifecycle.export",
      "Print the lifecycle policy JSON for `az storage account management-policy create "
      "--policy @FILE` (made from --retention-days, or --lifecycle-policy checked)");
  AddBackendFlags(cmd, export_args.backend);
  cmd->footer("Exit status: 0 printed, 2 bad policy file or retention days.");
}

// `noisett NAME 'JSON' [--user U | --server URL] ...`: its own small parser, because command
// names (history.list) are open-ended and must not collide with the subcommands.
int RunCommandModeMain(int argc, char** argv) {
  CLI::App app{"noisett NAME 'JSON': run one command", "noisett"};
  CommandModeArgs args;
  args.name = argv[1];
  std::string max_bytes = std::to_string(noisett::image::kDefaultMaxUploadBytes);
  app.add_option("json", args.json, "The command input, a JSON object (default {})");
  app.add_option("--user,-u", args.user, "Direct mode: run as this user (operators)");
  app.add_option("--server", args.server, "Remote mode: the server's base URL");
  app.add_option("--token,-t", args.token, "Remote mode: bearer token")->envname("NOISETT_TOKEN");
  app.add_option("--file,-f", args.file, "images.upload: the image file");
  app.add_option("--max-upload-bytes", max_bytes, "Largest accepted input")
      ->envname("NOISETT_MAX_UPLOAD_BYTES")
      ->check(SizeValidator, "SIZE");
  AddBackendFlags(&app, args.backend);
  app.footer(
      "Exit status: 0 done; 1 the command failed (reason on stderr); 2 usage or set-up error; "
      "3 the blob store is out of space (HTTP 507 in remote mode): free space, then retry.");
  try {
    app.parse(argc - 1, argv + 1);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  args.backend.optimize.limits.max_bytes = *noisett::ParseUintWithSuffix(max_bytes, "max-upload-bytes");
  return noisett::cli::RunCommandMode(args, stdout, stderr);
}

int FinishOptimize(OptimizeArgs& args, const std::string& quality, const std::string& format,
                   const std::string& max_bytes, const std::string& max_pixels) {
  args.options.quality = *noisett::image::ParseQuality(quality);
  args.options.format = *noisett::image::ParseOutputFormat(format);
  args.options.limits.max_bytes = *noisett::ParseUintWithSuffix(max_bytes, "max-upload-bytes");
  args.options.limits.max_pixels = *noisett::ParseUintWithSuffix(max_pixels, "max-pixels");
  return noisett::cli::RunOptimize(args, stdout, stderr);
}

}  // namespace

int main(int argc, char** argv) {
  noisett::cli::TuneAllocatorForImages();
  // Commands are dotted names (history.list), plus `generate`; the dotted operator tools are
  // subcommands of their own.
  if (argc >= 2 && argv[1][0] != '-' &&
      (std::strchr(argv[1], '.') != nullptr || std::strcmp(argv[1], "generate") == 0) &&
      std::strcmp(argv[1], "catalog.rebuild") != 0 && std::strcmp(argv[1], "lifecycle.run") != 0 &&
      std::strcmp(argv[1], "lifecycle.export") != 0) {
    return RunCommandModeMain(argc, argv);
  }
  CLI::App app{
      "noisett: the secure image back end of the image-generation app.\n"
      "Checks Microsoft Entra ID (or dev issuer) tokens, optimizes and thumbnails images "
      "(libvips), stores them under each person's path, hands out signed links and keeps "
      "history and favorites.",
      "noisett"};
  app.require_subcommand(1);
  app.footer(kEnvironmentHelp);

  OptimizeArgs optimize;
  optimize.jobs = int(std::max(1u, std::thread::hardware_concurrency()));
  std::string quality = "medium";
  std::string format = "jpeg";
  std::string max_bytes = std::to_string(noisett::image::kDefaultMaxUploadBytes);
  std::string max_pixels = std::to_string(noisett::image::kDefaultMaxPixels);
  AddOptimize(app, optimize, quality, format, max_bytes, max_pixels);
  TokenArgs token_args;
  AddToken(app, token_args);
  AuthFlags whoami_flags;
  std::string whoami_token;
  AddWhoami(app, whoami_flags, whoami_token);
  ServeArgs serve_args;
  AddServe(app, serve_args);
  MaintenanceArgs rebuild_args, fsck_args;
  AddMaintenance(app, rebuild_args, fsck_args);
  LifecycleArgs lifecycle_run, lifecycle_export;
  AddLifecycle(app, lifecycle_run, lifecycle_export);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    // The top-level help documents every subcommand's options too, not just their names.
    if (app.get_subcommands().empty()) {
      std::fputs(app.help("", CLI::AppFormatMode::All).c_str(), stdout);
      return 0;
    }
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  try {
    if (app.got_subcommand("optimize")) {
      return FinishOptimize(optimize, quality, format, max_bytes, max_pixels);
    }
    if (app.got_subcommand("token")) return noisett::cli::RunToken(token_args, stdout, stderr);
    if (app.got_subcommand("serve")) return noisett::cli::RunServe(serve_args, stderr);
    if (app.got_subcommand("catalog.rebuild")) {
      return noisett::cli::RunCatalogRebuild(rebuild_args, stdout, stderr);
    }
    if (app.got_subcommand("fsck")) return noisett::cli::RunFsck(fsck_args, stdout, stderr);
    if (app.got_subcommand("lifecycle.run")) {
      return noisett::cli::RunLifecycleSweep(lifecycle_run, stdout, stderr);
    }
    if (app.got_subcommand("lifecycle.export")) {
      return noisett::cli::RunLifecycleExport(lifecycle_export, stdout, stderr);
    }
    if (app.got_subcommand("whoami")) {
      return noisett::cli::RunWhoami(whoami_flags, whoami_token, stdout, stderr);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "noisett: %s\n", e.what());
    return 2;
  }
  return 2;
}
