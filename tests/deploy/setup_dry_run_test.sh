#!/usr/bin/env bash
# Tests deploy/azure/setup.sh without Azure: its --dry-run output (the az commands, with the
# security flags and the two least-privilege roles the issue asks for, as a script that parses),
# its refusals of bad settings, and, with a fake `az` first on PATH that records every call, a real
# run against an empty subscription (everything created) and a rerun against a complete one
# (nothing created twice: the idempotence the script promises).
#
# Usage: tests/deploy/setup_dry_run_test.sh   (exit 0 when every check passes)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SETUP=$ROOT/deploy/azure/setup.sh
CHECK_POLICY=$ROOT/tests/deploy/check_policy.py
WORK=$(mktemp -d "${TMPDIR:-/tmp}/noisett-setup-test.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

PASSED=0
FAILED=0
pass() { PASSED=$((PASSED + 1)); }
fail() { FAILED=$((FAILED + 1)); echo "FAIL: $*" >&2; }
# expect_line FILE REGEX WHAT: some line of FILE matches the extended REGEX.
expect_line() { if grep -Eq -- "$2" "$1"; then pass; else fail "$3 (no line matching /$2/ in $(basename "$1"))"; fi; }
expect_no_line() { if grep -Eq -- "$2" "$1"; then fail "$3 (found: $(grep -Em1 -- "$2" "$1"))"; else pass; fi; }

PRINCIPAL=0f2c6d1e-1111-4222-8333-944445555666
GOOD_ENV=(AZURE_STORAGE_ACCOUNT=noisetttest "NOISETT_APP_PRINCIPAL_ID=$PRINCIPAL")

# --- 1. the dry run with the defaults ----------------------------------------------------------
DRY=$WORK/dry.out
env -i PATH="$PATH" "${GOOD_ENV[@]}" bash "$SETUP" --dry-run >"$DRY" 2>"$WORK/dry.err" ||
  fail "setup.sh --dry-run exited $?: $(cat "$WORK/dry.err")"
ACCOUNT_CREATE='^az storage account create --name noisetttest '
expect_line "$DRY" "$ACCOUNT_CREATE.*--kind StorageV2" "storage account is StorageV2"
expect_line "$DRY" "$ACCOUNT_CREATE.*--https-only true" "storage account is HTTPS only"
expect_line "$DRY" "$ACCOUNT_CREATE.*--allow-blob-public-access false" "no anonymous blob access"
expect_line "$DRY" "$ACCOUNT_CREATE.*--min-tls-version TLS1_2" "TLS 1.2 at least"
expect_line "$DRY" "$ACCOUNT_CREATE.*--allow-shared-key-access false" "no Shared Key in production"
expect_line "$DRY" '^az storage container-rm create .*--name noisett-storage .*--public-access off' \
  "private container"
expect_line "$DRY" '^az storage account blob-service-properties update .*--enable-versioning true' \
  "versioning on"
expect_line "$DRY" '^az storage account blob-service-properties update .*--enable-delete-retention true --delete-retention-days 7' \
  "blob soft delete 7 days"
expect_line "$DRY" "^az storage account management-policy create .*--policy @$ROOT/deploy/azure/blob-lifecycle-policy.json\$" \
  "lifecycle policy from the file"
expect_line "$DRY" "^az role assignment create --assignee-object-id $PRINCIPAL .*--role 'Storage Blob Data Contributor' --scope \"\\\$\\{STORAGE_ID\\}/blobServices/default/containers/noisett-storage\"\$" \
  "Data Contributor scoped to the container"
expect_line "$DRY" "^az role assignment create --assignee-object-id $PRINCIPAL .*--role 'Storage Blob Delegator' --scope \"\\\$\\{STORAGE_ID\\}\"\$" \
  "Delegator on the account"
expect_no_line "$DRY" "Storage Account Contributor|--role Owner|--role Contributor|'Storage Blob Data Owner'" \
  "no broader role than needed"
expect_line "$DRY" '^az afd rule create .*--match-variable UrlFileExtension .*--match-values jpg jpeg png webp .*--cache-duration 365\.00:00:00' \
  "Front Door caches images for a year"
expect_line "$DRY" "^az afd route create .*--patterns-to-match '/noisett-storage/\\*' " "route covers the container"
expect_line "$DRY" '^NOISETT_STORE=azure://noisetttest/noisett-storage$' "prints Noisett's store setting"
expect_line "$DRY" '^NOISETT_CDN_URL=https://\$\{CDN_HOST\}$' "prints the CDN setting"
# The dry run is a script: it must parse (the quoting of role names and placeholders).
if bash -n "$DRY" 2>"$WORK/parse.err"; then pass; else fail "dry-run output is not valid shell: $(cat "$WORK/parse.err")"; fi

# --- 2. the dry run with the classic CDN, another container, no identity ---------------------
env -i PATH="$PATH" AZURE_STORAGE_ACCOUNT=noisetttest AZURE_STORAGE_CONTAINER=team-images \
  NOISETT_CDN=classic bash "$SETUP" --dry-run >"$WORK/classic.out" 2>"$WORK/classic.err" ||
  fail "setup.sh --dry-run (classic) exited $?"
expect_line "$WORK/classic.out" '^az cdn endpoint rule add .*--action-name CacheExpiration --cache-behavior Override --cache-duration 365\.00:00:00' \
  "classic CDN keeps the design document's caching rule"
expect_line "$WORK/classic.err" '2027-09-30' "classic CDN retirement is announced"
expect_line "$WORK/classic.err" 'no roles assigned' "a missing identity is reported"
expect_no_line "$WORK/classic.out" '^az role assignment create' "no role assignment without a principal"
expect_line "$WORK/classic.out" '^az storage account management-policy create .*--policy @noisett-lifecycle-policy\.json$' \
  "another container gets its own policy file"
# The here-document the dry run prints is the policy for that container: check it as Azure would.
sed -n "/^cat >noisett-lifecycle-policy.json <<'POLICY'\$/,/^POLICY\$/p" "$WORK/classic.out" | sed '1d;$d' \
  >"$WORK/team-policy.json"
if python3 "$CHECK_POLICY" "$WORK/team-policy.json" --container team-images >/dev/null 2>"$WORK/policy.err"; then
  pass
else
  fail "rewritten policy for team-images: $(cat "$WORK/policy.err")"
fi
expect_no_line "$WORK/team-policy.json" 'noisett-storage/' "no prefix left on the default container"

# --- 3. refusals ---------------------------------------------------------------------------------
refuses() {  # refuses WHAT MESSAGE_REGEX ENV...: setup.sh --dry-run must exit non-zero, saying so
  local what=$1 regex=$2
  shift 2
  if env -i PATH="$PATH" "$@" bash "$SETUP" --dry-run >"$WORK/refused.out" 2>"$WORK/refused.err"; then
    fail "$what: accepted"
  elif ! grep -Eq -- "$regex" "$WORK/refused.err"; then
    fail "$what: refused without saying why (stderr: $(cat "$WORK/refused.err"))"
  elif grep -q '^az ' "$WORK/refused.out"; then
    fail "$what: printed commands before refusing"
  else
    pass
  fi
}
refuses "no account" "AZURE_STORAGE_ACCOUNT is required"
refuses "upper-case account" "AZURE_STORAGE_ACCOUNT" AZURE_STORAGE_ACCOUNT=NoisettTest
refuses "account with a shell character" "AZURE_STORAGE_ACCOUNT" 'AZURE_STORAGE_ACCOUNT=ab;rm'
refuses "container with --" "AZURE_STORAGE_CONTAINER" AZURE_STORAGE_ACCOUNT=noisetttest AZURE_STORAGE_CONTAINER=a--b
refuses "unknown CDN" "NOISETT_CDN" AZURE_STORAGE_ACCOUNT=noisetttest NOISETT_CDN=akamai
refuses "soft delete 0 days" "NOISETT_SOFT_DELETE_DAYS" AZURE_STORAGE_ACCOUNT=noisetttest NOISETT_SOFT_DELETE_DAYS=0
refuses "soft delete 366 days" "NOISETT_SOFT_DELETE_DAYS" AZURE_STORAGE_ACCOUNT=noisetttest NOISETT_SOFT_DELETE_DAYS=366
if bash "$SETUP" --no-such-flag >/dev/null 2>&1; then fail "unknown flag accepted"; else pass; fi

# --- 4. real runs against a fake az ------------------------------------------------------------
# The fake answers lookups from FAKE_AZ_STATE: "empty" (nothing exists yet) or "complete"
# (everything does). Lookups with --query return a value, creates and updates succeed, and every
# call is appended to FAKE_AZ_LOG, one line of arguments each.
mkdir -p "$WORK/bin"
cat >"$WORK/bin/az" <<'FAKE'
#!/usr/bin/env bash
echo "$*" >>"$FAKE_AZ_LOG"
args=" $* "
case $args in
  " account show "*) exit 0 ;;
  *" role assignment list "*) [[ $FAKE_AZ_STATE == complete ]] && echo 1 || echo 0; exit 0 ;;
  *" storage account show "*"--query id"*)
    echo "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/noisett-rg/providers/Microsoft.Storage/storageAccounts/noisetttest"
    exit 0 ;;
  *" containerapp show "*) echo "$FAKE_APP_PRINCIPAL"; exit 0 ;;
  *" endpoint show "*"--query hostName"*) echo "noisett-cdn-abc123.z01.azurefd.net"; exit 0 ;;
  *" show "*) [[ $FAKE_AZ_STATE == complete ]] && exit 0
    echo "ERROR: (ResourceNotFound) not found" >&2; exit 3 ;;
  *) exit 0 ;;
