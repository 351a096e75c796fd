// Azure Blob Storage lifecycle management policies (the JSON `az storage account
// management-policy create --policy @FILE` takes), as a model Noisett can check, evaluate and
// print. On Azure, Azure applies the policy; on the embedded default the sweeper (sweeper.h)
// applies the very same JSON to the local store. REFERENCE.md §1.8 has Azure's rules.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "storage/blob_store.h"

namespace noisett::lifecycle {

enum class ActionKind { kTierToCool, kTierToCold, kTierToArchive, kDelete };

// The age an action is measured from ("daysAfter...GreaterThan"). Base blobs take modification
// and last access; versions and snapshots take creation.
enum class AgeBasis { kModification, kCreation, kLastAccess };

struct Action {
  ActionKind kind = ActionKind::kDelete;
  AgeBasis basis = AgeBasis::kModification;
  int days = 0;  // the action applies once the age is greater than this many whole days
  // tierToArchive only: and the tier last changed more than this many days ago (so a rehydrated
  // blob is not archived again at once).
  std::optional<int> days_after_last_tier_change;
};

// Only "==" exists in lifecycle policies (Azure refuses other operators there).
struct TagMatch {
  std::string name;
  std::string value;
};

struct Filters {
  std::vector<std::string> blob_types;  // "blockBlob", "appendBlob"
  std::vector<std::string> prefixes;    // include the container: "noisett-storage/generated/"
  std::vector<TagMatch> tag_matches;    // all must match (AND)
};

struct Rule {
  std::string name;
  bool enabled = true;
  Filters filters;
  std::vector<Action> base_blob;  // at most one action of each kind per block
  std::vector<Action> version;
  std::vector<Action> snapshot;
};

struct Policy {
  std::vector<Rule> rules;
};

// Parses and checks a policy the way Azure would accept it. "type" (only "Lifecycle") and
// "enabled" (default true) may be omitted, as Azure allows; "filters" may be omitted (Azure then
// needs blobTypes, which defaults to blockBlob here, as the design document's JSON assumes).
// Errors: kInvalidArgument "bad_policy", the message naming the JSON path of the fault and what
// was expected: "$.rules[1].definition.actions.baseBlob.tierToArchive: expected an object with
// daysAfterModificationGreaterThan, daysAfterLastAccessTimeGreaterThan or ...".
Result<Policy> ParsePolicy(std::string_view json);

// The policy as Azure's JSON (complete: every rule with name, enabled, type and filters),
// pretty-printed with 2 spaces and a final newline; ParsePolicy(SerializePolicy(p)) == p.
std::string SerializePolicy(const Policy& policy);

std::string_view ActionKindName(ActionKind kind);  // "tierToCool", ..., "delete"
// The tier a tier action moves to (kDelete: none).
std::optional<storage::AccessTier> TargetTier(ActionKind kind);

}  // namespace noisett::lifecycle
