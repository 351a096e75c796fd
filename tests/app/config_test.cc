// LoadConfig and the settings table: a flag wins over its variable and a variable over the
// default; bad values are refused naming where they came from; a command reads only its own
// settings; and every setting the code names is in the table, once.
#include "app/config.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "app/settings.h"

namespace noisett::app {
namespace {

Config MustLoad(uint32_t command, const Flags& flags, const Environment& env) {
  auto config = LoadConfig(command, flags, env);
  EXPECT_TRUE(config) << config.error().ToString();
  return config ? *config : Config{};
}

Error MustRefuse(uint32_t command, const Flags& flags, const Environment& env) {
  auto config = LoadConfig(command, flags, env);
  EXPECT_FALSE(config);
  return config ? Error{} : config.error();
}

TEST(LoadConfigTest, DefaultsWithNothingGiven) {
  const Config c = MustLoad(kServe, {}, {});
  EXPECT_EQ(c.data_dir, "./data");
  EXPECT_EQ(c.serve.listen, "127.0.0.1:8080");
  EXPECT_EQ(c.backend.container, "noisett-storage");
  EXPECT_EQ(c.backend.pg_pool, 8);
  EXPECT_EQ(c.backend.soft_delete_days, 7);
  EXPECT_EQ(c.backend.optimize.limits.max_bytes, uint64_t{10} << 20);
  EXPECT_EQ(c.serve.max_held_body_bytes, uint64_t{32} << 20);
  EXPECT_EQ(c.serve.lifecycle_interval_s, 86400);
  EXPECT_EQ(c.auth.mode, auth::AuthMode::kRequired);
  EXPECT_EQ(c.auth.data_dir, "./data");
  EXPECT_EQ(c.log_level, LogLevel::kInfo);
}

TEST(LoadConfigTest, AFlagWinsOverItsVariableAndAVariableOverTheDefault) {
  const Config from_env = MustLoad(kServe, {}, {{"NOISETT_PG_POOL", "16"}});
  EXPECT_EQ(from_env.backend.pg_pool, 16);
  const Config from_flag = MustLoad(kServe, {{"--pg-pool", "32"}}, {{"NOISETT_PG_POOL", "16"}});
  EXPECT_EQ(from_flag.backend.pg_pool, 32);
  // An empty variable is unset, as a shell's `X= cmd` means.
  EXPECT_EQ(MustLoad(kServe, {}, {{"NOISETT_PG_POOL", ""}}).backend.pg_pool, 8);
}

TEST(LoadConfigTest, BadValuesNameTheFlagOrTheVariable) {
  Error e = MustRefuse(kServe, {{"--workers", "999"}}, {});
  EXPECT_EQ(e.code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(e.reason, "bad_setting");
  EXPECT_NE(e.message.find("--workers"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("999"), std::string::npos) << e.message;

  e = MustRefuse(kServe, {}, {{"NOISETT_WORKERS", "lots"}});
  EXPECT_NE(e.message.find("NOISETT_WORKERS"), std::string::npos) << e.message;

  e = MustRefuse(kOptimize, {}, {{"NOISETT_MAX_UPLOAD_BYTES", "10X"}});
  EXPECT_NE(e.message.find("NOISETT_MAX_UPLOAD_BYTES"), std::string::npos) << e.message;

  e = MustRefuse(kServe, {{"--max-held-body", "0"}}, {});
  EXPECT_EQ(e.reason, "bad_capacity");
  EXPECT_EQ(MustRefuse(kServe, {{"--lifecycle-interval", "59s"}}, {}).reason, "bad_interval");
  EXPECT_EQ(MustRefuse(kServe, {{"--auth", "sometimes"}}, {}).reason, "bad_setting");
  EXPECT_EQ(MustRefuse(kServe, {{"--default-tier", "gold"}}, {}).reason, "bad_setting");
  EXPECT_EQ(MustRefuse(kServe, {{"--auth-accept-v1", "maybe"}}, {}).reason, "bad_setting");
  EXPECT_EQ(MustRefuse(kServe, {}, {{"NOISETT_LOG_LEVEL", "loud"}}).reason, "bad_setting");
}

TEST(LoadConfigTest, NumbersMustBeWholeAndInRange) {
  for (const char* bad : {"", " 8", "8 ", "+8", "0x10", "8.0", "9223372036854775808", "257"}) {
    const Error e = MustRefuse(kServe, {{"--pg-pool", bad}}, {});
    EXPECT_EQ(e.reason, "bad_setting") << "'" << bad << "'";
  }
  EXPECT_EQ(MustLoad(kServe, {{"--pg-pool", "256"}}, {}).backend.pg_pool, 256);
}

TEST(LoadConfigTest, ACommandReadsOnlyItsOwnSettings) {
  // optimize never serves: a broken serve-only variable does not stop it, nor change it.
  const Config c = MustLoad(kOptimize, {}, {{"NOISETT_WORKERS", "lots"}, {"NOISETT_LISTEN", "x"}});
  EXPECT_EQ(c.serve.listen, "127.0.0.1:8080");
  // A flag the command does not offer is refused, not ignored.
  EXPECT_EQ(MustRefuse(kWhoami, {{"--pg-pool", "4"}}, {}).reason, "unknown_flag");
  EXPECT_EQ(MustRefuse(kServe, {{"--no-such-flag", "1"}}, {}).reason, "unknown_flag");
}

TEST(LoadConfigTest, OneEntraAppServesTokenChecksAndTheAzureCredentialChain) {
  const Config c = MustLoad(kServe, {}, {{"AZURE_TENANT_ID", "t1"}, {"AZURE_CLIENT_ID", "c1"}});
  EXPECT_EQ(c.auth.tenant_id, "t1");
  EXPECT_EQ(c.backend.credentials.tenant_id, "t1");
  EXPECT_EQ(c.auth.client_id, "c1");
  EXPECT_EQ(c.backend.credentials.client_id, "c1");
  // Operator commands read them for the credential chain only: no token flags there.
  const Config op = MustLoad(kMaintenance, {}, {{"AZURE_TENANT_ID", "t2"}});
  EXPECT_EQ(op.backend.credentials.tenant_id, "t2");
  EXPECT_EQ(MustRefuse(kMaintenance, {{"--tenant-id", "t3"}}, {}).reason, "unknown_flag");
}

TEST(LoadConfigTest, TheAzureCredentialChainReadsItsVariables) {
  const Config defaults = MustLoad(kServe, {}, {});
  EXPECT_EQ(defaults.backend.credentials.authority_host, "https://login.microsoftonline.com");
  EXPECT_EQ(defaults.backend.credentials.imds_endpoint, "http://169.254.169.254");
  EXPECT_TRUE(defaults.backend.credentials.client_id.empty());
  Environment env;
  for (const char* name :
       {"AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET", "AZURE_FEDERATED_TOKEN_FILE",
        "AZURE_AUTHORITY_HOST", "IDENTITY_ENDPOINT", "IDENTITY_HEADER", "NOISETT_IMDS_ENDPOINT",
        "NOISETT_AZURE_CA_FILE", "NOISETT_AZURE_IDENTITY_CLIENT_ID"}) {
    env[name] = std::string("v-") + name;
  }
  const Config c = MustLoad(kMaintenance, {}, env);
  const storage::azure::CredentialSettings& s = c.backend.credentials;
  EXPECT_EQ(s.tenant_id, "v-AZURE_TENANT_ID");
  EXPECT_EQ(s.client_id, "v-AZURE_CLIENT_ID");
  EXPECT_EQ(s.identity_client_id, "v-NOISETT_AZURE_IDENTITY_CLIENT_ID");
  EXPECT_EQ(s.client_secret, "v-AZURE_CLIENT_SECRET");
  EXPECT_EQ(s.federated_token_file, "v-AZURE_FEDERATED_TOKEN_FILE");
  EXPECT_EQ(s.authority_host, "v-AZURE_AUTHORITY_HOST");
  EXPECT_EQ(s.identity_endpoint, "v-IDENTITY_ENDPOINT");
  EXPECT_EQ(s.identity_header, "v-IDENTITY_HEADER");
  EXPECT_EQ(s.imds_endpoint, "v-NOISETT_IMDS_ENDPOINT");
  EXPECT_EQ(s.ca_file, "v-NOISETT_AZURE_CA_FILE");
}

TEST(LoadConfigTest, SwitchesAndSharedValuesAndLists) {
  const Config c = MustLoad(kServe, {{"--auth-accept-v1", "true"}, {"--data-dir", "/srv/n"}},
                            {{"NOISETT_AUTH_AUDIENCES", "a, b,,c"},
                             {"NOISETT_AZURE_CA_FILE", "/ca.pem"},
                             {"NOISETT_MAX_UPLOAD_BYTES", "2M"},
                             {"NOISETT_LOG_LEVEL", "warn"}});
  EXPECT_TRUE(c.auth.accept_v1);
  EXPECT_EQ(c.auth.data_dir, "/srv/n");
  EXPECT_EQ(c.auth.audiences, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(c.backend.azure.ca_file, "/ca.pem");
  EXPECT_EQ(c.backend.credentials.ca_file, "/ca.pem");
  EXPECT_EQ(c.backend.optimize.limits.max_bytes, uint64_t{2} << 20);
  EXPECT_EQ(c.log_level, LogLevel::kWarn);
  EXPECT_FALSE(MustLoad(kServe, {}, {{"NOISETT_AUTH_ACCEPT_V1", "0"}}).auth.accept_v1);
}

TEST(LoadConfigTest, TheImportPolicyIsCheckedOnceAndSharedWithReplicateDownloads) {
  const Config c = MustLoad(kServe, {{"--import-allow", "10.0.0.0/8"}}, {});
  EXPECT_EQ(c.backend.import.allow.size(), 1u);
  EXPECT_EQ(c.backend.generator.replicate.downloads.allow.size(), 1u);
  EXPECT_FALSE(LoadConfig(kServe, {{"--import-allow", "10.0.0.0/99"}}, {}));
}

TEST(LoadConfigTest, CorsOriginsAreExactOriginsAndNeverAWildcard) {
  EXPECT_TRUE(MustLoad(kServe, {}, {}).serve.cors_origins.empty());  // same origin only
  const Config c =
      MustLoad(kServe, {},
               {{"NOISETT_CORS_ORIGINS", "https://app.example.com, http://localhost:5173,null"}});
  EXPECT_EQ(c.serve.cors_origins, (std::vector<std::string>{"https://app.example.com",
                                                            "http://localhost:5173", "null"}));
  EXPECT_EQ(MustLoad(kServe, {{"--cors-origins", "http://[::1]:8080,http://127.0.0.1:9"}}, {})
                .serve.cors_origins.size(),
            2u);
  // Each of these could never equal a browser's Origin header, or would let any site in.
  for (const char* bad :
       {"*", "https://*.example.com", "https://app.example.com/", "https://app.example.com/x",
        "https://App.example.com", "HTTPS://app.example.com", "app.example.com",
        "ftp://app.example.com", "https://app.example.com:443", "http://app.example.com:80",
        "https://app.example.com:0", "https://app.example.com:65536", "https://app.example.com:",
        "https://user@app.example.com", "https://app.example.com?x=1", "https://", "NULL",
        "https://ok.example.com,*"}) {
    const Error e = MustRefuse(kServe, {{"--cors-origins", bad}}, {});
    EXPECT_EQ(e.reason, "bad_setting") << bad;
    EXPECT_NE(e.message.find("--cors-origins"), std::string::npos) << e.message;
  }
  const Error star = MustRefuse(kServe, {}, {{"NOISETT_CORS_ORIGINS", "*"}});
  EXPECT_NE(star.message.find("NOISETT_CORS_ORIGINS"), std::string::npos) << star.message;
  EXPECT_NE(star.message.find("every web site"), std::string::npos) << star.message;
  // Only serve answers browsers.
  EXPECT_EQ(MustRefuse(kOptimize, {{"--cors-origins", "null"}}, {}).reason, "unknown_flag");
}

TEST(SettingsTest, EveryVariableAndFlagIsListedOnce) {
  std::set<std::string_view> envs, flags;
  for (const Setting& s : Settings()) {
    EXPECT_TRUE(envs.insert(s.env).second) << s.env << " twice";
    if (!s.flag.empty()) {
      EXPECT_TRUE(flags.insert(s.flag).second) << s.flag << " twice";
    }
    EXPECT_FALSE(s.help.empty()) << s.env;
    EXPECT_NE(s.commands, 0u) << s.env;
  }
}

TEST(SettingsTest, HelpNamesEveryVariableOfACommandAndNoOther) {
  const std::string serve = EnvironmentHelp(kServe);
  const std::string optimize = EnvironmentHelp(kOptimize);
  // A variable's own line starts "  NAME" and goes on with its help, on that line or the next.
  auto lists = [](const std::string& help, std::string_view env) {
    for (const char* after : {" ", "\n"}) {
      if (help.find("\n  " + std::string(env) + after) != std::string::npos) return true;
    }
    return false;
  };
  for (const Setting& s : Settings()) {
    EXPECT_EQ(lists(serve, s.env), (s.commands & kServe) != 0) << s.env;
    EXPECT_EQ(lists(optimize, s.env), (s.commands & kOptimize) != 0) << s.env;
  }
}

// The sources of src/, path -> text.
std::map<std::string, std::string> Sources() {
  std::map<std::string, std::string> out;
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(NOISETT_SOURCE_DIR "/src")) {
    const std::string path = entry.path().string();
    if (!entry.is_regular_file() || (!path.ends_with(".cc") && !path.ends_with(".h"))) continue;
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    out[path] = text.str();
  }
  return out;
}

// The one place rule, checked on the sources: every NOISETT_*, AZURE_* or REPLICATE_* name that
// src/ spells out (in code or in a comment) is a row of the table, and only src/app reads the
// environment. Macros of that shape (#define NOISETT_IMAGE_COLUMNS) are not settings.
TEST(SettingsTest, EverySettingTheCodeNamesIsInTheTable) {
  std::set<std::string> known;
  for (const Setting& s : Settings()) known.insert(std::string(s.env));
  const std::regex name("\\b((NOISETT|AZURE|REPLICATE)_[A-Z0-9_]*[A-Z0-9])\\b");
  const std::regex define("#define ((NOISETT|AZURE|REPLICATE)_[A-Z0-9_]*)");
  const std::regex reads_env("\\b(getenv|secure_getenv|environ)\\b");
  const std::map<std::string, std::string> sources = Sources();
  for (const auto& [path, source] : sources) {
    for (std::sregex_iterator it(source.begin(), source.end(), define), end; it != end; ++it) {
      known.insert((*it)[1]);
    }
  }
  for (const auto& [path, source] : sources) {
    for (std::sregex_iterator it(source.begin(), source.end(), name), end; it != end; ++it) {
      const std::string found = (*it)[1];
      // Test-only variables and names of things that are not settings.
      if (found.rfind("NOISETT_TEST_", 0) == 0 || found == "NOISETT_SOURCE_WEB_DIR") continue;
      EXPECT_TRUE(known.count(found)) << found << " in " << path << " is not a setting";
    }
    if (path.find("/src/app/") == std::string::npos) {
      EXPECT_FALSE(std::regex_search(source, reads_env)) << path << " reads the environment";
    }
  }
  EXPECT_GT(sources.size(), 200u);
}

}  // namespace
}  // namespace noisett::app
