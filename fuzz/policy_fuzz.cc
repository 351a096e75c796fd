// libFuzzer target over the lifecycle policy reader (the JSON `az storage account
// management-policy create --policy @FILE` takes, and NOISETT_LIFECYCLE_POLICY). For every
// policy it accepts: the documented limits hold, its serialization reads back as the same policy
// field by field, and serializing that again gives the same text (a fixed point). Every refusal is
// "bad_policy" with a message that starts at the JSON root ("$").
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "lifecycle/policy.h"

namespace {

using namespace noisett::lifecycle;  // NOLINT: a .cc file, not a header

bool Same(const Action& a, const Action& b) {
  return a.kind == b.kind && a.basis == b.basis && a.days == b.days &&
         a.days_after_last_tier_change == b.days_after_last_tier_change;
}

bool Same(const std::vector<Action>& a, const std::vector<Action>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (!Same(a[i], b[i])) return false;
  }
  return true;
}

bool Same(const Filters& a, const Filters& b) {
  if (a.blob_types != b.blob_types || a.prefixes != b.prefixes) return false;
  if (a.tag_matches.size() != b.tag_matches.size()) return false;
  for (size_t i = 0; i < a.tag_matches.size(); ++i) {
    if (a.tag_matches[i].name != b.tag_matches[i].name ||
        a.tag_matches[i].value != b.tag_matches[i].value) {
      return false;
    }
  }
  return true;
}

bool Same(const Policy& a, const Policy& b) {
  if (a.rules.size() != b.rules.size()) return false;
  for (size_t i = 0; i < a.rules.size(); ++i) {
    const Rule& x = a.rules[i];
    const Rule& y = b.rules[i];
    if (x.name != y.name || x.enabled != y.enabled || !Same(x.filters, y.filters) ||
        !Same(x.base_blob, y.base_blob) || !Same(x.version, y.version) ||
        !Same(x.snapshot, y.snapshot)) {
      return false;
    }
  }
  return true;
}

// What policy.h promises of a parsed policy.
void CheckLimits(const Policy& policy) {
  if (policy.rules.empty() || policy.rules.size() > 100) std::abort();
  for (const Rule& rule : policy.rules) {
    if (rule.name.empty() || rule.filters.blob_types.empty()) std::abort();
    if (rule.base_blob.empty() && rule.version.empty() && rule.snapshot.empty()) std::abort();
    for (const auto* block : {&rule.base_blob, &rule.version, &rule.snapshot}) {
      for (size_t i = 0; i < block->size(); ++i) {
        const Action& action = (*block)[i];
        if (action.days < 0 || action.days > 99999) std::abort();
        for (size_t j = 0; j < i; ++j) {
          if ((*block)[j].kind == action.kind) std::abort();  // one action of each kind
        }
        if (block != &rule.base_blob && action.basis != AgeBasis::kCreation) std::abort();
        if (action.days_after_last_tier_change && action.kind != ActionKind::kTierToArchive) {
          std::abort();
        }
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  auto policy = ParsePolicy(input);
  if (!policy) {
    const auto& error = policy.error();
    if (error.reason != "bad_policy" || error.message.rfind("$", 0) != 0) std::abort();
    return 0;
  }
  CheckLimits(*policy);
  const std::string text = SerializePolicy(*policy);
  auto again = ParsePolicy(text);
  if (!again || !Same(*policy, *again)) std::abort();
  if (SerializePolicy(*again) != text) std::abort();
  return 0;
}
