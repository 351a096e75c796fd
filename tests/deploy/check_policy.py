#!/usr/bin/env python3
"""Checks deploy/azure/blob-lifecycle-policy.json against Azure's lifecycle policy rules
(REFERENCE.md §1.8, the lifecycle-management-policy-structure doc) and against the retention the
design document gives, since Azure itself only sees the file when setup.sh applies it:

  - the shape `az storage account management-policy create --policy @FILE` takes: {"rules": [...]},
    1..100 rules, unique names of at most 256 characters, type "Lifecycle", enabled;
  - every rule filters on blockBlob and on prefixes that start with the container name (Azure's
    prefixMatch includes the container) with no wildcards, at most 10 of each filter;
  - only known action blocks, actions and run conditions (daysAfterLastTierChangeGreaterThan
    only on tierToArchive);
  - a rule that deletes base blobs also deletes versions and snapshots: Azure will not delete a
    current version while previous versions or snapshots exist;
  - previous versions are removed by a rule without a tag filter (they are not in the tag index);
  - the design's days: cool 30 < archive 90 <= every delete; delete by subscription_tier
    free 90 < basic 180 < pro 365; enterprise never deleted; archive guarded against re-archiving
    a rehydrated blob;
  - tags are subscription_tier == VALUE or blob_kind == image only; archive is limited to
    blob_kind == image (images and thumbnails: an archived metadata.json could be neither read by
    fsck and catalog.rebuild nor rewritten by an upload), and no other rule is (a delete must take
    metadata.json with its images).

Usage: check_policy.py POLICY.json [--container NAME]   exit 0 when it passes, 1 with the reasons
       check_policy.py POLICY.json --self-test          each known-bad mutation must be refused
"""
import argparse
import copy
import json
import sys

ACTION_BLOCKS = {
    "baseBlob": {"tierToCool", "tierToCold", "tierToArchive", "tierToHot", "delete",
                 "enableAutoTierToHotFromCool"},
    "version": {"tierToCool", "tierToCold", "tierToArchive", "tierToHot", "delete"},
    "snapshot": {"tierToCool", "tierToCold", "tierToArchive", "tierToHot", "delete"},
}
CONDITIONS = {"daysAfterModificationGreaterThan", "daysAfterCreationGreaterThan",
              "daysAfterLastAccessTimeGreaterThan", "daysAfterLastTierChangeGreaterThan"}
# Retention by subscription tier, from the design document's table; enterprise: never.
EXPECTED_DELETE_DAYS = {"free": 90, "basic": 180, "pro": 365}
EXPECTED_COOL_DAYS = 30
EXPECTED_ARCHIVE_DAYS = 90
# The blob index tags Noisett writes (src/lifecycle/retention.h); blob_kind is on images and
# thumbnails only, never on metadata.json.
TIER_TAG = "subscription_tier"
KIND_TAG = "blob_kind"
IMAGE_KIND = {"name": KIND_TAG, "op": "==", "value": "image"}


