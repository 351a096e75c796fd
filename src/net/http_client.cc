// libcurl easy handles: one per request for HttpSend (cheap next to a TLS handshake, no locking),
// a pool of reused ones for HttpClient, whose connection caches are what make keep-alive work.
// curl_global_init runs once, before any thread could race it.
#include "net/http_client.h"

#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdio>
#include <memory>
#include <mutex>
#include <string_view>

#include "core/text.h"

namespace noisett::net {
namespace {

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct CurlUrlDeleter {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};
struct CurlStringDeleter {
  void operator()(char* s) const { curl_free(s); }
};
using CurlString = std::unique_ptr<char, CurlStringDeleter>;

void GlobalInitOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct BodySink {
  std::string* body;
  size_t cap;
  bool overflow = false;
};

size_t WriteBody(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<BodySink*>(user);
  const size_t n = size * count;
  if (sink->body->size() + n > sink->cap) {
    sink->overflow = true;
    return 0;  // makes curl stop with CURLE_WRITE_ERROR
  }
  sink->body->append(data, n);
  return n;
}

// The final response's headers, collected under a cap: a server must not make us hold megabytes
// of header lines, and when it tries, the error must say so (curl's own limit, 100 KiB a line,
// is reported as "Out of memory").
struct HeaderSink {
  std::vector<std::pair<std::string, std::string>>* headers;
  size_t bytes = 0;       // of the current response's header section
  bool overflow = false;  // over kMaxResponseHeaderBytes
  bool complete = false;  // the blank line ending a header section arrived
};

// Collects the response headers; a new status line (after a 100 Continue or a redirect's
// response) starts the list again, so only the final response's headers remain.
size_t WriteHeader(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<HeaderSink*>(user);
  const size_t n = size * count;
  std::string_view line(data, n);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (line.substr(0, 5) == "HTTP/") {
    sink->headers->clear();
    sink->bytes = 0;
    sink->complete = false;
  }
  sink->bytes += n;
  if (sink->bytes > kMaxResponseHeaderBytes) {
    sink->overflow = true;
    return 0;  // makes curl stop with CURLE_WRITE_ERROR
  }
  if (line.empty()) sink->complete = true;
  const size_t colon = line.find(':');
  if (line.substr(0, 5) == "HTTP/" || colon == std::string_view::npos) return n;
  std::string name = AsciiLowercase(line.substr(0, colon));
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  sink->headers->emplace_back(std::move(name), std::string(value));
  return n;
}

// True when the transfer failed before the request could have left: nothing reached the server.
bool FailedBeforeSending(CURL* c, CURLcode rc) {
  switch (rc) {
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
      return true;
    case CURLE_OPERATION_TIMEDOUT: {
      // A connect timeout: the connection never got as far as "ready to send".
      curl_off_t pretransfer = 0;
      curl_easy_getinfo(c, CURLINFO_PRETRANSFER_TIME_T, &pretransfer);
      return pretransfer == 0;
    }
    default:
      return false;
  }
}

// CURLOPT_OPENSOCKETFUNCTION: the last look at the address before curl connects to it.
curl_socket_t OpenCheckedSocket(void* user, curlsocktype purpose, struct curl_sockaddr* address) {
  const auto* allow = static_cast<const std::function<bool(const std::vector<uint8_t>&)>*>(user);
  if (purpose != CURLSOCKTYPE_IPCXN) return CURL_SOCKET_BAD;
  std::vector<uint8_t> peer;
  if (address->family == AF_INET && address->addrlen >= sizeof(sockaddr_in)) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&address->addr);
    const auto* b = reinterpret_cast<const uint8_t*>(&in->sin_addr);
    peer.assign(b, b + 4);
  } else if (address->family == AF_INET6 && address->addrlen >= sizeof(sockaddr_in6)) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&address->addr);
    const auto* b = reinterpret_cast<const uint8_t*>(&in6->sin6_addr);
    peer.assign(b, b + 16);
  }
  if (peer.empty() || !(*allow)(peer)) return CURL_SOCKET_BAD;
  return ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
}

Error BadUrl(const std::string& url, const std::string& why) {
  return MakeError(ErrorCode::kInvalidArgument, "bad_url", "'" + url + "': " + why);
}

bool IsLoopbackHost(std::string_view raw_host) {
  const std::string host = AsciiLowercase(raw_host);
  if (host == "localhost" || host == "[::1]" || host == "::1") return true;
  // 127.0.0.0/8 written as a dotted quad (curl has already normalized the host).
  int a = 0, b = 0, c = 0, d = 0;
  char tail = 0;
  if (std::sscanf(host.c_str(), "%d.%d.%d.%d%c", &a, &b, &c, &d, &tail) != 4) return false;
  return a == 127 && b >= 0 && b < 256 && c >= 0 && c < 256 && d >= 0 && d < 256;
}

}  // namespace

