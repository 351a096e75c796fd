// The parsers of setting values (setting_values.h).
#include "app/setting_values.h"

#include <algorithm>
#include <utility>

#include "app/settings.h"
#include "auth/algorithms.h"
#include "auth/auth_config.h"
#include "core/units.h"
#include "image/renditions.h"
#include "service/generate_quotas.h"

namespace noisett::app::setting_values {

Status Bad(std::string message, std::string reason) {
  return Unexpected(MakeError(ErrorCode::kInvalidArgument, std::move(reason), std::move(message)));
}

Status Text(std::string& field, std::string_view text) {
  field = std::string(text);
  return Ok();
}

Status OneOf(std::string& field, std::string_view text, std::initializer_list<const char*> ok) {
  std::string choices;
  for (const char* choice : ok) {
    if (text == choice) return Text(field, text);
    choices += std::string(choices.empty() ? "" : ", ") + choice;
  }
  return Bad("must be one of " + choices + ", not '" + std::string(text.substr(0, 64)) + "'");
}

// What CLI11 and shells take for true and false.
Status Switch(bool& field, std::string_view text) {
  for (const char* yes : {"1", "true", "yes", "on"}) {
    if (text == yes) return (field = true, Ok());
  }
  for (const char* no : {"0", "false", "no", "off"}) {
    if (text == no) return (field = false, Ok());
  }
  return Bad("must be true or false, not '" + std::string(text.substr(0, 64)) + "'");
}

// A size with K, M or G.
Status Size(uint64_t& field, std::string_view text) {
  auto value = ParseUintWithSuffix(std::string(text), "the value");
  if (!value) return Bad(value.error().message);
  field = *value;
  return Ok();
}

Status Tenant(Config& c, std::string_view v) {
  c.auth.tenant_id = c.backend.credentials.tenant_id = std::string(v);
  return Ok();
}
Status ClientId(Config& c, std::string_view v) {
  c.auth.client_id = c.backend.credentials.client_id = std::string(v);
  return Ok();
}

Status AuthMode(Config& c, std::string_view v) {
  auto mode = auth::ParseAuthMode(v);
  if (!mode) {
    return Bad("must be required, optional or dev, not '" + std::string(v.substr(0, 64)) + "'");
  }
  c.auth.mode = *mode;
  return Ok();
}

Status Algs(Config& c, std::string_view v) {
  auto algs = auth::ParseAlgList(v);
  if (!algs) return Bad(algs.error().message);
  c.auth.algs = *algs;
  return Ok();
}

Status Leeway(Config& c, std::string_view v) {
  auto leeway = ParseUintWithSuffix(std::string(v), "the value");
  if (!leeway) return Bad(leeway.error().message);
  c.auth.leeway_s = int64_t(std::min<uint64_t>(*leeway, 1u << 30));
  return Ok();
}

Status Retention(Config& c, std::string_view v) {
  auto retention = lifecycle::ParseRetentionDays(v);
  if (!retention) return Bad(retention.error().message, retention.error().reason);
  c.backend.retention_days = std::string(v);
  c.backend.retention = *retention;
  return Ok();
}

Status Interval(Config& c, std::string_view v) {
  auto interval = ParseLifecycleInterval(v);
  if (!interval) return Bad(interval.error().message, interval.error().reason);
  c.serve.lifecycle_interval_s = *interval;
  return Ok();
}

Status HeldBody(Config& c, std::string_view v) {
  if (auto ok = Size(c.serve.max_held_body_bytes, v); !ok) return ok;
  if (c.serve.max_held_body_bytes == 0) return Bad("must be above 0", "bad_capacity");
  return Ok();
}

Status Quotas(Config& c, std::string_view v) {
  auto quotas = service::ParseGenerateQuotas(v);
  if (!quotas) return Bad(quotas.error().message);
  c.backend.jobs.quotas = std::move(*quotas);
  return Ok();
}

Status LinkBucket(Config& c, std::string_view v) {
  if (v == "0") {
    c.backend.link_bucket_s = 0;
    return Ok();
  }
  auto seconds = ParseDuration(v);
  if (!seconds) return Bad(seconds.error().message, seconds.error().reason);
  if (*seconds < 1 || *seconds > 24 * 3600) return Bad("must be 0 or between 1s and 1d");
  c.backend.link_bucket_s = *seconds;
  return Ok();
}

Status Renditions(Config& c, std::string_view v) {
  std::vector<image::RenditionSpec> specs;
  if (v != "none") {
    std::vector<image::OutputFormat> formats;
    for (const std::string& name : auth::SplitList(v)) {
      image::OutputFormat format;
      if (name == "avif") {
        format = image::OutputFormat::kAvif;
      } else if (name == "webp") {
        format = image::OutputFormat::kWebp;
      } else {
        return Bad("expected avif, webp, both (avif,webp) or none, not '" + name.substr(0, 64) +
                   "'");
      }
      if (std::find(formats.begin(), formats.end(), format) != formats.end()) {
        return Bad(name + " is given twice");
      }
      formats.push_back(format);
    }
    if (formats.empty()) return Bad("expected avif, webp, both (avif,webp) or none");
    for (image::OutputFormat format : formats) {
      for (int size : image::kRenditionSizes) specs.push_back({format, size});
    }
  }
  c.backend.renditions = std::move(specs);
  return Ok();
}

namespace {

// Why `origin` can never equal a browser's Origin header, or "" when it can.
std::string OriginProblem(std::string_view origin) {
  if (origin == "null") return "";
  if (origin.find('*') != std::string_view::npos) {
    return "wildcards are refused: * would let every web site read the answers; list each origin";
  }
  const size_t scheme_end = origin.find("://");
  const std::string_view scheme = origin.substr(0, scheme_end);
  if (scheme_end == std::string_view::npos || (scheme != "http" && scheme != "https")) {
    return "must start with http:// or https://";
  }
  std::string_view host = origin.substr(scheme_end + 3);
  std::string_view port;
  const size_t colon = host.rfind(':');
  if (colon != std::string_view::npos && host.find(']', colon) == std::string_view::npos) {
    port = host.substr(colon + 1);
    host = host.substr(0, colon);
  }
  const bool ipv6 = host.size() > 2 && host.front() == '[' && host.back() == ']';
  for (char ch : ipv6 ? host.substr(1, host.size() - 2) : host) {
    const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' ||
                    ch == '.' || (ipv6 && ch == ':');
    if (!ok) return "must be scheme://host[:port], lower case, with no path, query or user";
  }
  if (host.empty()) return "has no host";
  if (colon == std::string_view::npos) return "";
  int number = 0;
  if (!IntIn(number, port, 1, 65535) || port.front() == '0') return "has a bad port";
  if ((scheme == "http" && number == 80) || (scheme == "https" && number == 443)) {
    return "names its scheme's default port, which a browser leaves out of Origin";
  }
  return "";
}

}  // namespace

Status CorsOrigins(Config& c, std::string_view v) {
  std::vector<std::string> origins = auth::SplitList(v);
  for (const std::string& origin : origins) {
    if (std::string problem = OriginProblem(origin); !problem.empty()) {
      return Bad("origin '" + origin.substr(0, 100) + "': " + problem);
    }
  }
  c.serve.cors_origins = std::move(origins);
  return Ok();
}

Status Lease(Config& c, std::string_view v) {
  auto seconds = ParseDuration(v);
  if (!seconds) return Bad(seconds.error().message, seconds.error().reason);
  if (*seconds < 3 || *seconds > 3600) return Bad("must be between 3s and 1h");
  c.backend.generate_lease_ms = *seconds * 1000;
  return Ok();
}

Status Concurrency(Config& c, std::string_view v) {
  if (v == "auto") {
    c.backend.generate_concurrency = 0;
    return Ok();
  }
  return IntIn(c.backend.generate_concurrency, v, 1, 1024);
}

Status Level(Config& c, std::string_view v) {
  static constexpr std::pair<std::string_view, LogLevel> kLevels[] = {
      {"debug", LogLevel::kDebug}, {"info", LogLevel::kInfo},
      {"warn", LogLevel::kWarn},   {"error", LogLevel::kError}};
  for (const auto& [name, level] : kLevels) {
    if (v == name) return (c.log_level = level, Ok());
  }
  return Bad("must be debug, info, warn or error, not '" + std::string(v.substr(0, 64)) + "'");
}

}  // namespace noisett::app::setting_values
