#!/usr/bin/env bash
# Times the optimize job (full image fitted in 2048 px + 256 px thumbnail, JPEG q85, optimized
# Huffman tables) side by side: `noisett optimize` with 1 and 2 jobs, the design document's Pillow
# ImageProcessor as written and in its fairest decode-once form (bench/seed_pillow.py), libvips'
# own vipsthumbnail, and bench/codec_floor (decode once with the codec libraries, resize, encode:
# the least work possible with the same libraries).
#
# Each tool runs as whole processes over every file of a set, so start-up (Python's included) is
# part of the price, as it is for a batch job. One warm-up run fills the page cache, then the
# median of --runs runs is reported, each into a fresh output directory. Peak RSS comes from GNU
# time (the larger of vipsthumbnail's two invocations); output size is every byte written.
#
# Usage: bench/pipeline.sh [--runs 5] [--build build/release] [--sets png1024,webp1536]
# Paths are relative to the project root. The inputs are made once into BUILD/bench-inputs by
# bench/make_inputs.py and reused. A tool whose program is missing is skipped with a note; one
# that fails on a set is reported as failed there and the run goes on.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

RUNS=5
BUILD=build/release
ALL_SETS=(png1024 png2048 jpeg4096 webp1536)
SETS=("${ALL_SETS[@]}")

# shellcheck source-path=SCRIPTDIR source=usage.sh
source bench/usage.sh

while (($#)); do
  case $1 in
    --runs) RUNS=${2:?--runs needs a number}; shift 2 ;;
    --build) BUILD=${2:?--build needs a directory}; shift 2 ;;
    --sets) IFS=, read -r -a SETS <<<"${2:?--sets needs a list}"; shift 2 ;;
    -h | --help) usage 0 ;;
    *) echo "pipeline: unknown argument '$1'" >&2; usage 2 ;;
  esac
done
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || { echo "pipeline: --runs must be a positive integer" >&2; exit 2; }
for set in "${SETS[@]}"; do
  [[ " ${ALL_SETS[*]} " == *" $set "* ]] ||
    { echo "pipeline: unknown set '$set' (known: ${ALL_SETS[*]})" >&2; exit 2; }
done

note() { echo "pipeline: $*" >&2; }

# ---------------------------------------------------------------------------------------------
# Tools. Debian's Pillow lives in /usr/lib/python3/dist-packages, which a pyenv or venv python3
# first on PATH does not see, so the interpreter is chosen by whether it can import PIL.
PYTHON=
for candidate in ${PYTHON_FOR_BENCH:-} /usr/bin/python3 python3; do
  if command -v "$candidate" >/dev/null && "$candidate" -c 'import PIL' 2>/dev/null; then
    PYTHON=$candidate
    break
  fi
done
[[ -n $PYTHON ]] || { note "no python3 with Pillow (apt-get install python3-pil)"; exit 1; }
[[ -x /usr/bin/time ]] || { note "GNU time is needed at /usr/bin/time (apt-get install time)"; exit 1; }

if [[ -f $BUILD/CMakeCache.txt ]]; then
  build_log=$(mktemp)
  # Only the two programs timed here: building every test of the project would take minutes.
  targets=(noisett)
  grep -q '^NOISETT_BUILD_BENCH:BOOL=ON' "$BUILD/CMakeCache.txt" && targets+=(codec_floor)
  if ! cmake --build "$BUILD" --target "${targets[@]}" >"$build_log" 2>&1; then
    # The rest of the project may be mid-change; the helpers may still build on their own.
    note "cmake --build $BUILD --target ${targets[*]} failed (last lines below); trying each alone"
    tail -n 15 "$build_log" >&2
    for target in "${targets[@]}"; do cmake --build "$BUILD" --target "$target" >/dev/null 2>&1 || true; done
  fi
  rm -f "$build_log"
  if grep -q '^NOISETT_BUILD_BENCH:BOOL=OFF' "$BUILD/CMakeCache.txt"; then
    note "$BUILD was configured with NOISETT_BUILD_BENCH=OFF, so codec_floor is not built there;" \
      "enable it with: cmake -S . -B $BUILD -DNOISETT_BUILD_BENCH=ON"
  fi
else
  note "$BUILD is not configured; build first with:" \
    "cmake -S . -B $BUILD -G Ninja -DCMAKE_BUILD_TYPE=Release && cmake --build $BUILD"
fi

NOISETT=$BUILD/bin/noisett
FLOOR=$BUILD/bin/codec_floor
VIPSTHUMBNAIL=$(command -v vipsthumbnail || true)

