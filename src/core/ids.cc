// User and job ids.
#include "core/ids.h"

#include <algorithm>
#include <random>

namespace noisett {
namespace {

constexpr char kCrockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

bool IsCrockford(char c) {
  return std::find(std::begin(kCrockford), std::end(kCrockford) - 1, c) != std::end(kCrockford) - 1;
}

// Per-thread generator seeded from the OS: job ids need to be unique and unguessable enough that
// two uploads in one millisecond never collide; access control never depends on them.
uint64_t Random64() {
  thread_local std::mt19937_64 engine{[] {
    std::random_device device;
    return (uint64_t(device()) << 32) ^ device();
  }()};
  return engine();
}

// The id after `id` (same time part, random part plus one); "" when the random part is all ones
// (80 bits: not in this universe).
std::string Successor(std::string id) {
  for (size_t i = id.size(); i-- > 10;) {
    const char* at = std::find(std::begin(kCrockford), std::end(kCrockford) - 1, id[i]);
    const size_t digit = size_t(at - kCrockford);
    if (digit + 1 < 32) {
      id[i] = kCrockford[digit + 1];
      return id;
    }
    id[i] = '0';
  }
  return "";
}

}  // namespace

bool IsValidUserId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '-';
  });
}

std::string NewJobId(int64_t now_ms) {
  std::string id(26, '0');
  uint64_t time = uint64_t(now_ms) & ((uint64_t(1) << 48) - 1);
  for (int i = 9; i >= 0; --i) {  // 10 characters, 50 bits, of which the top 2 are zero
    id[size_t(i)] = kCrockford[time & 31];
    time >>= 5;
  }
  const uint64_t hi = Random64(), lo = Random64();
  for (int i = 0; i < 16; ++i) {  // 16 characters, 80 random bits
    const uint64_t bits = i < 8 ? (hi >> (5 * i)) : (lo >> (5 * (i - 8)));
    id[size_t(10 + i)] = kCrockford[bits & 31];
  }
  return id;
}

std::string UlidSource::Next(int64_t now_ms) {
  std::string id = NewJobId(now_ms);
  std::lock_guard lock(mu_);
  if (!last_.empty() && id.compare(0, 10, last_, 0, 10) <= 0) {
    std::string next = Successor(last_);
    if (!next.empty()) id = std::move(next);
  }
  last_ = id;
  return id;
}

bool IsValidJobId(std::string_view id) {
  return id.size() == 26 && id[0] <= '7' && std::all_of(id.begin(), id.end(), IsCrockford);
}

}  // namespace noisett
