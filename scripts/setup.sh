#!/usr/bin/env bash
# Installs every Debian package that the build, the tests and the benchmarks need. Idempotent and
# quiet: when everything is already installed it does nothing (not even apt-get update), so it is
# cheap to call from run.sh and test.sh. Run as root on Debian 12.
set -euo pipefail

PACKAGES=(
  # toolchain
  g++ cmake ninja-build ccache pkg-config git
  # libraries (DESIGN.md "Dependencies")
  libvips-dev libwebp-dev libpng-dev libjpeg-dev nlohmann-json3-dev libcli11-dev
  # tests and benchmarks
  libgtest-dev libbenchmark-dev libvips-tools python3-pil time
)

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
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  echo "setup: done"
fi