# Order of the table rows; the ratios are taken against pillow, pillow1 and floor.
TOOLS=(noisett1 noisett2 pillow pillow1 vipsthumb floor)
declare -A LABEL=(
  [noisett1]="noisett --jobs 1"
  [noisett2]="noisett --jobs 2"
  [pillow]="pillow (design doc)"
  [pillow1]="pillow decode-once"
  [vipsthumb]="vipsthumbnail (1 thread)"
  [floor]="codec_floor"
)
declare -A AVAILABLE=()
for tool in "${TOOLS[@]}"; do AVAILABLE[$tool]=1; done
if [[ ! -x $NOISETT ]]; then
  note "skipping noisett: $NOISETT not found"
  AVAILABLE[noisett1]=0 AVAILABLE[noisett2]=0
fi
if [[ -z $VIPSTHUMBNAIL ]]; then
  note "skipping vipsthumbnail: not on PATH (apt-get install libvips-tools)"
  AVAILABLE[vipsthumb]=0
fi
if [[ ! -x $FLOOR ]]; then
  note "skipping codec_floor: $FLOOR not found"
  AVAILABLE[floor]=0
fi

SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/noisett-bench.XXXXXX")
trap 'rm -rf "$SCRATCH"' EXIT
RSS_FILE=$SCRATCH/rss
LOG_FILE=$SCRATCH/log

# Runs one program under GNU time, appending its peak RSS (KiB) to RSS_FILE. Tools print per-file
# results on stdout (noisett's JSON lines): not wanted here. Their stderr is kept for failures.
timed() {
  /usr/bin/time -f %M -a -o "$RSS_FILE" "$@" >/dev/null 2>>"$LOG_FILE"
}

# run_tool TOOL OUT_DIR FILE...: the tool's whole job for one set, into OUT_DIR.
run_tool() {
  local tool=$1 out=$2
  shift 2
  # The same JPEG settings as the others; '>' means down only, as Image.thumbnail never enlarges.
  local jpeg='[Q=85,optimize_coding,strip]'
  case $tool in
    noisett1) timed "$NOISETT" optimize "$@" --out "$out" --jobs 1 ;;
    noisett2) timed "$NOISETT" optimize "$@" --out "$out" --jobs 2 ;;
    pillow) timed "$PYTHON" bench/seed_pillow.py "$@" --out "$out" ;;
    pillow1) timed "$PYTHON" bench/seed_pillow.py "$@" --out "$out" --decode-once ;;
    # One thread like `noisett --jobs 1`; vipsthumbnail makes one size per invocation.
    vipsthumb)
      timed "$VIPSTHUMBNAIL" --vips-concurrency=1 "$@" -s '2048x2048>' -o "$out/%s.jpg$jpeg" || return
      timed "$VIPSTHUMBNAIL" --vips-concurrency=1 "$@" -s '256x256>' -o "$out/thumb_%s.jpg$jpeg" ;;
    floor) timed "$FLOOR" "$@" --out "$out" ;;
  esac
}