esac
FAKE
chmod +x "$WORK/bin/az"

fake_run() {  # fake_run STATE LOG ENV...: a real run of setup.sh against the fake az
  local state=$1 log=$2
  shift 2
  : >"$log"
  env -i PATH="$WORK/bin:$PATH" FAKE_AZ_STATE="$state" FAKE_AZ_LOG="$log" \
    FAKE_APP_PRINCIPAL=$PRINCIPAL "$@" bash "$SETUP" >"$log.out" 2>"$log.err"
}

FIRST=$WORK/first.log
if fake_run empty "$FIRST" AZURE_STORAGE_ACCOUNT=noisetttest NOISETT_CONTAINER_APP=noisett-api; then
  pass
else
  fail "first run against the fake az exited $?: $(tail -n 3 "$FIRST.err")"
fi
expect_line "$FIRST" '^containerapp show --name noisett-api .*--query identity.principalId' \
  "looks the identity up from the Container App"
for created in "group create" "storage account create" "storage container-rm create" \
  "afd profile create" "afd endpoint create" "afd origin-group create" "afd origin create" \
  "afd rule-set create" "afd rule create" "afd route create"; do
  expect_line "$FIRST" "^$created " "first run: $created"
done
expect_line "$FIRST" "^role assignment create --assignee-object-id $PRINCIPAL .*--role Storage Blob Data Contributor --scope /subscriptions/.*/storageAccounts/noisetttest/blobServices/default/containers/noisett-storage\$" \
  "first run: Data Contributor on the container, with the looked-up ids"
