// ParsePolicy / SerializePolicy: what Azure accepts parses (the design document's policy, with
// its omitted "type" and "filters"), every invalid shape is refused naming its JSON path, and
// the serialized form parses back to the same policy.
#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "lifecycle/policy.h"
#include "lifecycle/retention.h"

namespace noisett::lifecycle {
namespace {

using Json = nlohmann::json;

// The design document's "Lifecycle Policy (JSON)", verbatim: rule 2 has neither type nor
// filters, rule 3 has filters without blobTypes.
constexpr const char* kDesignPolicy = R"({
  "rules": [
    {
      "name": "move-to-cool-tier",
      "type": "Lifecycle",
      "definition": {
        "actions": {
          "baseBlob": {
            "tierToCool": {
              "daysAfterModificationGreaterThan": 30
            }
          }
        },
        "filters": {
          "blobTypes": ["blockBlob"],
          "prefixMatch": ["imagegen-images/"]
        }
      }
    },
    {
      "name": "move-to-archive-tier",
      "definition": {
        "actions": {
          "baseBlob": {
            "tierToArchive": {
              "daysAfterModificationGreaterThan": 90
            }
          }
        }
      }
    },
    {
      "name": "delete-old-images-free-tier",
      "definition": {
        "actions": {
          "baseBlob": {
            "delete": {
              "daysAfterModificationGreaterThan": 90
            }
          }
        },
        "filters": {
          "blobIndexMatch": [
            {"name": "subscription_tier", "op": "==", "value": "free"}
          ]
        }
      }
    }
  ]
})";

bool SameAction(const Action& a, const Action& b) {
  return a.kind == b.kind && a.basis == b.basis && a.days == b.days &&
         a.days_after_last_tier_change == b.days_after_last_tier_change;
}

bool SameActions(const std::vector<Action>& a, const std::vector<Action>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), SameAction);
}

bool SameRule(const Rule& a, const Rule& b) {
  const auto same_tags = [](const TagMatch& x, const TagMatch& y) {
    return x.name == y.name && x.value == y.value;
  };
  return a.name == b.name && a.enabled == b.enabled &&
         a.filters.blob_types == b.filters.blob_types &&
         a.filters.prefixes == b.filters.prefixes &&
         std::equal(a.filters.tag_matches.begin(), a.filters.tag_matches.end(),
                    b.filters.tag_matches.begin(), b.filters.tag_matches.end(), same_tags) &&
         SameActions(a.base_blob, b.base_blob) && SameActions(a.version, b.version) &&
         SameActions(a.snapshot, b.snapshot);
}

bool SamePolicy(const Policy& a, const Policy& b) {
  return std::equal(a.rules.begin(), a.rules.end(), b.rules.begin(), b.rules.end(), SameRule);
}

TEST(PolicyParse, DesignDocumentPolicyParsesWithAzureDefaults) {
  auto policy = ParsePolicy(kDesignPolicy);
  ASSERT_TRUE(policy) << policy.error().ToString();
  ASSERT_EQ(policy->rules.size(), 3u);

  const Rule& cool = policy->rules[0];
  EXPECT_EQ(cool.name, "move-to-cool-tier");
  EXPECT_TRUE(cool.enabled);
  EXPECT_EQ(cool.filters.blob_types, std::vector<std::string>{"blockBlob"});
  EXPECT_EQ(cool.filters.prefixes, std::vector<std::string>{"imagegen-images/"});
  ASSERT_EQ(cool.base_blob.size(), 1u);
  EXPECT_EQ(cool.base_blob[0].kind, ActionKind::kTierToCool);
  EXPECT_EQ(cool.base_blob[0].basis, AgeBasis::kModification);
  EXPECT_EQ(cool.base_blob[0].days, 30);

  const Rule& archive = policy->rules[1];  // no type, no filters: blockBlob, every prefix
  EXPECT_TRUE(archive.enabled);
  EXPECT_EQ(archive.filters.blob_types, std::vector<std::string>{"blockBlob"});
  EXPECT_TRUE(archive.filters.prefixes.empty());
  ASSERT_EQ(archive.base_blob.size(), 1u);
  EXPECT_EQ(archive.base_blob[0].kind, ActionKind::kTierToArchive);
  EXPECT_EQ(archive.base_blob[0].days, 90);
  EXPECT_FALSE(archive.base_blob[0].days_after_last_tier_change);

  const Rule& free = policy->rules[2];  // filters without blobTypes
  EXPECT_EQ(free.filters.blob_types, std::vector<std::string>{"blockBlob"});
  ASSERT_EQ(free.filters.tag_matches.size(), 1u);
  EXPECT_EQ(free.filters.tag_matches[0].name, "subscription_tier");
  EXPECT_EQ(free.filters.tag_matches[0].value, "free");
  ASSERT_EQ(free.base_blob.size(), 1u);
  EXPECT_EQ(free.base_blob[0].kind, ActionKind::kDelete);
  EXPECT_TRUE(free.version.empty());
}