# measure TOOL FILE...: one run; sets WALL_NS, RSS_KIB and OUT_BYTES, fails if the tool did.
measure() {
  local tool=$1
  shift
  local out
  out=$(mktemp -d "$SCRATCH/out.XXXXXX")
  : >"$RSS_FILE"
  : >"$LOG_FILE"
  local start end status=0
  start=$(date +%s%N)
  run_tool "$tool" "$out" "$@" || status=$?
  end=$(date +%s%N)
  WALL_NS=$((end - start))
  # GNU time adds a "Command exited with non-zero status" line on failure: keep the numbers only.
  RSS_KIB=$(grep -E '^[0-9]+$' "$RSS_FILE" | sort -n | tail -n 1 || true)
  OUT_BYTES=$(find "$out" -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')
  local written
  written=$(find "$out" -type f -name '*.jpg' | wc -l)
  rm -rf "$out"
  if ((status != 0)) || ((written != 2 * $#)); then
    echo >&2  # ends the pending progress line
    note "${LABEL[$tool]} failed (exit $status, wrote $written of $((2 * $#)) files):"
    tail -n 5 "$LOG_FILE" | sed 's/^/    /' >&2
    return 1
  fi
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# Results, keyed "SET TOOL".
declare -A IPS=() RSS_MIB=() OUT_MIB=() BYTES=()

bench_set() {
  local set=$1
  local files=("$INPUTS/$set"/*.*)
  local n=${#files[@]}
  echo
  echo "== $set: $n images, $(du -sh "$INPUTS/$set" | cut -f1) in, runs: 1 warm-up + $RUNS =="
  local tool
  for tool in "${TOOLS[@]}"; do
    ((AVAILABLE[$tool])) || continue
    printf '  %-26s' "${LABEL[$tool]}" >&2
    if ! measure "$tool" "${files[@]}"; then continue; fi
    local walls=() peak=0 i ok=1
    for ((i = 0; i < RUNS; i++)); do
      if ! measure "$tool" "${files[@]}"; then ok=0; break; fi
      walls+=("$WALL_NS")
      ((RSS_KIB > peak)) && peak=$RSS_KIB
      printf ' %.2fs' "$(awk -v ns="$WALL_NS" 'BEGIN { print ns / 1e9 }')" >&2
    done
    echo >&2
    ((ok)) || continue
    local wall
    wall=$(printf '%s\n' "${walls[@]}" | median)
    IPS["$set $tool"]=$(awk -v n="$n" -v ns="$wall" 'BEGIN { printf "%.2f", n / (ns / 1e9) }')
    RSS_MIB["$set $tool"]=$(awk -v k="$peak" 'BEGIN { printf "%.0f", k / 1024 }')
    OUT_MIB["$set $tool"]=$(awk -v b="$OUT_BYTES" 'BEGIN { printf "%.2f", b / 1048576 }')
    BYTES["$set $tool"]=$OUT_BYTES
  done
  print_table "$set"
}

# ratio A B [DECIMALS]: A / B (two decimals by default), or "-" when either is missing. Output
# sizes get three: the tools mostly agree to within a few tenths of a percent.
ratio() {
  if [[ -z ${1:-} || -z ${2:-} ]]; then echo "-"; return; fi
  awk -v a="$1" -v b="$2" -v d="${3:-2}" 'BEGIN { if (b == 0) print "-"; else printf "%.*fx", d, a / b }'
}

print_table() {
  local set=$1 tool key
  printf '\n%-26s %8s %8s %8s %10s %10s %10s %10s\n' tool 'img/s' 'RSS MiB' 'out MiB' \
    'vs design' 'vs dec-1x' 'vs floor' 'bytes/pil'
  for tool in "${TOOLS[@]}"; do
    key="$set $tool"
    [[ -n ${IPS[$key]:-} ]] || continue
    printf '%-26s %8s %8s %8s %10s %10s %10s %10s\n' "${LABEL[$tool]}" "${IPS[$key]}" \
      "${RSS_MIB[$key]}" "${OUT_MIB[$key]}" \
      "$(ratio "${IPS[$key]}" "${IPS["$set pillow"]:-}")" \
      "$(ratio "${IPS[$key]}" "${IPS["$set pillow1"]:-}")" \
      "$(ratio "${IPS[$key]}" "${IPS["$set floor"]:-}")" \
      "$(ratio "${BYTES[$key]}" "${BYTES["$set pillow"]:-}" 3)"
  done
}

print_summary() {
  echo
  echo "== summary: images/s (median of $RUNS); noisett --jobs 1 speed as a multiple of the others =="
  printf '%-9s %9s %9s %9s %9s %9s %9s | %9s %9s %9s %9s\n' set noisett1 noisett2 pillow \
    pil-1x vipsthumb floor 'vs design' 'vs dec-1x' 'vs floor' 'bytes/pil'
  local set tool row key
  for set in "${SETS[@]}"; do
    row=$(printf '%-9s' "$set")
    for tool in "${TOOLS[@]}"; do row+=$(printf ' %9s' "${IPS["$set $tool"]:--}"); done
    key="$set noisett1"
    row+=$(printf ' | %9s %9s %9s %9s' \
      "$(ratio "${IPS[$key]:-}" "${IPS["$set pillow"]:-}")" \
      "$(ratio "${IPS[$key]:-}" "${IPS["$set pillow1"]:-}")" \
      "$(ratio "${IPS[$key]:-}" "${IPS["$set floor"]:-}")" \
      "$(ratio "${BYTES[$key]:-}" "${BYTES["$set pillow"]:-}" 3)")
    echo "$row"
  done
}

# ---------------------------------------------------------------------------------------------
INPUTS=$BUILD/bench-inputs
mkdir -p "$INPUTS"
"$PYTHON" bench/make_inputs.py "$INPUTS"

echo "noisett pipeline benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "host: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
echo "tree: $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD 2>/dev/null || echo ' (modified)')," \
  "libvips $(pkg-config --modversion vips 2>/dev/null || echo '?')," \
  "Pillow $("$PYTHON" -c 'import PIL; print(PIL.__version__)'), build: $BUILD"

for set in "${SETS[@]}"; do bench_set "$set"; done
print_summary