expect_line "$FIRST" "^role assignment create --assignee-object-id $PRINCIPAL .*--role Storage Blob Delegator --scope /subscriptions/.*/storageAccounts/noisetttest\$" \
  "first run: Delegator on the account"
expect_line "$FIRST.out" '^NOISETT_CDN_URL=https://noisett-cdn-abc123\.z01\.azurefd\.net$' "first run: CDN URL"

SECOND=$WORK/second.log
if fake_run complete "$SECOND" AZURE_STORAGE_ACCOUNT=noisetttest NOISETT_APP_PRINCIPAL_ID=$PRINCIPAL; then
  pass
else
  fail "rerun against the fake az exited $?: $(tail -n 3 "$SECOND.err")"
fi
# Only the policy is "created" again: that call replaces the account's one policy as a whole.
grep -v '^storage account management-policy create ' "$SECOND" >"$SECOND.others"
expect_no_line "$SECOND.others" '(^| )create( |$)' "rerun creates nothing again"
expect_line "$SECOND" '^storage account update --name noisetttest .*--https-only true --min-tls-version TLS1_2 --allow-blob-public-access false --allow-shared-key-access false' \
  "rerun re-applies the security settings to the existing account"
expect_line "$SECOND" '^storage account management-policy create ' "rerun re-applies the policy"

echo "setup_dry_run_test: $PASSED passed, $FAILED failed"
((FAILED == 0))