TEST(PolicyParse, SerializedDesignPolicyIsCompleteAndRoundTrips) {
  auto policy = ParsePolicy(kDesignPolicy);
  ASSERT_TRUE(policy);
  const std::string text = SerializePolicy(*policy);
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n');
  const Json doc = Json::parse(text);
  for (const Json& rule : doc["rules"]) {
    EXPECT_EQ(rule["type"], "Lifecycle");
    EXPECT_EQ(rule["enabled"], true);
    EXPECT_EQ(rule["definition"]["filters"]["blobTypes"], Json::array({"blockBlob"}));
  }
  auto again = ParsePolicy(text);
  ASSERT_TRUE(again) << again.error().ToString();
  EXPECT_TRUE(SamePolicy(*policy, *again));
  EXPECT_EQ(SerializePolicy(*again), text);
}

TEST(PolicyParse, EveryFeatureRoundTrips) {
  Policy policy;
  Rule rich;
  rich.name = "rich rule \xc3\xa9";  // any characters but controls, counted as characters
  rich.enabled = false;
  rich.filters = {{"blockBlob", "appendBlob"},
                  {"noisett-storage/generated/a/", "other-container"},
                  {{"subscription_tier", "pro"}, {"kind", ""}}};
  rich.base_blob = {{ActionKind::kDelete, AgeBasis::kLastAccess, 400, std::nullopt}};
  rich.version = {{ActionKind::kDelete, AgeBasis::kCreation, 0, std::nullopt}};
  rich.snapshot = {{ActionKind::kDelete, AgeBasis::kCreation, 99999, std::nullopt}};
  Rule tiers;
  tiers.name = "tiers";
  tiers.filters.blob_types = {"blockBlob"};
  tiers.base_blob = {{ActionKind::kTierToCool, AgeBasis::kLastAccess, 10, std::nullopt},
                     {ActionKind::kTierToCold, AgeBasis::kCreation, 20, std::nullopt},
                     {ActionKind::kTierToArchive, AgeBasis::kModification, 30, 5}};
  tiers.version = {{ActionKind::kTierToArchive, AgeBasis::kCreation, 40, 1},
                   {ActionKind::kDelete, AgeBasis::kCreation, 50, std::nullopt}};
  tiers.snapshot = {{ActionKind::kTierToCold, AgeBasis::kCreation, 60, std::nullopt}};
  policy.rules = {rich, tiers};

  const std::string text = SerializePolicy(policy);
  auto parsed = ParsePolicy(text);
  ASSERT_TRUE(parsed) << parsed.error().ToString() << "\n" << text;
  EXPECT_TRUE(SamePolicy(policy, *parsed)) << text;
  EXPECT_EQ(SerializePolicy(*parsed), text);
}

