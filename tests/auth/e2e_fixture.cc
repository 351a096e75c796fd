#include "auth/e2e_fixture.h"

namespace noisett::auth::e2e {
namespace {

using nlohmann::json;

json Spec(const std::string& name, const std::string& kid, const json& claims) {
  return TokenSpec(name, kid, "RS256", claims);
}

// A token whose attack member (see mint.mjs) makes it what it is.
json Attack(const std::string& name, const std::string& attack, json extra = json::object()) {
  json spec = Spec(name, "rsa-1", V2Claims());
  spec["attack"] = attack;
  for (const auto& [k, v] : extra.items()) spec[k] = v;
  return spec;
}

json CatalogRequest() {
  json keys = json::array({
      {{"kid", "rsa-1"}, {"kty", "RSA"}, {"alg", "RS256"}},
      {{"kid", "rsa-2"}, {"kty", "RSA"}, {"alg", "RS256"}},
      {{"kid", "rsa-ps"}, {"kty", "RSA"}},
      {{"kid", "ec-1"}, {"kty", "EC"}, {"alg", "ES256"}},
  });
  const json v2 = V2Claims();
  json tokens = json::array({
      // Accepted shapes.
      Spec("v2", "rsa-1", v2),
      Spec("v2_other_claims", "rsa-1", With(v2, {{"name", "Alice (second token)"}})),
      Spec("v2_rsa2", "rsa-2", v2),
      Spec("v2_no_admin", "rsa-1", With(v2, {{"roles", {"Noisett.Reader"}}})),
      Spec("v2_no_roles_no_scp", "rsa-1", With(v2, {{"roles", nullptr}, {"scp", nullptr}})),
      Spec("v2_aud_array", "rsa-1", With(v2, {{"aud", {"api://someone-else", kClientId}}})),
      TokenSpec("v2_ps256", "rsa-ps", "PS256", v2),
      TokenSpec("v2_es256", "ec-1", "ES256", v2),
      Spec("v1", "rsa-1", V1Claims()),
      Spec("v1_guid_aud", "rsa-1", With(V1Claims(), {{"aud", kClientId}})),
      // One per claim refusal.
      Spec("wrong_issuer", "rsa-1", With(v2, {{"iss", V2Issuer(kOtherTenant)}})),
      Spec("no_issuer", "rsa-1", With(v2, {{"iss", nullptr}})),
      Spec("wrong_audience", "rsa-1", With(v2, {{"aud", "00000000-1111-2222-3333-444444444444"}})),
      Spec("no_audience", "rsa-1", With(v2, {{"aud", nullptr}})),
      Spec("v1_wrong_audience", "rsa-1", With(V1Claims(), {{"aud", "api://someone-else"}})),
      Spec("wrong_tenant", "rsa-1", With(v2, {{"tid", kOtherTenant}})),
      Spec("no_tenant", "rsa-1", With(v2, {{"tid", nullptr}})),
      Spec("no_oid", "rsa-1", With(v2, {{"oid", nullptr}})),
      Spec("oid_path", "rsa-1", With(v2, {{"oid", "../../etc"}})),
      Spec("scope_other", "rsa-1", With(v2, {{"scp", "User.Read"}})),
      Spec("no_exp", "rsa-1", With(v2, {{"exp", nullptr}})),
      Spec("expired_long_ago", "rsa-1", With(v2, {{"iat", kNow - 7200}, {"nbf", kNow - 7200},
                                                   {"exp", kNow - 3600}})),
      Spec("nbf_future", "rsa-1", With(v2, {{"iat", kNow}, {"nbf", kNow + 600}})),
      Spec("iat_future", "rsa-1", With(v2, {{"iat", kNow + 600}, {"nbf", nullptr}})),
      // Numbers where strings belong, and the reverse.
      Spec("exp_string", "rsa-1", With(v2, {{"exp", "9999999999"}})),
      Spec("nbf_string", "rsa-1", With(v2, {{"nbf", "0"}})),
      Spec("iat_string", "rsa-1", With(v2, {{"iat", std::to_string(kNow)}})),
      Spec("iss_number", "rsa-1", With(v2, {{"iss", 123}})),
      Spec("aud_number_array", "rsa-1", With(v2, {{"aud", {1}}})),
      Spec("aud_number", "rsa-1", With(v2, {{"aud", 6}})),
      Spec("oid_number", "rsa-1", With(v2, {{"oid", 42}})),
      Spec("tid_number", "rsa-1", With(v2, {{"tid", 7}})),
      Spec("roles_string", "rsa-1", With(v2, {{"roles", "admin"}})),
      Spec("roles_numbers", "rsa-1", With(v2, {{"roles", {1, 2}}})),
      Spec("scp_array", "rsa-1", With(v2, {{"scp", {"Noisett.Use"}}})),
      Spec("name_number", "rsa-1", With(v2, {{"name", 5}})),
      Spec("ver_number", "rsa-1", With(v2, {{"ver", 2.0}})),
      // Attacks on the signature and the algorithm.
      Attack("hs256_public_key", "hs256_public_key"),
      Attack("none_unsigned", "none_unsigned"),
      Attack("none_with_signature", "none_with_signature"),
      Attack("tampered", "tamper_payload",
             {{"claims", With(v2, {{"roles", {"Noisett.Reader"}}})},
              {"tamper", {{"oid", "victim"}, {"roles", {"Noisett.Admin"}}}}}),
      json{{"name", "ec_kid_rs256"}, {"kid", "ec-1"}, {"sign_with", "rsa-1"}, {"alg", "RS256"},
           {"claims", v2}},
      json{{"name", "rsa_kid_es256"}, {"kid", "rsa-ps"}, {"sign_with", "ec-1"}, {"alg", "ES256"},
           {"claims", v2}},
      TokenSpec("ps256_on_rs256_key", "rsa-1", "PS256", v2),
      json{{"name", "signed_by_other_key"}, {"kid", "rsa-1"}, {"sign_with", "rsa-2"},
           {"alg", "RS256"}, {"claims", v2}},
      json{{"name", "unknown_kid"}, {"kid", "rsa-unknown"}, {"sign_with", "rsa-1"},
           {"alg", "RS256"}, {"claims", v2}},
      json{{"name", "no_kid"}, {"kid", nullptr}, {"sign_with", "rsa-1"}, {"alg", "RS256"},
           {"claims", v2}},
      Attack("kid_number", "", {{"header", {{"kid", 5}}}}),
      Attack("crit_header", "", {{"header", {{"crit", {"b64"}}, {"b64", true}}}}),
      // Form.
      Attack("plus_in_payload", "replace_char", {{"char", "+"}}),
      Attack("slash_in_payload", "replace_char", {{"char", "/"}}),
      Attack("equals_in_payload", "replace_char", {{"char", "="}}),
      Attack("space_in_payload", "replace_char", {{"char", " "}}),
      Attack("star_in_header", "replace_char", {{"char", "*"}, {"part", "header"}, {"at", 3}}),
      Attack("plus_in_signature", "replace_char", {{"char", "+"}, {"part", "signature"}}),
      Attack("one_mib", "pad_to_size", {{"size", 1 << 20}}),
      Attack("at_size_limit", "pad_to_size", {{"size", 8 * 1024 - 1}}),
      Attack("over_size_limit", "pad_to_size", {{"size", 8 * 1024 + 3}}),
      json{{"name", "payload_not_json"}, {"kid", "rsa-1"}, {"alg", "RS256"},
           {"payload_text", "not json"}},
      json{{"name", "payload_array"}, {"kid", "rsa-1"}, {"alg", "RS256"},
           {"payload_text", "[1,2,3]"}},
  });
  // Attack("crit_header", "") asks for no attack: a plain signed token with that header.
  for (auto& t : tokens) {
    if (t.contains("attack") && t["attack"] == "") t.erase("attack");
  }
  return {{"keys", keys}, {"tokens", tokens}};
}

}  // namespace

const MintedTokens* Catalog(std::string* error) {
  static MintedTokens tokens;
  static std::string failure;
  static const bool ok = MintWithJose(CatalogRequest(), tokens, failure);
  if (!ok) {
    if (error != nullptr) *error = failure;
    return nullptr;
  }
  return &tokens;
}

LogCapture::LogCapture() {
  previous_ = SetLogSink([this](LogLevel level, std::string_view line) {
    std::lock_guard<std::mutex> lock(mu_);
    lines_.emplace_back(level, std::string(line));
  });
}

LogCapture::~LogCapture() { SetLogSink(std::move(previous_)); }

std::vector<std::string> LogCapture::Lines() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> out;
  for (const auto& [level, line] : lines_) out.push_back(line);
  return out;
}

