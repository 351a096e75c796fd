#!/usr/bin/env bash
# Creates (or brings back in line) the Azure resources Noisett's scale-out deployment stores its
# images in, as the design document "STEP 3: Azure Blob Storage with Managed Identity, SAS Tokens,
# and CDN" sets them up, with its gaps closed:
#   1. resource group;
#   2. storage account: StorageV2, HTTPS only, TLS 1.2 at least, no anonymous blob access, and no
#      Shared Key access (production signs nothing with the account key: requests carry Entra
#      bearer tokens and links are user delegation SAS, so the key only widens what a leak gives);
#   3. the container, private, created through the management plane (with Shared Key off, the
#      data-plane `az storage container create` would need the deployer to hold a data role);
#   4. blob soft delete and container soft delete (7 days) and blob versioning;
#   5. the lifecycle policy of blob-lifecycle-policy.json (prefixes rewritten for the container);
#   6. role assignments for the app's managed identity (why these two: see assign_roles below);
#   7. a CDN in front of the container: Azure Front Door Standard (default) or the design
#      document's Azure CDN Standard from Microsoft (classic, retiring 2027-09-30), with the design
#      document's rule caching jpg/jpeg/png/webp for 365 days.
# Every step looks before it creates, or is an update that sets the same values again, so the
# script can be run again after a change or a failure.
#
# Usage: deploy/azure/setup.sh [--dry-run] [-h|--help]
#   --dry-run  print the az commands instead of running them (no az or login needed); the lookups
#              a real run makes are printed as comments and assumed to find nothing
# Settings (environment variables, defaults in brackets):
#   AZURE_STORAGE_ACCOUNT      storage account name, 3-24 of [a-z0-9], globally unique (required)
#   AZURE_STORAGE_CONTAINER    container [noisett-storage]
#   NOISETT_RG                 resource group [noisett-rg]
#   NOISETT_LOCATION           region [westeurope]
#   NOISETT_STORAGE_SKU        [Standard_LRS]; archive needs LRS, GRS or RA-GRS (not ZRS/GZRS)
#   NOISETT_APP_PRINCIPAL_ID   object id of the app's managed identity, or:
#   NOISETT_CONTAINER_APP      name of the Container App whose system identity to look up
#                              (neither set: the role assignments are skipped, with a warning)
#   NOISETT_CDN                frontdoor | classic | none [frontdoor]
#   NOISETT_CDN_PROFILE        CDN / Front Door profile [noisett-cdn-profile]
#   NOISETT_CDN_ENDPOINT       endpoint name, globally unique [noisett-cdn]
#   NOISETT_CDN_PRINCIPAL_ID   object id of the Front Door profile's managed identity: given, it
#                              gets Storage Blob Data Reader on the container (origin access)
#   NOISETT_SOFT_DELETE_DAYS   blob and container soft-delete retention, 1-365 [7]
#   NOISETT_LIFECYCLE_POLICY   policy file [blob-lifecycle-policy.json beside this script]
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

DRY_RUN=0
usage() {  # usage EXIT_CODE: the header's Usage and Settings lines
  local text
  text=$(sed -n '/^# Usage: /,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//; s/^Usage: /usage: /')
  if (($1 == 0)); then echo "$text"; else echo "$text" >&2; fi
  exit "$1"
}
while (($#)); do
  case $1 in
    --dry-run) DRY_RUN=1; shift ;;
    -h | --help) usage 0 ;;
    *) echo "setup: unknown argument '$1'" >&2; usage 2 ;;
  esac
done

note() { echo "setup: $*" >&2; }
die() { note "$*"; exit 1; }

ACCOUNT=${AZURE_STORAGE_ACCOUNT:-}
CONTAINER=${AZURE_STORAGE_CONTAINER:-noisett-storage}
RG=${NOISETT_RG:-noisett-rg}
LOCATION=${NOISETT_LOCATION:-westeurope}
SKU=${NOISETT_STORAGE_SKU:-Standard_LRS}
APP_PRINCIPAL_ID=${NOISETT_APP_PRINCIPAL_ID:-}
CONTAINER_APP=${NOISETT_CONTAINER_APP:-}
CDN=${NOISETT_CDN:-frontdoor}
CDN_PROFILE=${NOISETT_CDN_PROFILE:-noisett-cdn-profile}
CDN_ENDPOINT=${NOISETT_CDN_ENDPOINT:-noisett-cdn}
CDN_PRINCIPAL_ID=${NOISETT_CDN_PRINCIPAL_ID:-}
SOFT_DELETE_DAYS=${NOISETT_SOFT_DELETE_DAYS:-7}
POLICY=${NOISETT_LIFECYCLE_POLICY:-$HERE/blob-lifecycle-policy.json}