def check(policy, container):
    """Returns the list of problems (empty when the policy passes)."""
    problems = []

    def fail(msg):
        problems.append(msg)

    if not isinstance(policy, dict) or set(policy) != {"rules"}:
        return ['top level must be exactly {"rules": [...]} (what az --policy @FILE takes)']
    rules = policy["rules"]
    if not isinstance(rules, list) or not 1 <= len(rules) <= 100:
        return ["rules must be a list of 1..100 rules"]

    names = [r.get("name") for r in rules]
    if len(set(names)) != len(names):
        fail(f"rule names are not unique: {names}")
    cool, archive, deletes, untagged_version_delete = [], [], {}, False

    for rule in rules:
        name = rule.get("name")
        if not isinstance(name, str) or not 1 <= len(name) <= 256:
            fail(f"bad rule name {name!r}")
        if rule.get("type") != "Lifecycle":
            fail(f"{name}: type must be Lifecycle")
        if rule.get("enabled") is not True:
            fail(f"{name}: enabled must be true")
        definition = rule.get("definition", {})
        filters = definition.get("filters", {})
        actions = definition.get("actions", {})
        unknown_filters = set(filters) - {"blobTypes", "prefixMatch", "blobIndexMatch"}
        if unknown_filters:
            fail(f"{name}: unknown filters {sorted(unknown_filters)}")
        if filters.get("blobTypes") != ["blockBlob"]:
            fail(f"{name}: blobTypes must be [\"blockBlob\"] (Noisett writes block blobs only)")
        prefixes = filters.get("prefixMatch", [])
        if not prefixes or len(prefixes) > 10:
            fail(f"{name}: prefixMatch needs 1..10 entries (unfiltered rules touch every container)")
        for p in prefixes:
            if not p.startswith(container + "/"):
                fail(f"{name}: prefix {p!r} does not start with the container {container!r}")
            if "*" in p or "?" in p:
                fail(f"{name}: prefix {p!r} has a wildcard (Azure matches plain prefixes)")
        tag_filters = filters.get("blobIndexMatch", [])
        if len(tag_filters) > 10:
            fail(f"{name}: more than 10 blobIndexMatch entries")
        tier_value, images_only = None, False
        for t in tag_filters:
            if t == IMAGE_KIND:
                images_only = True
            elif t.get("op") != "==" or t.get("name") != TIER_TAG:
                fail(f"{name}: blobIndexMatch must be {TIER_TAG} == VALUE or"
                     f" {KIND_TAG} == image, got {t}")
            else:
                tier_value = t.get("value")

        unknown_blocks = set(actions) - set(ACTION_BLOCKS)
        if unknown_blocks or not actions:
            fail(f"{name}: action blocks must be among {sorted(ACTION_BLOCKS)}, got {sorted(actions)}")
        for block, acts in actions.items():
            for act, cond in acts.items() if isinstance(acts, dict) else []:
                if act not in ACTION_BLOCKS.get(block, set()):
                    fail(f"{name}: {block}.{act} is not an Azure lifecycle action")
                    continue
                if act == "enableAutoTierToHotFromCool":
                    continue
                if not isinstance(cond, dict) or not cond or set(cond) - CONDITIONS:
                    fail(f"{name}: {block}.{act} has bad run conditions {cond}")
                    continue
                if "daysAfterLastTierChangeGreaterThan" in cond and act != "tierToArchive":
                    fail(f"{name}: daysAfterLastTierChangeGreaterThan applies to tierToArchive only")
                for key, days in cond.items():
                    if not isinstance(days, int) or isinstance(days, bool) or days < 0:
                        fail(f"{name}: {block}.{act}.{key} must be a whole number of days")
                if block in ("version", "snapshot") and "daysAfterModificationGreaterThan" in cond:
                    fail(f"{name}: {block} actions run on daysAfterCreationGreaterThan")

        base = actions.get("baseBlob", {})
        if "tierToCool" in base:
            cool.append(base["tierToCool"].get("daysAfterModificationGreaterThan"))
        if "tierToArchive" in base:
            archive.append(base["tierToArchive"].get("daysAfterModificationGreaterThan"))
            if "daysAfterLastTierChangeGreaterThan" not in base["tierToArchive"]:
                fail(f"{name}: tierToArchive without daysAfterLastTierChangeGreaterThan re-archives"
                     " a blob as soon as it is rehydrated")
            if not images_only:
                fail(f"{name}: tierToArchive must be limited to {KIND_TAG} == image; an archived"
                     " metadata.json cannot be read (fsck, catalog.rebuild) or rewritten (upload)")
        elif images_only:
            fail(f"{name}: only the tierToArchive rule filters on {KIND_TAG}")
        if "delete" in base:
            days = base["delete"].get("daysAfterModificationGreaterThan")
            for block in ("version", "snapshot"):
                if "delete" not in actions.get(block, {}):
                    fail(f"{name}: deletes base blobs but not {block}s; Azure keeps the current"
                         " version while previous versions or snapshots exist")
            if tier_value is None:
                fail(f"{name}: deletes base blobs without a subscription_tier filter")
            elif tier_value in deletes:
                fail(f"{name}: a second delete rule for tier {tier_value!r}")
            else:
                deletes[tier_value] = days
        elif not tag_filters and "delete" in actions.get("version", {}):
            untagged_version_delete = True

    if cool != [EXPECTED_COOL_DAYS]:
        fail(f"expected one tierToCool after {EXPECTED_COOL_DAYS} days, got {cool}")
    if archive != [EXPECTED_ARCHIVE_DAYS]:
        fail(f"expected one tierToArchive after {EXPECTED_ARCHIVE_DAYS} days, got {archive}")
    if deletes != EXPECTED_DELETE_DAYS:
        fail(f"delete days by tier must be {EXPECTED_DELETE_DAYS} (enterprise: never), got {deletes}")
    if cool and archive and not cool[0] < archive[0]:
        fail("cool must come before archive")
    for tier, days in deletes.items():
        if archive and isinstance(days, int) and days < archive[0]:
            fail(f"tier {tier} is deleted before it is archived")
    ordered = [deletes.get(t) for t in ("free", "basic", "pro")]
    if None not in ordered and ordered != sorted(set(ordered)):
        fail(f"delete days must grow free < basic < pro, got {ordered}")
    if not untagged_version_delete:
        fail("no rule deletes previous versions without a tag filter; previous versions are not"
             " in the blob index, so tag-filtered version actions may never see them")
    return problems