int LogCapture::Count(LogLevel level, const std::string& needle) const {
  std::lock_guard<std::mutex> lock(mu_);
  int n = 0;
  for (const auto& [l, line] : lines_) {
    if (l >= level && line.find(needle) != std::string::npos) ++n;
  }
  return n;
}

AuthConfig EntraConfig(const std::string& jwks_url) {
  AuthConfig config;
  config.mode = AuthMode::kRequired;
  config.tenant_id = kTenant;
  config.client_id = kClientId;
  config.jwks_url = jwks_url;
  config.cache.background_refresh = false;
  return config;
}

std::string JoinLines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& line : lines) out += line + "\n";
  return out;
}

bool ContainsTokenText(const std::string& text, const std::string& token) {
  if (token.empty()) return false;
  if (text.find(token) != std::string::npos) return true;
  const size_t dot1 = token.find('.');
  const size_t dot2 = dot1 == std::string::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string::npos) return false;
  // Parts short enough to occur by chance (an empty signature, "e30") prove nothing.
  const std::string payload = token.substr(dot1 + 1, dot2 - dot1 - 1);
  const std::string signature = token.substr(dot2 + 1);
  return (payload.size() >= 24 && text.find(payload) != std::string::npos) ||
         (signature.size() >= 24 && text.find(signature) != std::string::npos);
}

void AuthE2eTest::SetUp() {
  std::string error;
  tokens_ = Catalog(&error);
  ASSERT_NE(tokens_, nullptr) << error;
  server_.SetBody("/keys", tokens_->JwksOf({"rsa-1", "rsa-ps", "ec-1"}));
}

void AuthE2eTest::TearDown() {
  if (tokens_ == nullptr) return;
  for (const std::string& line : logs_.Lines()) {
    for (const auto& [name, token] : tokens_->tokens) {
      EXPECT_FALSE(ContainsTokenText(line, token)) << "token " << name << " in the log: " << line;
    }
  }
}

const std::string& AuthE2eTest::Token(const std::string& name) const {
  static const std::string kNone;
  auto it = tokens_->tokens.find(name);
  if (it == tokens_->tokens.end()) {
    ADD_FAILURE() << "no token named " << name << " in the catalog";
    return kNone;
  }
  return it->second;
}

std::unique_ptr<TokenValidator> AuthE2eTest::MakeEntraValidator(const AuthConfig& config) {
  auto validator = MakeValidator(config, clock_);
  if (!validator) {
    ADD_FAILURE() << "MakeValidator: " << validator.error().ToString();
    return nullptr;
  }
  return std::move(*validator);
}

}  // namespace noisett::auth::e2e