Status CheckKeyUrl(const std::string& url) {
  std::unique_ptr<CURLU, CurlUrlDeleter> parsed(curl_url());
  if (!parsed || curl_url_set(parsed.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) {
    return Unexpected(BadUrl(url, "not a URL"));
  }
  char* raw_scheme = nullptr;
  char* raw_host = nullptr;
  char* raw_user = nullptr;
  curl_url_get(parsed.get(), CURLUPART_SCHEME, &raw_scheme, 0);
  curl_url_get(parsed.get(), CURLUPART_HOST, &raw_host, 0);
  curl_url_get(parsed.get(), CURLUPART_USER, &raw_user, 0);
  CurlString scheme(raw_scheme), host(raw_host), user(raw_user);
  if (!scheme || !host) return Unexpected(BadUrl(url, "no scheme or host"));
  if (user) return Unexpected(BadUrl(url, "credentials in URLs are not allowed"));
  const std::string s = scheme.get();
  if (s == "https") return Ok();
  if (s == "http" && IsLoopbackHost(host.get())) return Ok();
  return Unexpected(BadUrl(url, "must be https (plain http only to a loopback host)"));
}

namespace {

// One request on `c`, which must be fresh or reset. `connect_failed_reason` is the error reason
// used when nothing was sent.
Result<HttpResponse> Perform(CURL* c, const HttpRequestSpec& request, const HttpGetOptions& options,
                             const std::string& connect_failed_reason) {
  const std::string& url = request.url;
  HttpResponse response;
  BodySink sink{&response.body, options.max_body_bytes};
  HeaderSink header_sink{&response.headers};
  char error[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!options.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, options.ca_file.c_str());
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, options.connect_timeout_ms);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, options.timeout_ms);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // timeouts must not use signals in threads
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, WriteBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, WriteHeader);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &header_sink);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(c, CURLOPT_USERAGENT, "noisett");
  std::unique_ptr<curl_slist, void (*)(curl_slist*)> resolve(nullptr, curl_slist_free_all);
  for (const std::string& entry : options.resolve) {
    resolve.reset(curl_slist_append(resolve.release(), entry.c_str()));
  }
  if (resolve) curl_easy_setopt(c, CURLOPT_RESOLVE, resolve.get());
  if (options.allow_connect) {
    curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, OpenCheckedSocket);
    curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, &options.allow_connect);
  }
  if (options.no_proxy) {
    curl_easy_setopt(c, CURLOPT_PROXY, "");  // "" overrides the environment's proxies
    curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
  }
  if (options.refuse_long_content_length) {
    curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(options.max_body_bytes));
  }
  // "Expect: 100-continue" would cost a round trip before every large upload.
  struct curl_slist* raw_headers = curl_slist_append(nullptr, "Expect:");
  for (const auto& [name, value] : request.headers) {
    // "Name:" disables a header curl adds itself; "Name: value" sends one.
    const std::string line = value.empty() ? name + ":" : name + ": " + value;
    raw_headers = curl_slist_append(raw_headers, line.c_str());
  }
  std::unique_ptr<curl_slist, void (*)(curl_slist*)> headers(raw_headers, curl_slist_free_all);
  if (headers) curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  if (request.method == "HEAD") {
    curl_easy_setopt(c, CURLOPT_NOBODY, 1L);  // else curl would wait for Content-Length bytes
  } else if (request.method != "GET") {
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  if (!request.body.empty() || request.method == "POST" || request.method == "PUT") {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.size()));
  }
  const CURLcode rc = curl_easy_perform(c);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, nullptr);  // `error` dies with this frame
  if (sink.overflow || rc == CURLE_FILESIZE_EXCEEDED) {
    return Unexpected(MakeError(ErrorCode::kTooLarge, "too_large",
                                url + ": response over " + std::to_string(options.max_body_bytes) +
                                    " bytes"));
  }
  // curl 7.88 fails a single header line over its 100 KiB buffer with "Out of memory".
  if (header_sink.overflow || (rc == CURLE_OUT_OF_MEMORY && !header_sink.complete)) {
    return Unexpected(MakeError(ErrorCode::kUnavailable, "header_too_large",
                                url + ": the response's header is over " +
                                    std::to_string(kMaxResponseHeaderBytes / 1024) + " KiB"));
  }
  if (rc != CURLE_OK) {
    std::string reason = FailedBeforeSending(c, rc) ? connect_failed_reason : "fetch_failed";
    if (rc == CURLE_OPERATION_TIMEDOUT && !options.timeout_reason.empty()) {
      reason = options.timeout_reason;
    }
    return Unexpected(MakeError(ErrorCode::kUnavailable, reason,
                                url + ": " + (error[0] ? error : curl_easy_strerror(rc))));
  }
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response.status);
  return response;
}

}  // namespace

Result<HttpResponse> HttpGet(const std::string& url, const HttpGetOptions& options) {
  HttpRequestSpec request;
  request.url = url;
  return HttpSend(request, options);
}

Result<HttpResponse> HttpSend(const HttpRequestSpec& request, const HttpGetOptions& options) {
  GlobalInitOnce();
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) return Unexpected(MakeError(ErrorCode::kInternal, "curl", "curl_easy_init failed"));
  return Perform(curl.get(), request, options, "fetch_failed");
}

struct HttpClient::Pool {
  size_t max_idle;
  std::mutex mu;
  std::vector<std::unique_ptr<CURL, CurlDeleter>> idle;  // guarded by mu
};

HttpClient::HttpClient(size_t max_idle) : pool_(std::make_unique<Pool>()) {
  pool_->max_idle = max_idle;
  GlobalInitOnce();
}

HttpClient::~HttpClient() = default;

Result<HttpResponse> HttpClient::Send(const HttpRequestSpec& request,
                                      const HttpGetOptions& options) {
  std::unique_ptr<CURL, CurlDeleter> curl;
  {
    std::lock_guard<std::mutex> lock(pool_->mu);
    if (!pool_->idle.empty()) {
      curl = std::move(pool_->idle.back());
      pool_->idle.pop_back();
    }
  }
  if (curl) {
    curl_easy_reset(curl.get());  // clears options, keeps the open connections
  } else {
    curl.reset(curl_easy_init());
    if (!curl) return Unexpected(MakeError(ErrorCode::kInternal, "curl", "curl_easy_init failed"));
  }
  auto response = Perform(curl.get(), request, options, "connect_failed");
  std::lock_guard<std::mutex> lock(pool_->mu);
  if (pool_->idle.size() < pool_->max_idle) pool_->idle.push_back(std::move(curl));
  return response;
}

}  // namespace noisett::net