TEST(PolicyParse, AcceptsWhatAzureAcceptsWithoutDefaults) {
  auto policy = ParsePolicy(R"({"rules": [{"name": "r", "enabled": false, "type": "Lifecycle",
      "definition": {"filters": {"blobTypes": ["blockBlob"], "prefixMatch": []},
                     "actions": {"version": {"delete": {"daysAfterCreationGreaterThan": 0}}}}}]})");
  ASSERT_TRUE(policy) << policy.error().ToString();
  EXPECT_FALSE(policy->rules[0].enabled);
  EXPECT_TRUE(policy->rules[0].filters.prefixes.empty());
  ASSERT_EQ(policy->rules[0].version.size(), 1u);
  EXPECT_EQ(policy->rules[0].version[0].days, 0);
}

TEST(PolicyParse, ActionsComeOutInOneOrder) {
  auto policy = ParsePolicy(R"({"rules": [{"name": "r", "definition": {"actions": {"baseBlob": {
      "delete": {"daysAfterModificationGreaterThan": 9},
      "tierToArchive": {"daysAfterModificationGreaterThan": 5},
      "tierToCool": {"daysAfterModificationGreaterThan": 1}}}}}]})");
  ASSERT_TRUE(policy) << policy.error().ToString();
  const auto& actions = policy->rules[0].base_blob;
  ASSERT_EQ(actions.size(), 3u);
  EXPECT_EQ(actions[0].kind, ActionKind::kTierToCool);
  EXPECT_EQ(actions[1].kind, ActionKind::kTierToArchive);
  EXPECT_EQ(actions[2].kind, ActionKind::kDelete);
}

// A valid two-rule policy the refusal cases below each break in one place.
Json ValidPolicy() {
  return Json::parse(R"({"rules": [
    {"name": "cool", "enabled": true, "type": "Lifecycle", "definition": {
      "filters": {"blobTypes": ["blockBlob"], "prefixMatch": ["noisett-storage/generated/"],
                  "blobIndexMatch": [{"name": "subscription_tier", "op": "==", "value": "free"}]},
      "actions": {"baseBlob": {"tierToCool": {"daysAfterModificationGreaterThan": 30}},
                  "version": {"delete": {"daysAfterCreationGreaterThan": 90}}}}},
    {"name": "archive", "definition": {"actions": {"baseBlob": {"tierToArchive": {
      "daysAfterModificationGreaterThan": 90, "daysAfterLastTierChangeGreaterThan": 7}}}}}
  ]})");
}

struct Refusal {
  std::string what;
  std::function<void(Json&)> mutate;
  std::string message_prefix;  // the JSON path of the fault, then what was expected
};

