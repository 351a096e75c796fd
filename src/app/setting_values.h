// The parsers of setting values the settings table (settings.cc) calls: generic ones (text,
// integers in a range, one of a list, switches, sizes) and one per setting that needs more (a
// duration in a range, a list, a field shared by two parts of Config). Each sets its field only
// when the value is good, and otherwise says why (kInvalidArgument, reason "bad_setting" unless
// the value's own parser has a better one).
#pragma once

#include <charconv>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "app/config.h"
#include "core/result.h"

namespace noisett::app::setting_values {

Status Bad(std::string message, std::string reason = "bad_setting");
Status Text(std::string& field, std::string_view text);
Status OneOf(std::string& field, std::string_view text, std::initializer_list<const char*> ok);
// What CLI11 and shells take for true and false.
Status Switch(bool& field, std::string_view text);
// A size with K, M or G.
Status Size(uint64_t& field, std::string_view text);

// A decimal integer in [min, max].
template <typename T>
Status IntIn(T& field, std::string_view text, int64_t min, int64_t max) {
  int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < min || value > max) {
    return Bad("must be an integer " + std::to_string(min) + ".." + std::to_string(max) +
               ", not '" + std::string(text.substr(0, 64)) + "'");
  }
  field = static_cast<T>(value);
  return Ok();
}

// Both the identity's and the Azure credential chain's: one Entra tenant, one application.
Status Tenant(Config& c, std::string_view v);
Status ClientId(Config& c, std::string_view v);
Status AuthMode(Config& c, std::string_view v);
Status Algs(Config& c, std::string_view v);
Status Leeway(Config& c, std::string_view v);
Status Retention(Config& c, std::string_view v);
Status Interval(Config& c, std::string_view v);
Status HeldBody(Config& c, std::string_view v);
Status Quotas(Config& c, std::string_view v);
// NOISETT_LINK_BUCKET: 0, or a duration of 1s..1d.
Status LinkBucket(Config& c, std::string_view v);
// NOISETT_RENDITIONS: "avif,webp" (either or both, in the order given) or "none".
Status Renditions(Config& c, std::string_view v);
// NOISETT_CORS_ORIGINS: comma-separated origins exactly as a browser sends them in Origin
// (scheme://host[:port]: http or https, lower case, no default port, no path), or null (a
// sandboxed page, a Figma plugin); never *.
Status CorsOrigins(Config& c, std::string_view v);
Status Lease(Config& c, std::string_view v);
Status Concurrency(Config& c, std::string_view v);
Status Level(Config& c, std::string_view v);

}  // namespace noisett::app::setting_values
