// Azure's management-policy JSON <-> Policy. Parsing accepts what Azure accepts (REFERENCE.md
// §1.8) minus two things Noisett refuses on purpose, and names the JSON path of the first fault:
//   - tierToHot and enableAutoTierToHotFromCool: Noisett's images only ever cool down (a policy
//     that warms blobs would fight the sweeper and the cost model); images.rehydrate is the one
//     way back to hot. Refused as "not supported by Noisett" rather than silently ignored.
//   - unknown keys anywhere: Azure ignores some misspellings, and a misspelt "filters" would
//     widen a delete rule to every blob in the account.
#include <algorithm>
#include <initializer_list>
#include <set>

#include <nlohmann/json.hpp>

#include "lifecycle/policy.h"

namespace noisett::lifecycle {
namespace {

using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

constexpr size_t kMaxRules = 100;
constexpr size_t kMaxRuleName = 256;
constexpr size_t kMaxFilterEntries = 10;
constexpr int64_t kMaxDays = 99999;
constexpr size_t kLineWidth = 100;  // of the serialized policy

constexpr std::string_view kModification = "daysAfterModificationGreaterThan";
constexpr std::string_view kCreation = "daysAfterCreationGreaterThan";
constexpr std::string_view kLastAccess = "daysAfterLastAccessTimeGreaterThan";
constexpr std::string_view kLastTierChange = "daysAfterLastTierChangeGreaterThan";

enum class Block { kBaseBlob, kVersion, kSnapshot };
constexpr Block kBlocks[] = {Block::kBaseBlob, Block::kVersion, Block::kSnapshot};
constexpr ActionKind kKinds[] = {ActionKind::kTierToCool, ActionKind::kTierToCold,
                                 ActionKind::kTierToArchive, ActionKind::kDelete};

std::string_view BlockName(Block block) {
  switch (block) {
    case Block::kBaseBlob: return "baseBlob";
    case Block::kVersion: return "version";
    case Block::kSnapshot: return "snapshot";
  }
  return "baseBlob";
}

std::string_view BasisKey(AgeBasis basis) {
  switch (basis) {
    case AgeBasis::kModification: return kModification;
    case AgeBasis::kCreation: return kCreation;
    case AgeBasis::kLastAccess: return kLastAccess;
  }
  return kModification;
}

Unexpected Bad(const std::string& path, std::string_view expected) {
  return Unexpected(MakeError(ErrorCode::kInvalidArgument, "bad_policy",
                              path + ": " + std::string(expected)));
}

bool IsIdentifier(std::string_view key) {
  if (key.empty() || key.size() > 64) return false;
  return std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

// $.a.b for plain keys; $["odd key"] (JSON-quoted, cut short) for anything a reader could
// mistake for path syntax or that would not fit a one-line message.
std::string Member(const std::string& path, std::string_view key) {
  if (IsIdentifier(key)) return path + "." + std::string(key);
  std::string shown(key.substr(0, 64));
  if (key.size() > 64) shown += "...";
  return path + "[" + Json(shown).dump(-1, ' ', false, Json::error_handler_t::replace) + "]";
}

std::string Index(const std::string& path, size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

// "a, b or c"
std::string Alternatives(std::initializer_list<std::string_view> names) {
  std::string out;
  size_t i = 0;
  for (std::string_view name : names) {
    if (i > 0) out += (i + 1 == names.size()) ? " or " : ", ";
    out += name;
    ++i;
  }
  return out;
}

// Every key of `object` must be one of `allowed`.
Status OnlyKeys(const Json& object, const std::string& path,
                std::initializer_list<std::string_view> allowed) {
  for (const auto& [key, value] : object.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      return Bad(Member(path, key), "unknown key (expected " + Alternatives(allowed) + ")");
    }
  }
  return Ok();
}

Result<int> ParseDays(const Json& j, const std::string& path) {
  int64_t days = -1;
  if (j.is_number_unsigned()) {
    days = j.get<uint64_t>() > uint64_t(kMaxDays) ? -1 : int64_t(j.get<uint64_t>());
  } else if (j.is_number_integer()) {
    days = j.get<int64_t>();
  }
  if (days < 0 || days > kMaxDays) return Bad(path, "expected a whole number 0..99999");
  return int(days);
}

// Rule names reach logs and sweep summaries: 1..256 characters (UTF-8 code points), no controls.
bool IsRuleName(const std::string& name) {
  const size_t chars = size_t(std::count_if(name.begin(), name.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
  return chars >= 1 && chars <= kMaxRuleName &&
         std::none_of(name.begin(), name.end(), [](char c) {
           return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
         });
}

// Azure's prefixMatch starts with the container: a container name is 3..63 of [a-z0-9-].
bool StartsWithContainer(std::string_view prefix) {
  const std::string_view container = prefix.substr(0, prefix.find('/'));
  return container.size() >= 3 && container.size() <= 63 && container.front() != '-' &&
         std::all_of(container.begin(), container.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
         });
}

// ---- parsing: the leaves first, ParsePolicy (below) walks down from the root ----

struct ActionContext {
  Block block;
  ActionKind kind;
  bool append_blob;  // the rule's blobTypes include appendBlob: delete only
};

Result<Action> ParseAction(const Json& j, const std::string& path, const ActionContext& ctx) {
  const bool base = ctx.block == Block::kBaseBlob;
  const bool archive = ctx.kind == ActionKind::kTierToArchive;
  std::string conditions = base ? Alternatives({kModification, kCreation, kLastAccess})
                                : std::string(kCreation);
  if (archive) conditions += " (and optionally " + std::string(kLastTierChange) + ")";
  const std::string expected = "expected an object with " + conditions;
  if (!j.is_object()) return Bad(path, expected);
  if (ctx.append_blob && ctx.kind != ActionKind::kDelete) {
    return Bad(path, "a rule for appendBlob supports the delete action only");
  }
  Action action{ctx.kind, AgeBasis::kModification, 0, std::nullopt};
  bool has_basis = false;
  for (const auto& [key, value] : j.items()) {
    const std::string key_path = Member(path, key);
    if (key == kLastTierChange) {
      if (!archive) return Bad(key_path, "applies to tierToArchive only");
      auto days = ParseDays(value, key_path);
      if (!days) return Unexpected(days.error());
      action.days_after_last_tier_change = *days;
      continue;
    }
    std::optional<AgeBasis> basis;
    if (key == kModification) basis = AgeBasis::kModification;
    if (key == kCreation) basis = AgeBasis::kCreation;
    if (key == kLastAccess) basis = AgeBasis::kLastAccess;
    if (!basis) {
      return Bad(key_path, "unknown run condition (expected " + conditions + ")");
    }
    if (!base && *basis != AgeBasis::kCreation) {
      return Bad(key_path, std::string(BlockName(ctx.block)) + " actions run on " +
                               std::string(kCreation) + " only");
    }
    if (has_basis) {
      return Bad(path, "expected exactly one of " +
                           Alternatives({kModification, kCreation, kLastAccess}));
    }
    auto days = ParseDays(value, key_path);
    if (!days) return Unexpected(days.error());
    action.basis = *basis;
    action.days = *days;
    has_basis = true;
  }
  if (!has_basis) return Bad(path, expected);
  return action;
}

Result<std::vector<Action>> ParseBlock(const Json& j, const std::string& path, Block block,
                                       bool append_blob) {
  if (!j.is_object()) {
    return Bad(path, "expected an object with tierToCool, tierToCold, tierToArchive or delete");
  }
  for (const auto& [key, value] : j.items()) {
    if (key == "tierToHot" || (key == "enableAutoTierToHotFromCool" && block == Block::kBaseBlob)) {
      return Bad(Member(path, key),
                 "not supported by Noisett (images only cool down; use images.rehydrate)");
    }
  }
  if (Status s = OnlyKeys(j, path, {"tierToCool", "tierToCold", "tierToArchive", "delete"}); !s) {
    return Unexpected(s.error());
  }
  std::vector<Action> actions;
  for (ActionKind kind : kKinds) {
    const std::string key(ActionKindName(kind));
    if (!j.contains(key)) continue;
    auto action = ParseAction(j.at(key), Member(path, key), {block, kind, append_blob});
    if (!action) return Unexpected(action.error());
    actions.push_back(*action);
  }
  return actions;
}

Status ParseActions(const Json& j, const std::string& path, bool append_blob, Rule& rule) {
  if (!j.is_object()) return Bad(path, "expected an object with baseBlob, version or snapshot");
  if (Status s = OnlyKeys(j, path, {"baseBlob", "version", "snapshot"}); !s) return s;
  for (Block block : kBlocks) {
    const std::string key(BlockName(block));
    if (!j.contains(key)) continue;
    auto actions = ParseBlock(j.at(key), Member(path, key), block, append_blob);
    if (!actions) return Unexpected(actions.error());
    (block == Block::kBaseBlob  ? rule.base_blob
     : block == Block::kVersion ? rule.version
                                : rule.snapshot) = std::move(*actions);
  }
  if (rule.base_blob.empty() && rule.version.empty() && rule.snapshot.empty()) {
    return Bad(path, "expected at least one action");
  }
  return Ok();
}

Result<std::vector<std::string>> ParseBlobTypes(const Json& j, const std::string& path) {
  if (!j.is_array() || j.empty()) return Bad(path, "expected a non-empty array of blob types");
  std::vector<std::string> types;
  for (size_t i = 0; i < j.size(); ++i) {
    const Json& t = j[i];
    if (!t.is_string() || (t != "blockBlob" && t != "appendBlob")) {
      return Bad(Index(path, i), "expected \"blockBlob\" or \"appendBlob\"");
    }
    if (std::find(types.begin(), types.end(), t.get<std::string>()) != types.end()) {
      return Bad(Index(path, i), "duplicate blob type");
    }
    types.push_back(t.get<std::string>());
  }
  return types;
}

Result<std::vector<std::string>> ParsePrefixes(const Json& j, const std::string& path) {
  if (!j.is_array() || j.size() > kMaxFilterEntries) {
    return Bad(path, "expected an array of at most 10 prefixes");
  }
  std::vector<std::string> prefixes;
  for (size_t i = 0; i < j.size(); ++i) {
    const Json& p = j[i];
    if (!p.is_string() || !StartsWithContainer(p.get<std::string>()) ||
        p.get<std::string>().find_first_of("*?") != std::string::npos) {
      return Bad(Index(path, i),
                 "expected a plain prefix starting with the container (\"CONTAINER/PATH\", no "
                 "wildcards)");
    }
    prefixes.push_back(p.get<std::string>());
  }
  return prefixes;
}

Result<TagMatch> ParseTagMatch(const Json& j, const std::string& path) {
  if (!j.is_object()) return Bad(path, "expected an object {name, op: \"==\", value}");
  if (Status s = OnlyKeys(j, path, {"name", "op", "value"}); !s) return Unexpected(s.error());
  for (const char* key : {"name", "op", "value"}) {
    if (!j.contains(key) || !j.at(key).is_string()) {
      return Bad(Member(path, key), "expected a string");
    }
  }
  if (j.at("op") != "==") {
    return Bad(Member(path, "op"), "expected \"==\" (the only operator lifecycle policies take)");
  }
  TagMatch match{j.at("name").get<std::string>(), j.at("value").get<std::string>()};
  if (Status s = storage::ValidateTags({{match.name, match.value}}); !s) {
    return Bad(path, "expected a valid blob index tag: " + s.error().message);
  }
  return match;
}

Result<Filters> ParseFilters(const Json& j, const std::string& path) {
  Filters filters;
  filters.blob_types = {"blockBlob"};  // Azure needs blobTypes; the design document omits it
  if (!j.is_object()) {
    return Bad(path, "expected an object with blobTypes, prefixMatch or blobIndexMatch");
  }
  if (Status s = OnlyKeys(j, path, {"blobTypes", "prefixMatch", "blobIndexMatch"}); !s) {
    return Unexpected(s.error());
  }
  if (j.contains("blobTypes")) {
    auto types = ParseBlobTypes(j.at("blobTypes"), Member(path, "blobTypes"));
    if (!types) return Unexpected(types.error());
    filters.blob_types = std::move(*types);
  }
  if (j.contains("prefixMatch")) {
    auto prefixes = ParsePrefixes(j.at("prefixMatch"), Member(path, "prefixMatch"));
    if (!prefixes) return Unexpected(prefixes.error());
    filters.prefixes = std::move(*prefixes);
  }
  if (j.contains("blobIndexMatch")) {
    const Json& tags = j.at("blobIndexMatch");
    const std::string tags_path = Member(path, "blobIndexMatch");
    if (!tags.is_array() || tags.size() > kMaxFilterEntries) {
      return Bad(tags_path, "expected an array of at most 10 tag conditions");
    }
    for (size_t i = 0; i < tags.size(); ++i) {
      auto match = ParseTagMatch(tags[i], Index(tags_path, i));
      if (!match) return Unexpected(match.error());
      filters.tag_matches.push_back(std::move(*match));
    }
  }
  return filters;
}

Status ParseDefinition(const Json& j, const std::string& path, Rule& rule) {
  if (!j.is_object()) return Bad(path, "expected an object with filters and actions");
  if (Status s = OnlyKeys(j, path, {"filters", "actions"}); !s) return s;
  if (j.contains("filters")) {
    auto filters = ParseFilters(j.at("filters"), Member(path, "filters"));
    if (!filters) return Unexpected(filters.error());
    rule.filters = std::move(*filters);
  } else {
    rule.filters.blob_types = {"blockBlob"};
  }
  if (!j.contains("actions")) {
    return Bad(Member(path, "actions"), "expected an object with baseBlob, version or snapshot");
  }
  const auto& types = rule.filters.blob_types;
  const bool append_blob = std::find(types.begin(), types.end(), "appendBlob") != types.end();
  return ParseActions(j.at("actions"), Member(path, "actions"), append_blob, rule);
}

Result<Rule> ParseRule(const Json& j, const std::string& path) {
  if (!j.is_object()) {
    return Bad(path, "expected a rule object with name, enabled, type and definition");
  }
  if (Status s = OnlyKeys(j, path, {"name", "enabled", "type", "definition"}); !s) {
    return Unexpected(s.error());
  }
  Rule rule;
  if (!j.contains("name") || !j.at("name").is_string() ||
      !IsRuleName(j.at("name").get<std::string>())) {
    return Bad(Member(path, "name"), "expected a rule name of 1..256 characters");
  }
  rule.name = j.at("name").get<std::string>();
  if (j.contains("enabled")) {
    if (!j.at("enabled").is_boolean()) {
      return Bad(Member(path, "enabled"), "expected true or false");
    }
    rule.enabled = j.at("enabled").get<bool>();
  }
  if (j.contains("type") && j.at("type") != "Lifecycle") {
    return Bad(Member(path, "type"), "expected \"Lifecycle\"");
  }
  if (!j.contains("definition")) {
    return Bad(Member(path, "definition"), "expected an object with filters and actions");
  }
  if (Status s = ParseDefinition(j.at("definition"), Member(path, "definition"), rule); !s) {
    return Unexpected(s.error());
  }
  return rule;
}

// ---- serializing ----

OrderedJson BlockJson(const std::vector<Action>& actions) {
  OrderedJson block = OrderedJson::object();
  for (ActionKind kind : kKinds) {  // one order whatever order the rule was built in
    for (const Action& action : actions) {
      if (action.kind != kind) continue;
      OrderedJson condition = OrderedJson::object();
      condition[std::string(BasisKey(action.basis))] = action.days;
      if (action.days_after_last_tier_change) {
        condition[std::string(kLastTierChange)] = *action.days_after_last_tier_change;
      }
      block[std::string(ActionKindName(kind))] = std::move(condition);
    }
  }
  return block;
}

OrderedJson FiltersJson(const Filters& filters) {
  OrderedJson out = OrderedJson::object();
  out["blobTypes"] = filters.blob_types.empty() ? std::vector<std::string>{"blockBlob"}
                                                : filters.blob_types;
  if (!filters.prefixes.empty()) out["prefixMatch"] = filters.prefixes;
  if (!filters.tag_matches.empty()) {
    OrderedJson tags = OrderedJson::array();
    for (const TagMatch& t : filters.tag_matches) {
      tags.push_back(OrderedJson{{"name", t.name}, {"op", "=="}, {"value", t.value}});
    }
    out["blobIndexMatch"] = std::move(tags);
  }
  return out;
}

OrderedJson RuleJson(const Rule& rule) {
  OrderedJson actions = OrderedJson::object();
  if (!rule.base_blob.empty()) actions["baseBlob"] = BlockJson(rule.base_blob);
  if (!rule.version.empty()) actions["version"] = BlockJson(rule.version);
  if (!rule.snapshot.empty()) actions["snapshot"] = BlockJson(rule.snapshot);
  OrderedJson out = OrderedJson::object();
  out["name"] = rule.name;
  out["enabled"] = rule.enabled;
  out["type"] = "Lifecycle";
  out["definition"] = OrderedJson{{"filters", FiltersJson(rule.filters)}, {"actions", actions}};
  return out;
}

std::string Scalar(const OrderedJson& j) {
  return j.dump(-1, ' ', false, OrderedJson::error_handler_t::replace);
}

bool IsLeaf(const OrderedJson& j) {
  return std::none_of(j.begin(), j.end(), [](const OrderedJson& e) { return e.is_structured(); });
}

// A container of scalars on one line: { "a": 1, "b": 2 } or ["x", "y"].
std::string OneLine(const OrderedJson& j) {
  const bool object = j.is_object();
  std::string line = object ? "{ " : "[";
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (it != j.begin()) line += ", ";
    if (object) line += Scalar(OrderedJson(it.key())) + ": ";
    line += Scalar(*it);
  }
  return line + (object ? " }" : "]");
}

// Two-space indentation, except that a container of scalars stays on one line when that line
// fits in 100 columns ("tierToCool": { "daysAfterModificationGreaterThan": 30 }): the shipped
// file is this output, and people review it.
void Print(const OrderedJson& j, int indent, std::string& out) {
  if (!j.is_structured()) {
    out += Scalar(j);
    return;
  }
  const bool object = j.is_object();
  if (j.empty()) {
    out += object ? "{}" : "[]";
    return;
  }
  if (IsLeaf(j)) {
    const std::string line = OneLine(j);
    const size_t column = out.size() - (out.rfind('\n') + 1);  // npos + 1 == 0
    if (column + line.size() + 1 <= kLineWidth) {  // + 1: a comma may follow
      out += line;
      return;
    }
  }
  const std::string inner(size_t(indent + 2), ' ');
  out += object ? "{\n" : "[\n";
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (it != j.begin()) out += ",\n";
    out += inner;
    if (object) out.append(Scalar(OrderedJson(it.key()))).append(": ");
    Print(*it, indent + 2, out);
  }
  out += '\n';
  out.append(size_t(indent), ' ');
  out += object ? '}' : ']';
}

}  // namespace

Result<Policy> ParsePolicy(std::string_view json) {
  Json doc;
  try {
    doc = Json::parse(json);
  } catch (const Json::parse_error& e) {
    return Bad("$", "invalid JSON near byte " + std::to_string(e.byte));
  } catch (const Json::out_of_range&) {
    // A number beyond a double's range (1e400) is out_of_range, not parse_error (found by
    // fuzz/policy_fuzz.cc): uncaught, it ended the process.
    return Bad("$", "invalid JSON: a number out of range");
  }
  if (!doc.is_object()) return Bad("$", "expected an object {\"rules\": [...]}");
  if (doc.contains("policy")) {
    return Bad("$.policy",
               "unknown key (expected rules: az --policy @FILE takes the policy itself, "
               "{\"rules\": [...]})");
  }
  if (Status s = OnlyKeys(doc, "$", {"rules"}); !s) return Unexpected(s.error());
  if (!doc.contains("rules") || !doc.at("rules").is_array() || doc.at("rules").empty() ||
      doc.at("rules").size() > kMaxRules) {
    return Bad("$.rules", "expected an array of 1..100 rules");
  }
  Policy policy;
  std::set<std::string> names;
  for (size_t i = 0; i < doc.at("rules").size(); ++i) {
    const std::string path = Index("$.rules", i);
    auto rule = ParseRule(doc.at("rules")[i], path);
    if (!rule) return Unexpected(rule.error());
    if (!names.insert(rule->name).second) {
      return Bad(path + ".name", "expected a unique rule name; \"" + rule->name + "\" is taken");
    }
    policy.rules.push_back(std::move(*rule));
  }
  return policy;
}

std::string SerializePolicy(const Policy& policy) {
  OrderedJson rules = OrderedJson::array();
  for (const Rule& rule : policy.rules) rules.push_back(RuleJson(rule));
  OrderedJson doc = OrderedJson::object();
  doc["rules"] = std::move(rules);
  std::string out;
  Print(doc, 0, out);
  return out + "\n";
}

}  // namespace noisett::lifecycle