std::vector<Refusal> Refusals() {
  const std::string r0 = "$.rules[0]";
  const std::string def0 = r0 + ".definition";
  const std::string filters0 = def0 + ".filters";
  const std::string base0 = def0 + ".actions.baseBlob";
  const std::string archive1 = "$.rules[1].definition.actions.baseBlob.tierToArchive";
  return {
      {"top level is an array", [](Json& j) { j = Json::array(); },
       "$: expected an object {\"rules\": [...]}"},
      {"ARM wrapper", [](Json& j) { j = Json{{"policy", j}}; }, "$.policy: unknown key"},
      {"unknown top-level key", [](Json& j) { j["version"] = 1; },
       "$.version: unknown key (expected rules)"},
      {"no rules", [](Json& j) { j["rules"] = Json::array(); },
       "$.rules: expected an array of 1..100 rules"},
      {"101 rules",
       [](Json& j) {
         Json rules = Json::array();
         for (int i = 0; i < 101; ++i) {
           Json rule = j["rules"][1];
           rule["name"] = std::string("r").append(std::to_string(i));
           rules.push_back(rule);
         }
         j["rules"] = rules;
       },
       "$.rules: expected an array of 1..100 rules"},
      {"rule not an object", [](Json& j) { j["rules"][1] = "archive"; },
       "$.rules[1]: expected a rule object"},
      {"missing name", [](Json& j) { j["rules"][0].erase("name"); },
       "$.rules[0].name: expected a rule name of 1..256 characters"},
      {"name too long", [](Json& j) { j["rules"][0]["name"] = std::string(257, 'n'); },
       "$.rules[0].name: expected a rule name of 1..256 characters"},
      {"control character in name", [](Json& j) { j["rules"][0]["name"] = "a\nb"; },
       "$.rules[0].name: expected a rule name"},
      {"duplicate name", [](Json& j) { j["rules"][1]["name"] = "cool"; },
       "$.rules[1].name: expected a unique rule name; \"cool\" is taken"},
      {"type not Lifecycle", [](Json& j) { j["rules"][0]["type"] = "lifecycle"; },
       "$.rules[0].type: expected \"Lifecycle\""},
      {"enabled a string", [](Json& j) { j["rules"][0]["enabled"] = "true"; },
       "$.rules[0].enabled: expected true or false"},
      {"misspelt rule key",
       [](Json& j) { j["rules"][0]["Definition"] = j["rules"][0]["definition"]; },
       "$.rules[0].Definition: unknown key (expected name, enabled, type or definition)"},
      {"no definition", [](Json& j) { j["rules"][1].erase("definition"); },
       "$.rules[1].definition: expected an object with filters and actions"},
      {"misspelt filters (would widen the rule)",
       [](Json& j) {
         j["rules"][0]["definition"]["filter"] = j["rules"][0]["definition"]["filters"];
       },
       def0 + ".filter: unknown key (expected filters or actions)"},
      {"no actions", [](Json& j) { j["rules"][0]["definition"].erase("actions"); },
       def0 + ".actions: expected an object with baseBlob, version or snapshot"},
      {"empty actions", [](Json& j) { j["rules"][0]["definition"]["actions"] = Json::object(); },
       def0 + ".actions: expected at least one action"},
      {"unknown action block",
       [](Json& j) { j["rules"][0]["definition"]["actions"]["baseBlobs"] = Json::object(); },
       def0 + ".actions.baseBlobs: unknown key (expected baseBlob, version or snapshot)"},
      {"days negative",
       [](Json& j) {
         j["rules"][1]["definition"]["actions"]["baseBlob"]["tierToArchive"]
          ["daysAfterModificationGreaterThan"] = -1;
       },
       archive1 + ".daysAfterModificationGreaterThan: expected a whole number 0..99999"},
      {"days fractional",
       [](Json& j) {
         j["rules"][1]["definition"]["actions"]["baseBlob"]["tierToArchive"]
          ["daysAfterModificationGreaterThan"] = 90.5;
       },
       archive1 + ".daysAfterModificationGreaterThan: expected a whole number 0..99999"},
      {"days too many",
       [](Json& j) {
         j["rules"][1]["definition"]["actions"]["baseBlob"]["tierToArchive"]
          ["daysAfterLastTierChangeGreaterThan"] = 100000;
       },
       archive1 + ".daysAfterLastTierChangeGreaterThan: expected a whole number 0..99999"},
      {"days a string",
       [](Json& j) {
         j["rules"][0]["definition"]["actions"]["baseBlob"]["tierToCool"]
          ["daysAfterModificationGreaterThan"] = "30";
       },
       base0 + ".tierToCool.daysAfterModificationGreaterThan: expected a whole number 0..99999"},
      {"two age conditions",
       [](Json& j) {
         j["rules"][0]["definition"]["actions"]["baseBlob"]["tierToCool"]
          ["daysAfterCreationGreaterThan"] = 30;
       },
       base0 + ".tierToCool: expected exactly one of daysAfterModificationGreaterThan, "
               "daysAfterCreationGreaterThan or daysAfterLastAccessTimeGreaterThan"},
      {"archive guard alone",
       [](Json& j) {
         j["rules"][1]["definition"]["actions"]["baseBlob"]["tierToArchive"].erase(
             "daysAfterModificationGreaterThan");
       },
       archive1 + ": expected an object with daysAfterModificationGreaterThan, "
                  "daysAfterCreationGreaterThan or daysAfterLastAccessTimeGreaterThan (and "
                  "optionally daysAfterLastTierChangeGreaterThan)"},
      {"tier-change guard on tierToCool",
       [](Json& j) {
         j["rules"][0]["definition"]["actions"]["baseBlob"]["tierToCool"]
          ["daysAfterLastTierChangeGreaterThan"] = 7;
       },
       base0 + ".tierToCool.daysAfterLastTierChangeGreaterThan: applies to tierToArchive only"},
      {"unknown run condition",
       [](Json& j) {
         j["rules"][0]["definition"]["actions"]["baseBlob"]["tierToCool"] = {
             {"daysAfterModificationGreaterThen", 30}};
       },
       base0 + ".tierToCool.daysAfterModificationGreaterThen: unknown run condition"},
      {"version on modification",
       [](Json& j) {
         j["rules"][0]["definition"]["actions"]["version"]["delete"] = {
             {"daysAfterModificationGreaterThan", 90}};
       },
       def0 + ".actions.version.delete.daysAfterModificationGreaterThan: version actions run on "
              "daysAfterCreationGreaterThan only"},
      {"unknown action",
       [](Json& j) {
         j["rules"][0]["definition"]["actions"]["baseBlob"]["tierToGlacier"] = {
             {"daysAfterModificationGreaterThan", 1}};
       },
       base0 + ".tierToGlacier: unknown key (expected tierToCool, tierToCold, tierToArchive or "
               "delete)"},
      {"tierToHot",
       [](Json& j) {
         j["rules"][0]["definition"]["actions"]["baseBlob"]["tierToHot"] = {
             {"daysAfterModificationGreaterThan", 1}};
       },
       base0 + ".tierToHot: not supported by Noisett"},
      {"enableAutoTierToHotFromCool",
       [](Json& j) {
         j["rules"][0]["definition"]["actions"]["baseBlob"]["enableAutoTierToHotFromCool"] = true;
       },
       base0 + ".enableAutoTierToHotFromCool: not supported by Noisett"},
      {"action not an object",
       [](Json& j) { j["rules"][0]["definition"]["actions"]["baseBlob"]["tierToCool"] = 30; },
       base0 + ".tierToCool: expected an object with daysAfterModificationGreaterThan"},
      {"page blobs",
       [](Json& j) { j["rules"][0]["definition"]["filters"]["blobTypes"] = {"pageBlob"}; },
       filters0 + ".blobTypes[0]: expected \"blockBlob\" or \"appendBlob\""},
      {"empty blobTypes",
       [](Json& j) { j["rules"][0]["definition"]["filters"]["blobTypes"] = Json::array(); },
       filters0 + ".blobTypes: expected a non-empty array"},
      {"tier action on append blobs",
       [](Json& j) {
         j["rules"][0]["definition"]["filters"]["blobTypes"] = {"blockBlob", "appendBlob"};
       },
       base0 + ".tierToCool: a rule for appendBlob supports the delete action only"},
      {"eleven prefixes",
       [](Json& j) {
         j["rules"][0]["definition"]["filters"]["prefixMatch"] =
             std::vector<std::string>(11, "noisett-storage/x");
       },
       filters0 + ".prefixMatch: expected an array of at most 10 prefixes"},
      {"wildcard prefix",
       [](Json& j) {
         j["rules"][0]["definition"]["filters"]["prefixMatch"][0] = "noisett-storage/generated/*";
       },
       filters0 + ".prefixMatch[0]: expected a plain prefix starting with the container"},
      {"prefix without a container",
       [](Json& j) { j["rules"][0]["definition"]["filters"]["prefixMatch"][0] = "/generated/"; },
       filters0 + ".prefixMatch[0]: expected a plain prefix starting with the container"},
      {"tag operator",
       [](Json& j) { j["rules"][0]["definition"]["filters"]["blobIndexMatch"][0]["op"] = ">"; },
       filters0 + ".blobIndexMatch[0].op: expected \"==\""},
      {"tag without value",
       [](Json& j) { j["rules"][0]["definition"]["filters"]["blobIndexMatch"][0].erase("value"); },
       filters0 + ".blobIndexMatch[0].value: expected a string"},
      {"bad tag name",
       [](Json& j) {
         j["rules"][0]["definition"]["filters"]["blobIndexMatch"][0]["name"] = "tier$";
       },
       filters0 + ".blobIndexMatch[0]: expected a valid blob index tag"},
      {"eleven tag conditions",
       [](Json& j) {
         Json& tags = j["rules"][0]["definition"]["filters"]["blobIndexMatch"];
         for (int i = 0; i < 10; ++i) tags.push_back(tags[0]);
       },
       filters0 + ".blobIndexMatch: expected an array of at most 10 tag conditions"},
      {"odd key is quoted in the path",
       [](Json& j) { j["rules"][0]["definition"]["filters"]["a.b"] = 1; },
       filters0 + "[\"a.b\"]: unknown key"},
  };
}