# Refuse bad settings before touching anything: Azure's own naming rules.
[[ -n $ACCOUNT ]] || die "AZURE_STORAGE_ACCOUNT is required (3-24 of [a-z0-9], globally unique)"
[[ $ACCOUNT =~ ^[a-z0-9]{3,24}$ ]] || die "AZURE_STORAGE_ACCOUNT '$ACCOUNT' is not 3-24 of [a-z0-9]"
[[ $CONTAINER =~ ^[a-z0-9]([a-z0-9-]{1,61})[a-z0-9]$ && $CONTAINER != *--* ]] ||
  die "AZURE_STORAGE_CONTAINER '$CONTAINER' breaks Azure's rules (3-63 of [a-z0-9-], no '--')"
[[ $CDN =~ ^(frontdoor|classic|none)$ ]] || die "NOISETT_CDN must be frontdoor, classic or none"
if ! [[ $SOFT_DELETE_DAYS =~ ^[0-9]{1,3}$ ]] || ((10#$SOFT_DELETE_DAYS < 1 || 10#$SOFT_DELETE_DAYS > 365)); then
  die "NOISETT_SOFT_DELETE_DAYS must be 1-365"
fi
[[ -f $POLICY ]] || die "lifecycle policy $POLICY not found"
if [[ $SKU == *ZRS* ]]; then
  note "warning: $SKU does not support the archive tier; tier-to-archive will fail"
fi

# ---------------------------------------------------------------------------------------------
# A dry run prints each command as a line of shell that can be pasted: safe words bare, words
# holding a ${VAR} placeholder (for a value only a real run can look up) in double quotes, anything
# else in single quotes.
shell_line() {
  local word out=()
  for word in "$@"; do
    if [[ $word =~ ^[A-Za-z0-9_@%+=:,./-]+$ ]]; then
      out+=("$word")
    elif [[ $word == *"\${"* ]]; then
      out+=("\"$word\"")
    else
      out+=("'${word//\'/\'\\\'\'}'")
    fi
  done
  echo "${out[*]}"
}
# run CMD...: runs an az command, or prints it in a dry run.
run() {
  if ((DRY_RUN)); then shell_line "$@"; else "$@"; fi
}
# exists CMD...: true when the lookup finds the resource. A dry run prints the lookup as a
# comment and answers "no", so the whole create sequence is shown.
exists() {
  if ((DRY_RUN)); then
    echo "# if absent: $(shell_line "$@")"
    return 1
  fi
  "$@" --only-show-errors >/dev/null 2>&1
}
# query NAME CMD...: sets NAME to a value from az (-o tsv). A dry run prints "NAME=$(CMD -o tsv)"
# and sets NAME to the placeholder "${NAME}" for the commands that use it.
query() {
  local name=$1 value
  shift
  if ((DRY_RUN)); then
    echo "$name=\$($(shell_line "$@") -o tsv)"
    value="\${$name}"
  else
    value=$("$@" --only-show-errors -o tsv)
  fi
  printf -v "$name" '%s' "$value"
}

if ((DRY_RUN)); then
  echo "# deploy/azure/setup.sh --dry-run: the az commands a real run would make"
else
  command -v az >/dev/null || die "the Azure CLI (az) is needed: https://learn.microsoft.com/cli/azure/install-azure-cli"
  az account show --only-show-errors >/dev/null || die "not logged in: run 'az login' first"
fi

# ---------------------------------------------------------------------------------------------
# 1-2. Resource group and storage account.
exists az group show --name "$RG" ||
  run az group create --name "$RG" --location "$LOCATION"

SECURITY_FLAGS=(--https-only true --min-tls-version TLS1_2 --allow-blob-public-access false
  --allow-shared-key-access false)
if exists az storage account show --name "$ACCOUNT" --resource-group "$RG"; then
  # An account made earlier (or by hand) is brought back to the same security settings.
  run az storage account update --name "$ACCOUNT" --resource-group "$RG" "${SECURITY_FLAGS[@]}"
else
  run az storage account create --name "$ACCOUNT" --resource-group "$RG" --location "$LOCATION" \
    --sku "$SKU" --kind StorageV2 --access-tier Hot "${SECURITY_FLAGS[@]}"
fi
query STORAGE_ID az storage account show --name "$ACCOUNT" --resource-group "$RG" --query id
CONTAINER_SCOPE="$STORAGE_ID/blobServices/default/containers/$CONTAINER"

# 3. Container, private, through the management plane (no data role or key needed).
exists az storage container-rm show --storage-account "$ACCOUNT" --resource-group "$RG" \
  --name "$CONTAINER" ||
  run az storage container-rm create --storage-account "$ACCOUNT" --resource-group "$RG" \
    --name "$CONTAINER" --public-access off

# 4. Soft delete (blobs and containers) and versioning. Management plane too: the design
# document's `az storage blob service-properties delete-policy update` is a data-plane call that
# signs with the account key, which is switched off above. Setting the same values is idempotent.
run az storage account blob-service-properties update --account-name "$ACCOUNT" \
  --resource-group "$RG" --enable-versioning true \
  --enable-delete-retention true --delete-retention-days "$SOFT_DELETE_DAYS" \
  --enable-container-delete-retention true --container-delete-retention-days "$SOFT_DELETE_DAYS"

# 5. Lifecycle policy. Azure's prefixMatch starts with the container name; the file names the
# default container, so another container gets its own copy. `create` replaces the whole policy
# (it is one ARM resource, "default"), which is what makes a rerun idempotent.
policy_file=$POLICY
if [[ $CONTAINER != noisett-storage ]]; then
  if ((DRY_RUN)); then
    # Printed as a here-document, so the dry run's output stays a script that can be pasted.
    policy_file=noisett-lifecycle-policy.json
    echo "cat >$policy_file <<'POLICY'"
    sed "s|\"noisett-storage/|\"$CONTAINER/|g" "$POLICY"
    echo "POLICY"
  else
    policy_file=$(mktemp "${TMPDIR:-/tmp}/noisett-policy.XXXXXX.json")
    trap 'rm -f "$policy_file"' EXIT
    sed "s|\"noisett-storage/|\"$CONTAINER/|g" "$POLICY" >"$policy_file"
  fi
fi
run az storage account management-policy create --account-name "$ACCOUNT" --resource-group "$RG" \
  --policy "@$policy_file"

# ---------------------------------------------------------------------------------------------
# 6. Roles for the app's managed identity. Least privilege, instead of the design document's
# Storage Account Contributor (a management role that can list the account keys, i.e. grant
# itself full data access, and change network rules or delete the account):
#   - Storage Blob Data Contributor on the CONTAINER only: read, write, delete, tags of the blobs
#     Noisett owns, and nothing in any other container of the account.
#   - Storage Blob Delegator on the ACCOUNT: its only permission is
#     blobServices/generateUserDelegationKey, which Azure checks at the account (blob service)
#     level, so the container-scoped role above cannot cover it. A delegation key grants nothing
#     by itself: a user delegation SAS carries at most the intersection of its sp and the signing
#     identity's own RBAC rights, so Noisett's read-only links (sp=r) reach only blobs this
#     identity may read, i.e. this container. Widening Data Contributor to the account would do the
#     same job with write access to every container.
assign_role() {  # assign_role PRINCIPAL_ID ROLE SCOPE
  local count
  if ((DRY_RUN)); then
    count=0
    echo "# if absent: $(shell_line az role assignment list --assignee "$1" --role "$2" --scope "$3")"
  else
    count=$(az role assignment list --assignee "$1" --role "$2" --scope "$3" \
      --only-show-errors --query 'length(@)' -o tsv)
  fi
  ((count > 0)) ||
    run az role assignment create --assignee-object-id "$1" --assignee-principal-type ServicePrincipal \
      --role "$2" --scope "$3"
}

if [[ -z $APP_PRINCIPAL_ID && -n $CONTAINER_APP ]]; then
  query APP_PRINCIPAL_ID az containerapp show --name "$CONTAINER_APP" --resource-group "$RG" \
    --query identity.principalId
  [[ -n $APP_PRINCIPAL_ID ]] ||
    die "Container App '$CONTAINER_APP' has no system-assigned identity (az containerapp identity assign --system-assigned)"
fi
if [[ -n $APP_PRINCIPAL_ID ]]; then
  assign_role "$APP_PRINCIPAL_ID" "Storage Blob Data Contributor" "$CONTAINER_SCOPE"
  assign_role "$APP_PRINCIPAL_ID" "Storage Blob Delegator" "$STORAGE_ID"
else
  note "warning: neither NOISETT_APP_PRINCIPAL_ID nor NOISETT_CONTAINER_APP is set;" \
    "no roles assigned (Noisett will get 403 AuthorizationPermissionMismatch)"
fi

# ---------------------------------------------------------------------------------------------
# 7. CDN. The origin is the blob endpoint and Noisett's cdn_url is {CDN}/{container}/{path}, so the
# CDN path maps one to one onto the blob path. The container is private and cdn_url carries no SAS:
# the CDN must authenticate to the origin itself. Front Door can, with its own managed identity
# holding Storage Blob Data Reader (NOISETT_CDN_PRINCIPAL_ID; docs/azure.md says how to switch
# origin authentication on). Classic CDN cannot, so its cdn_url answers 403 for a private container.
ORIGIN_HOST=$ACCOUNT.blob.core.windows.net
IMAGE_EXTENSIONS=(jpg jpeg png webp)
CDN_HOST=

setup_frontdoor() {
  exists az afd profile show --profile-name "$CDN_PROFILE" --resource-group "$RG" ||
    run az afd profile create --profile-name "$CDN_PROFILE" --resource-group "$RG" \
      --sku Standard_AzureFrontDoor
  exists az afd endpoint show --endpoint-name "$CDN_ENDPOINT" --profile-name "$CDN_PROFILE" \
    --resource-group "$RG" ||
    run az afd endpoint create --endpoint-name "$CDN_ENDPOINT" --profile-name "$CDN_PROFILE" \
      --resource-group "$RG" --enabled-state Enabled
  exists az afd origin-group show --origin-group-name blobs --profile-name "$CDN_PROFILE" \
    --resource-group "$RG" ||
    run az afd origin-group create --origin-group-name blobs --profile-name "$CDN_PROFILE" \
      --resource-group "$RG" --probe-request-type HEAD --probe-protocol Https \
      --probe-interval-in-seconds 120 --probe-path / --sample-size 4 \
      --successful-samples-required 3 --additional-latency-in-milliseconds 50
  exists az afd origin show --origin-name storage --origin-group-name blobs \
    --profile-name "$CDN_PROFILE" --resource-group "$RG" ||
    run az afd origin create --origin-name storage --origin-group-name blobs \
      --profile-name "$CDN_PROFILE" --resource-group "$RG" --host-name "$ORIGIN_HOST" \
      --origin-host-header "$ORIGIN_HOST" --http-port 80 --https-port 443 --priority 1 \
      --weight 1000 --enabled-state Enabled
  exists az afd rule-set show --rule-set-name CacheImages --profile-name "$CDN_PROFILE" \
    --resource-group "$RG" ||
    run az afd rule-set create --rule-set-name CacheImages --profile-name "$CDN_PROFILE" \
      --resource-group "$RG"
  # The design document's rule: images cached at the edge for 365 days. Noisett writes its images
  # with Cache-Control "public, max-age=31536000, immutable" already; the rule also covers blobs
  # written by other tools. The query string is ignored: cdn_url has none.
  exists az afd rule show --rule-name CacheImages --rule-set-name CacheImages \
    --profile-name "$CDN_PROFILE" --resource-group "$RG" ||
    run az afd rule create --rule-name CacheImages --rule-set-name CacheImages \
      --profile-name "$CDN_PROFILE" --resource-group "$RG" --order 1 \
      --match-variable UrlFileExtension --operator Equal --transforms Lowercase \
      --match-values "${IMAGE_EXTENSIONS[@]}" \
      --action-name RouteConfigurationOverride --enable-caching true \
      --cache-behavior OverrideAlways --cache-duration 365.00:00:00 \
      --query-string-caching-behavior IgnoreQueryString
  exists az afd route show --route-name images --endpoint-name "$CDN_ENDPOINT" \
    --profile-name "$CDN_PROFILE" --resource-group "$RG" ||
    run az afd route create --route-name images --endpoint-name "$CDN_ENDPOINT" \
      --profile-name "$CDN_PROFILE" --resource-group "$RG" --origin-group blobs \
      --rule-sets CacheImages --patterns-to-match "/$CONTAINER/*" \
      --supported-protocols Http Https --https-redirect Enabled --forwarding-protocol HttpsOnly \
      --link-to-default-domain Enabled --enable-caching true \
      --query-string-caching-behavior IgnoreQueryString
  if [[ -n $CDN_PRINCIPAL_ID ]]; then
    assign_role "$CDN_PRINCIPAL_ID" "Storage Blob Data Reader" "$CONTAINER_SCOPE"
  else
    note "Front Door reaches a private container only with origin authentication: give its" \
      "managed identity Storage Blob Data Reader (NOISETT_CDN_PRINCIPAL_ID) and see docs/azure.md"
  fi
  query CDN_HOST az afd endpoint show --endpoint-name "$CDN_ENDPOINT" \
    --profile-name "$CDN_PROFILE" --resource-group "$RG" --query hostName
}

setup_classic_cdn() {
  note "warning: Azure CDN Standard from Microsoft (classic) retires on 2027-09-30, and it cannot" \
    "authenticate to a private container; prefer NOISETT_CDN=frontdoor"
  exists az cdn profile show --name "$CDN_PROFILE" --resource-group "$RG" ||
    run az cdn profile create --name "$CDN_PROFILE" --resource-group "$RG" --sku Standard_Microsoft
  exists az cdn endpoint show --name "$CDN_ENDPOINT" --profile-name "$CDN_PROFILE" \
    --resource-group "$RG" ||
    run az cdn endpoint create --name "$CDN_ENDPOINT" --profile-name "$CDN_PROFILE" \
      --resource-group "$RG" --origin "$ORIGIN_HOST" --origin-host-header "$ORIGIN_HOST" \
      --no-http --enable-compression true \
      --content-types-to-compress image/png image/jpeg image/webp
  local rules=0
  if ((DRY_RUN)); then
    echo "# if absent: the endpoint's deliveryPolicy has no rule named CacheImages"
  else
    rules=$(az cdn endpoint show --name "$CDN_ENDPOINT" --profile-name "$CDN_PROFILE" \
      --resource-group "$RG" --only-show-errors -o tsv \
      --query "length(deliveryPolicy.rules[?name=='CacheImages'] || \`[]\`)")
  fi
  ((rules > 0)) ||
    run az cdn endpoint rule add --name "$CDN_ENDPOINT" --profile-name "$CDN_PROFILE" \
      --resource-group "$RG" --order 1 --rule-name CacheImages \
      --match-variable UrlFileExtension --operator Equal --match-values "${IMAGE_EXTENSIONS[@]}" \
      --action-name CacheExpiration --cache-behavior Override --cache-duration 365.00:00:00
  query CDN_HOST az cdn endpoint show --name "$CDN_ENDPOINT" --profile-name "$CDN_PROFILE" \
    --resource-group "$RG" --query hostName
}

case $CDN in
  frontdoor) setup_frontdoor ;;
  classic) setup_classic_cdn ;;
  none) ;;
esac

# ---------------------------------------------------------------------------------------------
echo
echo "# Done. Noisett's environment for this deployment (docs/azure.md lists every variable):"
echo "NOISETT_STORE=azure://$ACCOUNT/$CONTAINER"
if [[ -n $CDN_HOST ]]; then echo "NOISETT_CDN_URL=https://$CDN_HOST"; fi
echo "# and, with a user-assigned identity only: AZURE_CLIENT_ID=<its client id>"
