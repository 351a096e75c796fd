// Names and targets of lifecycle actions; the JSON side is policy_json.cc.
#include "lifecycle/policy.h"

namespace noisett::lifecycle {

std::string_view ActionKindName(ActionKind kind) {
  switch (kind) {
    case ActionKind::kTierToCool: return "tierToCool";
    case ActionKind::kTierToCold: return "tierToCold";
    case ActionKind::kTierToArchive: return "tierToArchive";
    case ActionKind::kDelete: return "delete";
  }
  return "delete";
}

std::optional<storage::AccessTier> TargetTier(ActionKind kind) {
  switch (kind) {
    case ActionKind::kTierToCool: return storage::AccessTier::kCool;
    case ActionKind::kTierToCold: return storage::AccessTier::kCold;
    case ActionKind::kTierToArchive: return storage::AccessTier::kArchive;
    case ActionKind::kDelete: return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace noisett::lifecycle