TEST(PolicyParse, InvalidPoliciesNameTheirFault) {
  ASSERT_TRUE(ParsePolicy(ValidPolicy().dump()));
  for (const Refusal& refusal : Refusals()) {
    SCOPED_TRACE(refusal.what);
    Json doc = ValidPolicy();
    refusal.mutate(doc);
    auto policy = ParsePolicy(doc.dump());
    ASSERT_FALSE(policy);
    EXPECT_EQ(policy.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(policy.error().reason, "bad_policy");
    EXPECT_EQ(policy.error().message.substr(0, refusal.message_prefix.size()),
              refusal.message_prefix)
        << policy.error().message;
  }
}

TEST(PolicyParse, InvalidJsonIsRefusedAtTheRoot) {
  for (const char* text : {"", "{", "{\"rules\": [}", "not json", "{\"rules\": []} trailing"}) {
    auto policy = ParsePolicy(text);
    ASSERT_FALSE(policy) << text;
    EXPECT_EQ(policy.error().reason, "bad_policy");
    EXPECT_EQ(policy.error().message.rfind("$: invalid JSON", 0), 0u) << policy.error().message;
  }
}

// nlohmann reports a number too large for a double as out_of_range, not parse_error; the fuzzer
// found that it escaped ParsePolicy and ended the process.
TEST(PolicyParse, NumbersBeyondDoubleRangeAreRefusedNotThrown) {
  for (const char* text : {"{\"rules\": 1e400}", "{\"policy\": -9.9e99999}",
                           R"({"rules": [{"name": "r", "definition": {"actions": {"baseBlob":
                               {"delete": {"daysAfterModificationGreaterThan": 1e309}}}}}]})"}) {
    auto policy = ParsePolicy(text);
    ASSERT_FALSE(policy) << text;
    EXPECT_EQ(policy.error().code, ErrorCode::kInvalidArgument) << text;
    EXPECT_EQ(policy.error().reason, "bad_policy");
    EXPECT_EQ(policy.error().message, "$: invalid JSON: a number out of range");
  }
}

TEST(PolicyParse, ActionNamesAndTargets) {
  EXPECT_EQ(ActionKindName(ActionKind::kTierToCool), "tierToCool");
  EXPECT_EQ(ActionKindName(ActionKind::kTierToCold), "tierToCold");
  EXPECT_EQ(ActionKindName(ActionKind::kTierToArchive), "tierToArchive");
  EXPECT_EQ(ActionKindName(ActionKind::kDelete), "delete");
  EXPECT_EQ(TargetTier(ActionKind::kTierToCool), storage::AccessTier::kCool);
  EXPECT_EQ(TargetTier(ActionKind::kTierToCold), storage::AccessTier::kCold);
  EXPECT_EQ(TargetTier(ActionKind::kTierToArchive), storage::AccessTier::kArchive);
  EXPECT_FALSE(TargetTier(ActionKind::kDelete));
}

}  // namespace
}  // namespace noisett::lifecycle
