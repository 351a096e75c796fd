// SafeFetch: one hop at a time. Each hop's URL is parsed strictly (fetch_url), its host checked
// against the operator's list (import_policy), resolved once and every address checked
// (address_policy); curl is then pinned to exactly those addresses (CURLOPT_RESOLVE) and asked
// again, through the socket-open callback, about the address it really connects to, so a DNS
// answer that changes between check and connect (rebinding) gains nothing. Redirects are never
// left to curl.
#include "net/safe_fetch.h"

#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "core/log.h"
#include "net/address_policy.h"
#include "net/fetch_url.h"
#include "net/http_client.h"
#include "net/import_policy.h"

namespace noisett::net {
namespace {

using Clock = std::chrono::steady_clock;

Unexpected Fail(ErrorCode code, const char* reason, const std::string& message) {
  return Unexpected(MakeError(code, reason, ShortForMessage(message, 400)));
}

Unexpected Timeout(const FetchUrl& url) {
  return Fail(ErrorCode::kUpstreamTimeout, "fetch_timeout",
              ShortForMessage(url.ToString()) + ": the fetch ran out of time");
}

// A refused or unresolvable host. The caller learns only that: what a name resolves to, or why
// the resolver failed, would let users map the internal network's names one request at a time.
// The operator gets the details in the log.
Unexpected NotAllowed(const FetchUrl& url, const std::string& detail) {
  LogWarn("import: refused '" + ShortForMessage(url.host) + "': " + detail);
  return Fail(ErrorCode::kPermissionDenied, "address_not_allowed",
              "'" + ShortForMessage(url.host) + "': address not allowed");
}

int64_t MsLeft(Clock::time_point deadline) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
}

// getaddrinfo has no timeout of its own: it runs on a detached thread that owns its share of
// the state, so a resolver that hangs past the deadline costs a thread, not the caller's time.
struct Lookup {
  std::mutex mu;
  std::condition_variable done_cv;
  bool done = false;
  int rc = 0;
  std::vector<IpBytes> addresses;
};

void RunLookup(const std::shared_ptr<Lookup>& lookup, const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* list = nullptr;
  const int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &list);
  std::vector<IpBytes> addresses;
  for (const addrinfo* ai = list; rc == 0 && ai != nullptr; ai = ai->ai_next) {
    IpBytes bytes;
    if (ai->ai_family == AF_INET) {
      const auto* b = reinterpret_cast<const uint8_t*>(
          &reinterpret_cast<const sockaddr_in*>(ai->ai_addr)->sin_addr);
      bytes.assign(b, b + 4);
    } else if (ai->ai_family == AF_INET6) {
      const auto* b = reinterpret_cast<const uint8_t*>(
          &reinterpret_cast<const sockaddr_in6*>(ai->ai_addr)->sin6_addr);
      bytes.assign(b, b + 16);
    }
    if (!bytes.empty() && std::find(addresses.begin(), addresses.end(), bytes) == addresses.end()) {
      addresses.push_back(std::move(bytes));
    }
  }
  if (list != nullptr) ::freeaddrinfo(list);
  std::lock_guard<std::mutex> lock(lookup->mu);
  lookup->rc = rc;
  lookup->addresses = std::move(addresses);
  lookup->done = true;
  lookup->done_cv.notify_all();
}

Result<std::vector<IpBytes>> Resolve(const FetchUrl& url, Clock::time_point deadline) {
  if (url.host_is_ip) return std::vector<IpBytes>{*ParseIpLiteral(url.host)};
  auto lookup = std::make_shared<Lookup>();
  std::thread([lookup, host = url.host] { RunLookup(lookup, host); }).detach();
  std::unique_lock<std::mutex> lock(lookup->mu);
  if (!lookup->done_cv.wait_until(lock, deadline, [&] { return lookup->done; })) {
    return Timeout(url);
  }
  if (lookup->rc != 0 || lookup->addresses.empty()) {
    const std::string why = lookup->rc != 0 ? ::gai_strerror(lookup->rc) : "no addresses";
    // Answered as a refusal: "does not resolve" next to "not allowed" would tell which
    // internal names exist.
    return NotAllowed(url, "does not resolve: " + why);
  }
  return std::move(lookup->addresses);
}

// Every address the host resolves to must pass: which one curl would pick is not ours to know.
Status CheckAddresses(const FetchUrl& url, const std::vector<IpBytes>& addresses,
                      const ImportPolicy& policy) {
  for (const IpBytes& address : addresses) {
    const std::string_view cls = RefusedClass(address, policy.allow);
    if (!cls.empty()) {
      return NotAllowed(url, "resolves to " + FormatIp(address) + " (" + std::string(cls) +
                                 "), not in NOISETT_IMPORT_ALLOW");
    }
  }
  return Ok();
}

