// The gallery's static files (web/), served at / by `noisett serve`. Every file is read once at
// start-up into memory and served only under its own literal route, so no request path is ever
// turned into a file name: there is nothing to traverse. Responses carry an ETag (304 on
// If-None-Match), `Cache-Control: no-cache` (revalidate: the names are not fingerprinted) and the
// page's security headers (Content-Security-Policy, nosniff, no referrer — signed links must
// not leak through Referer —, no framing, except kFrameablePage by the page itself).
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "http/http_types.h"
#include "http/router.h"

namespace noisett::http {

// MSAL Browser's redirect bridge (web/redirect.html): silent sign-in loads it in an iframe of the
// gallery, so it alone may be framed, and only by the same origin.
inline constexpr const char* kFrameablePage = "/redirect.html";

struct StaticFile {
  std::string body;
  std::string content_type;
  std::string etag;
};

// Origins the page's Content-Security-Policy allows besides its own.
struct PageOrigins {
  std::vector<std::string> images;   // where signed and CDN links point (Azure, a CDN, ...)
  std::vector<std::string> sign_in;  // the identity provider (MSAL's popups, iframes, fetches)
};

class StaticSite {
 public:
  // Loads every regular file under `dir` (recursively; names starting with '.' are skipped).
  // Limits: 8 MiB per file, 64 MiB and 1000 files in all. Errors: kNotFound "web_dir_missing",
  // kInvalidArgument "web_dir_too_large", the read errors.
  static Result<std::shared_ptr<const StaticSite>> Load(const std::string& dir,
                                                        const PageOrigins& origins);

  // "/index.html", "/vendor/msal-browser.min.js", ... (sorted).
  std::vector<std::string> Paths() const;
  // The file at `path` ("/" is "/index.html"), with ETag / 304 handling; 404 when absent.
  HttpResponse Serve(const HttpRequest& request, const std::string& path) const;
  const std::string& content_security_policy() const { return csp_; }

 private:
  std::map<std::string, StaticFile> files_;
  std::string csp_;
  std::string frameable_csp_;
};

// "text/html; charset=utf-8" for "index.html", by extension; application/octet-stream otherwise.
std::string ContentTypeForName(const std::string& name);

// GET routes for every file of `site`, and "/" for index.html when it has one.
void AddStaticRoutes(Router& router, const std::shared_ptr<const StaticSite>& site);

}  // namespace noisett::http
