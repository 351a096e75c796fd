// The gallery's settings for `noisett serve`: which web/ directory to serve, what /api/config
// tells the page about signing in, the dev sign-in in --auth dev mode, and the origins the
// page's Content-Security-Policy allows.
#pragma once

#include <string>

#include "app/config.h"
#include "core/result.h"
#include "http/web_routes.h"

namespace noisett::cli {

struct WebOrigins {
  std::string public_url;  // where local links point (NOISETT_PUBLIC_URL / the bound address)
  std::string cdn_url;     // NOISETT_CDN_URL
  std::string store_url;   // the Azure blob endpoint, when links are SAS
};

// From NOISETT_WEB_DIR (the gallery's files; "" tries ./web, then the source tree's web/, and a
// missing default is not an error: serve runs without a gallery; "off": no gallery),
// NOISETT_WEB_SCOPE (what the page asks tokens for; default api://CLIENT/.default) and the
// identity settings. Errors: "web_dir_missing" for a --web-dir that does not exist, the dev
// issuer's key errors, the static site's load errors.
Result<http::WebConfig> WebConfigFromSettings(const app::Config& config, std::string_view generator,
                                              const WebOrigins& origins);

// "https://host:port" of a URL ("" when it has none).
std::string OriginOf(std::string_view url);

}  // namespace noisett::cli