// "host:port:a1,a2" with IPv6 addresses in brackets.
std::string PinEntry(const FetchUrl& url, const std::vector<IpBytes>& addresses) {
  std::string entry = url.host + ":" + std::to_string(url.port) + ":";
  for (size_t i = 0; i < addresses.size(); ++i) {
    if (i > 0) entry += ',';
    const std::string ip = FormatIp(addresses[i]);
    entry += addresses[i].size() == 16 ? "[" + ip + "]" : ip;
  }
  return entry;
}

// One GET, no redirect followed: any status is a success here.
Result<HttpResponse> FetchHop(const FetchUrl& url, const ImportPolicy& policy,
                              Clock::time_point deadline) {
  if (!HostAllowed(url.host, policy.hosts)) {
    return Fail(ErrorCode::kPermissionDenied, "host_not_allowed",
                "'" + ShortForMessage(url.host) + "' is not in NOISETT_IMPORT_HOSTS");
  }
  auto addresses = Resolve(url, deadline);
  if (!addresses) return Unexpected(addresses.error());
  if (auto st = CheckAddresses(url, *addresses, policy); !st) return Unexpected(st.error());
  const int64_t left = MsLeft(deadline);
  if (left <= 0) return Timeout(url);

  HttpGetOptions options;
  options.timeout_ms = long(left);
  options.connect_timeout_ms = long(left);
  options.max_body_bytes = policy.max_bytes;
  options.ca_file = policy.ca_file;
  options.no_proxy = true;
  options.refuse_long_content_length = true;
  options.timeout_reason = "fetch_timeout";
  if (!url.host_is_ip) options.resolve.push_back(PinEntry(url, *addresses));
  // Defence in depth: only the checked addresses, and only while they still pass the policy.
  std::string refused_peer;
  options.allow_connect = [&](const IpBytes& peer) {
    const bool pinned = std::find(addresses->begin(), addresses->end(), peer) != addresses->end();
    if (pinned && RefusedClass(peer, policy.allow).empty()) return true;
    refused_peer = FormatIp(peer);
    return false;
  };
  auto response = HttpGet(url.ToString(), options);
  if (!refused_peer.empty()) {
    return NotAllowed(url, "connection to " + refused_peer + " refused");
  }
  if (!response) {
    Error e = response.error();
    // The remote end failed us, not this server: a gateway's 504 or 502, not 503.
    if (e.reason == "fetch_timeout") {
      e.code = ErrorCode::kUpstreamTimeout;
    } else if (e.code == ErrorCode::kUnavailable) {
      e.code = ErrorCode::kUpstreamFailed;
    }
    return Unexpected(MakeError(e.code, e.reason, ShortForMessage(e.message, 400)));
  }
  return response;
}

bool IsFollowedRedirect(long status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

std::string Header(const HttpResponse& response, std::string_view name) {
  for (const auto& [key, value] : response.headers) {
    if (key == name) return value;
  }
  return "";
}

}  // namespace

Result<Fetched> SafeFetch(std::string_view raw_url, const ImportPolicy& policy) {
  const Clock::time_point deadline = Clock::now() + std::chrono::milliseconds(policy.timeout_ms);
  auto url = ParseFetchUrl(raw_url);
  if (!url) return Unexpected(url.error());
  for (int redirects = 0;; ++redirects) {
    auto response = FetchHop(*url, policy, deadline);
    if (!response) return Unexpected(response.error());
    const std::string location = Header(*response, "location");
    if (IsFollowedRedirect(response->status) && !location.empty()) {
      if (redirects >= policy.max_redirects) {
        return Fail(ErrorCode::kUpstreamFailed, "too_many_redirects",
                    "more than " + std::to_string(policy.max_redirects) + " redirects from '" +
                        ShortForMessage(raw_url) + "'");
      }
      auto next = ResolveRedirect(*url, location);
      if (!next) return Unexpected(next.error());
      url = std::move(next);
      continue;
    }
    if (response->status < 200 || response->status > 299) {
      return Fail(ErrorCode::kUpstreamFailed, "fetch_status",
                  "HTTP " + std::to_string(response->status) + " from '" +
                      ShortForMessage(url->ToString()) + "'");
    }
    Fetched fetched;
    fetched.body = std::move(response->body);
    fetched.content_type = Header(*response, "content-type");
    fetched.final_url = url->ToString();
    fetched.redirects = redirects;
    return fetched;
  }
}

}  // namespace noisett::net