def mutations(policy, container):
    """(description, bad policy) pairs the checker must refuse: the self-test."""
    def rule(p, name):
        return next(r for r in p["rules"] if r["name"] == name)

    def mutated(desc, change):
        p = copy.deepcopy(policy)
        change(p)
        return desc, p

    yield mutated("wrapped in policy{}", lambda p: p.update({"policy": {"rules": p.pop("rules")}}))
    yield mutated("duplicate name", lambda p: p["rules"].append(copy.deepcopy(p["rules"][0])))
    yield mutated("prefix without container", lambda p: rule(p, "tier-to-cool")["definition"]
                  ["filters"].update({"prefixMatch": ["generated/"]}))
    yield mutated("no blobTypes", lambda p: rule(p, "tier-to-archive")["definition"]["filters"]
                  .pop("blobTypes"))
    yield mutated("free delete without version delete", lambda p: rule(p, "delete-free-tier")
                  ["definition"]["actions"].pop("version"))
    yield mutated("pro delete without snapshot delete", lambda p: rule(p, "delete-pro-tier")
                  ["definition"]["actions"].pop("snapshot"))
    yield mutated("archive before cool", lambda p: rule(p, "tier-to-cool")["definition"]["actions"]
                  ["baseBlob"]["tierToCool"].update({"daysAfterModificationGreaterThan": 120}))
    yield mutated("basic deleted after 30 days", lambda p: rule(p, "delete-basic-tier")["definition"]
                  ["actions"]["baseBlob"]["delete"].update({"daysAfterModificationGreaterThan": 30}))
    yield mutated("enterprise deleted", lambda p: p["rules"].append(
        {**copy.deepcopy(rule(p, "delete-pro-tier")), "name": "delete-enterprise-tier",
         "definition": {**copy.deepcopy(rule(p, "delete-pro-tier")["definition"]),
                        "filters": {"blobTypes": ["blockBlob"],
                                    "prefixMatch": [container + "/generated/"],
                                    "blobIndexMatch": [{"name": "subscription_tier", "op": "==",
                                                        "value": "enterprise"}]}}}))
    yield mutated("archive not limited to images", lambda p: rule(p, "tier-to-archive")
                  ["definition"]["filters"].pop("blobIndexMatch"))
    yield mutated("archive limited to another kind", lambda p: rule(p, "tier-to-archive")
                  ["definition"]["filters"].update({"blobIndexMatch": [
                      {"name": KIND_TAG, "op": "==", "value": "metadata"}]}))
    yield mutated("free delete leaves metadata.json", lambda p: rule(p, "delete-free-tier")
                  ["definition"]["filters"]["blobIndexMatch"].append(dict(IMAGE_KIND)))
    yield mutated("archive re-archives rehydrated blobs", lambda p: rule(p, "tier-to-archive")
                  ["definition"]["actions"]["baseBlob"]["tierToArchive"]
                  .pop("daysAfterLastTierChangeGreaterThan"))
    yield mutated("no untagged version cleanup", lambda p: p["rules"].remove(
        rule(p, "delete-previous-versions")))
    yield mutated("wildcard prefix", lambda p: rule(p, "delete-free-tier")["definition"]["filters"]
                  .update({"prefixMatch": [container + "/generated/*"]}))
    yield mutated("unknown action", lambda p: rule(p, "tier-to-cool")["definition"]["actions"]
                  ["baseBlob"].update({"tierToGlacier": {"daysAfterModificationGreaterThan": 1}}))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("policy")
    parser.add_argument("--container", default="noisett-storage")
    parser.add_argument("--self-test", action="store_true")
    args = parser.parse_args()
    with open(args.policy, encoding="utf-8") as f:
        policy = json.load(f)

    problems = check(policy, args.container)
    for p in problems:
        print(f"check_policy: {args.policy}: {p}", file=sys.stderr)
    if problems:
        return 1
    if not args.self_test:
        print(f"check_policy: {args.policy}: {len(policy['rules'])} rules OK")
        return 0

    missed = 0
    for desc, bad in mutations(policy, args.container):
        found = check(bad, args.container)
        print(f"check_policy: mutation '{desc}': {'refused' if found else 'NOT REFUSED'}"
              + (f" ({found[0]})" if found else ""))
        missed += not found
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
