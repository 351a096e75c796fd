#!/usr/bin/env bash
# Installs the Debian packages a job needs. Idempotent and quiet: when everything is already
# installed it does nothing (not even apt-get update), so it is cheap to call every time.
# Run as root on Debian 12.
#
#   scripts/setup.sh run    what scripts/run.sh needs: the toolchain and libraries to build
#                           `noisett`, and what makes its sample images (no tests, no npm)
#   scripts/setup.sh        everything: also the tests', the benchmarks' and the npm packages
set -euo pipefail

job=${1:-all}
case "$job" in
  run | all) ;;
  *) echo "setup: unknown job '$job' (run, or nothing for all)" >&2; exit 2 ;;
esac

# The build of `noisett` and the main job (scripts/run.sh).
RUN_PACKAGES=(
  # toolchain
  g++ cmake ninja-build ccache pkg-config
  # libraries (DESIGN.md "Dependencies")
  libvips-dev libwebp-dev libheif-dev libpng-dev libjpeg-dev nlohmann-json3-dev libcli11-dev
  libssl-dev libcurl4-openssl-dev libsqlite3-dev libboost-dev libpugixml-dev libpqxx-dev libpq-dev
  # the walkthrough: sample images, curl, jq
  python3-pil curl jq
)

TEST_PACKAGES=(
  git
  # the PostgreSQL server the catalog and scale-out suites start on loopback
  postgresql
  # tests, fuzzing (clang's libFuzzer runtime) and benchmarks
  libgtest-dev libbenchmark-dev clang-14 libclang-rt-14-dev libvips-tools time openssl
  # bench/renditions.sh: SSIM by scikit-image (Debian's ImageMagick 6 has none), AVIF decoded by
  # libheif's heif-convert
  python3-skimage libheif-examples
  # the reference app bench/reference/ runs (FastAPI + PyJWT + sqlite3, served by uvicorn)
  python3-fastapi python3-jwt uvicorn
  wrk nginx shellcheck
  # promtool, for the alert rules' tests (deploy/prometheus); faketime moves the lifecycle CLI
  # tests' noisett processes days ahead
  prometheus faketime
  # the browser the gallery's test drives with playwright-core (tests/web; never a downloaded one)
  chromium
)

PACKAGES=("${RUN_PACKAGES[@]}")
[[ $job == all ]] && PACKAGES+=("${TEST_PACKAGES[@]}")

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} > 0)); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "setup: missing packages: ${missing[*]} (run as root to install them)" >&2
    exit 1
  fi
  echo "setup: installing ${#missing[@]} Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # nginx is only a benchmark baseline (bench/serve.sh starts its own): its package must not start
  # a system nginx on port 80. policy-rc.d answering 101 tells maintainer scripts not to start
  # services; Docker images ship one, a fresh machine gets one for the length of the install.
  policy=/usr/sbin/policy-rc.d
  made_policy=
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && made_policy=1
  fi
  apt-get update -qq
  install_status=0
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || install_status=$?
  [[ -n $made_policy ]] && rm -f "$policy"
  ((install_status == 0)) || { echo "setup: apt-get install failed" >&2; exit "$install_status"; }
  echo "setup: done"
fi

# The main job needs nothing from npm: its gallery signs in with the dev issuer.
[[ $job == run ]] && exit 0

# Node.js runs the test-only npm packages (jose mints the tokens the auth tests check). Machines
# with NodeSource's nodejs already have npm; Debian's own packages otherwise.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  if [[ $(id -u) -ne 0 ]]; then
    echo "setup: node and npm are missing (run as root to install them)" >&2
    exit 1
  fi
  echo "setup: installing Debian's nodejs and npm"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi

# npm ci only when package-lock.json changed since the last install: it wipes node_modules.
cd "$(dirname "$0")/.."
lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ ! -f node_modules/.noisett-lock-hash || $(cat node_modules/.noisett-lock-hash) != "$lock_hash" ]]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_hash" > node_modules/.noisett-lock-hash
fi

# The gallery's sign-in library (docs/web.md): MSAL Browser's self-contained UMD builds, which
# load with a plain <script> and no bundler (the ESM build in dist/ imports @azure/msal-common
# by bare name, which a browser cannot resolve). msal-browser.min.js defines globalThis.msal;
# the redirect bridge (MSAL v5's page for popup and silent sign-in answers, web/redirect.html)
# defines globalThis.msalRedirectBridge. web/vendor/ is not committed; copied on every run, and
# only when it differs, so a changed lock file brings the matching version.
msal=node_modules/@azure/msal-browser
if [[ -d $msal/lib ]]; then
  mkdir -p web/vendor
  for pair in "lib/msal-browser.min.js:msal-browser.min.js" \
              "lib/redirect-bridge/msal-redirect-bridge.min.js:msal-redirect-bridge.min.js" \
              "LICENSE:msal-browser.LICENSE.txt"; do
    from=$msal/${pair%%:*} to=web/vendor/${pair##*:}
    cmp -s "$from" "$to" || cp "$from" "$to"
  done
else
  echo "setup: $msal is missing: the gallery can sign in only in --auth dev mode" >&2
fi
