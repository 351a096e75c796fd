#!/usr/bin/env bash
# Every comparison of the performance table in one run (issue 10), then the summary table at the
# top of docs/performance.md regenerated between <!-- all.sh:begin --> and <!-- all.sh:end -->:
#   bench/pipeline.sh           the pipeline vs the design document's Pillow code and vipsthumbnail
#   bench/serve.sh (gets)       signed link serving vs nginx on the same files
#   bench/history_reference.sh  history.list with an RS256 token vs the FastAPI reference app
#   bench/auth.sh               token validation vs raw OpenSSL RSA-2048 verify
#   bench/load.sh               200 connections of mixed traffic, 3 runs, errors and RSS
# Each script prints its own table; this one parses those tables (it measures nothing itself).
# Their whole outputs are kept in BUILD/bench-all/*.txt.
#
# Usage: bench/all.sh [--build build/release] [--quick] [--no-doc] [--only NAME,...]
# --quick: a smoke run of a few minutes (one pipeline set and run, 5 s loads, one auth round,
# load.sh 2 x 10 s); its table says "quick" and is not a measurement to quote. --no-doc leaves
# docs/performance.md alone (the table is printed either way). --only runs just the named
# scripts (pipeline, serve, history, auth, load: after a change that can move only their figures)
# and reads the others' figures from the outputs an earlier run kept in BUILD/bench-all; the
# table names those rows and the date of the run they come from.
# Exit status: 0 when every script produced its figures (targets met or not: the table says),
# 1 when one failed or produced none (its rows say so), 2 on a bad argument.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

BUILD=build/release
QUICK=0
WRITE_DOC=1
NAMES=(pipeline serve history auth load)
ONLY=,pipeline,serve,history,auth,load,
while (($#)); do
  case $1 in
    --build) BUILD=${2:?--build needs a directory}; shift 2 ;;
    --quick) QUICK=1; shift ;;
    --no-doc) WRITE_DOC=0; shift ;;
    --only) ONLY=,${2:?--only needs names, e.g. history,load},; shift 2 ;;
    -h | --help) sed -n 's/^# Usage: /usage: /p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "all: unknown argument '$1'" >&2; sed -n 's/^# Usage: /usage: /p' "${BASH_SOURCE[0]}" >&2; exit 2 ;;
  esac
done

note() { echo "all: $*" >&2; }
OUT=$BUILD/bench-all
mkdir -p "$OUT"
selected() { [[ $ONLY == *",$1,"* ]]; }
for name in ${ONLY//,/ }; do
  [[ " ${NAMES[*]} " == *" $name "* ]] || { echo "all: --only: unknown name '$name' (${NAMES[*]})" >&2; exit 2; }
done
MODE_NAME=$( ((QUICK)) && echo quick || echo full)
REUSED=()
for name in "${NAMES[@]}"; do
  selected "$name" && continue
  [[ -s $OUT/$name.txt ]] || { echo "all: --only: no kept output $OUT/$name.txt to take $name's figures from" >&2; exit 2; }
  # Rows say how their figures were measured: a quick output cannot stand in a full table.
  if [[ $(cat "$OUT/$name.mode" 2>/dev/null) != "$MODE_NAME" ]]; then
    echo "all: --only: $OUT/$name.txt is not from a $MODE_NAME run ($OUT/$name.mode); run $name too" >&2
    exit 2
  fi
  REUSED+=("$name ($(date -u -r "$OUT/$name.txt" '+%Y-%m-%d %H:%M UTC'))")
done

if ((QUICK)); then
  PIPELINE_ARGS=(--runs 1 --sets png1024)
  SERVE_ARGS=(--sections gets --seconds 5)
  HISTORY_ARGS=(--seconds 5)
  AUTH_ARGS=(--rounds 1 --seconds 1)
  LOAD_ARGS=(--duration 10 --runs 2)
else
  PIPELINE_ARGS=()
  SERVE_ARGS=(--sections gets)
  HISTORY_ARGS=()
  AUTH_ARGS=()
  LOAD_ARGS=()
fi

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
STARTED=$(date -u '+%Y-%m-%d %H:%M UTC')
declare -A STATUS=()
# run NAME SCRIPT ARGS...: the script's output into OUT/NAME.txt, its exit status into STATUS.
# A script left out by --only keeps its earlier output and counts as having run.
run() {
  local name=$1 script=$2 start status=0
  shift 2
  if ! selected "$name"; then
    STATUS[$name]=0
    return
  fi
  note "$name: $script $* (output in $OUT/$name.txt)"
  start=$(date +%s)
  "$script" --build "$BUILD" "$@" >"$OUT/$name.txt" 2>"$OUT/$name.log" || status=$?
  echo "$MODE_NAME" >"$OUT/$name.mode"
  STATUS[$name]=$status
  note "$name: exit $status after $(($(date +%s) - start)) s"
  ((status == 0)) || tail -n 5 "$OUT/$name.log" >&2
}

run pipeline bench/pipeline.sh "${PIPELINE_ARGS[@]}"
run serve bench/serve.sh "${SERVE_ARGS[@]}"
run history bench/history_reference.sh "${HISTORY_ARGS[@]}"
run auth bench/auth.sh "${AUTH_ARGS[@]}"
run load bench/load.sh "${LOAD_ARGS[@]}"
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# ---------------------------------------------------------------------------------------------
ROWS=()
MISSING=0
# row COMPARISON NOISETT BASELINE RATIO TARGET RESULT HOW
row() { ROWS+=("| $1 | $2 | $3 | $4 | $5 | $6 | $7 |"); }
failed_row() {  # failed_row NAME COMPARISON HOW
  MISSING=1
  row "$2" "—" "—" "—" "—" "**no figure** ($1 exit ${STATUS[$1]}, see $OUT/$1.log)" "$3"
}
verdict() { awk -v a="$1" -v b="$2" 'BEGIN { print (a + 0 >= b + 0) ? "met" : "**missed**" }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0) print "—"; else printf "%.2fx", a / b }'; }

pipeline_rows() {
  local how="bench/pipeline.sh: whole processes over the set, JPEG q85 2048 px + 256 px thumb, median of ${PIPELINE_ARGS[1]:-5} runs"
  local lines
  lines=$(sed -n '/^== summary/,$p' "$OUT/pipeline.txt" | awk 'NR > 2 && NF >= 12')
  if [[ -z $lines ]]; then
    failed_row pipeline "pipeline vs Pillow (design doc)" "$how"
    return
  fi
  local set n1 pillow vips
  while read -r set n1 _ pillow _ vips _; do
    row "pipeline $set: noisett --jobs 1 vs the design doc's Pillow" "$n1 img/s" "$pillow img/s" \
      "$(ratio "$n1" "$pillow")" "≥ 1.5x" "$(verdict "$(awk -v a="$n1" -v b="$pillow" 'BEGIN { print a / b }')" 1.5)" "$how"
    row "pipeline $set: noisett --jobs 1 vs vipsthumbnail (1 thread)" "$n1 img/s" "$vips img/s" \
      "$(ratio "$n1" "$vips")" "none set (≥ 1x shown)" "$(verdict "$(awk -v a="$n1" -v b="$vips" 'BEGIN { print a / b }')" 1)" "$how"
  done <<<"$lines"
}

serve_rows() {
  local how="bench/serve.sh: wrk 2 threads, 64 connections, ${SERVE_ARGS[3]:-30} s, signed links; nginx on the same files as deployed (sendfile, open_file_cache, secure_link, buffered log)"
  local workload ours theirs
  for workload in "thumbnails" "full images" "one hot thumbnail"; do
    # Each noisett row is followed by nginx's on the same workload.
    read -r ours theirs < <(awk -F'|' -v w="signed GET, $workload" '
      index($2, w) { getline nginx; split(nginx, n, "|"); print $3, n[3]; exit }' "$OUT/serve.txt" |
      grep -o '[0-9.]* req/s' | grep -o '^[0-9.]*' | tr '\n' ' ' || true)
    if [[ -z ${ours:-} || -z ${theirs:-} ]]; then
      failed_row serve "signed link GET ($workload) vs nginx" "$how"
      continue
    fi
    row "signed link GET ($workload) vs nginx" "$ours req/s" "$theirs req/s" "$(ratio "$ours" "$theirs")" "≥ 0.8x" \
      "$(verdict "$(awk -v a="$ours" -v b="$theirs" 'BEGIN { print a / b }')" 0.8)" "$how"
  done
}

history_rows() {
  local how="bench/history_reference.sh: wrk 2 threads, 64 connections, ${HISTORY_ARGS[1]:-20} s, limit 50 of 10k jobs, one RS256 token; RSS of the process tree"
  local ours theirs
  ours=$(awk '$1 == "RESULT" && $2 == "noisett"' "$OUT/history.txt")
  theirs=$(awk '$1 == "RESULT" && $2 == "reference"' "$OUT/history.txt")
  if [[ -z $ours || -z $theirs ]]; then
    failed_row history "history.list vs FastAPI reference" "$how"
    return
  fi
  local n_rps n_mib r_rps r_mib
  read -r _ _ n_rps _ _ n_mib <<<"$ours"
  read -r _ _ r_rps _ _ r_mib <<<"$theirs"
  row "history.list (RS256 token) vs FastAPI reference: requests/s" "$n_rps req/s" "$r_rps req/s" \
    "$(ratio "$n_rps" "$r_rps")" "≥ 10x" "$(verdict "$(awk -v a="$n_rps" -v b="$r_rps" 'BEGIN { print a / b }')" 10)" "$how"
  row "history.list vs FastAPI reference: peak RSS" "$n_mib MiB" "$r_mib MiB" "$(ratio "$n_mib" "$r_mib")" \
    "≤ 0.33x" "$(verdict "$(awk -v a="$n_mib" -v b="$r_mib" 'BEGIN { print b / a }')" 3)" "$how"
}

auth_rows() {
  local how="bench/auth.sh: one thread pinned to core 0, Entra-shaped 1.6 KB token, median of ${AUTH_ARGS[1]:-3} rounds alternating with openssl speed"
  # The table's label is 44 characters wide, then ops/s, us/op, vs, target, result.
  field() { awk -v label="$1" -v n="$2" 'index($0, label) == 1 { split(substr($0, 45), f, " "); print f[n]; exit }' "$OUT/auth.txt"; }
  local openssl miss hit
  openssl=$(field "openssl speed rsa2048 verify" 1)
  miss=$(field "cache miss, Entra token (Validate)" 1)
  hit=$(field "cache hit, Entra token (Validate)" 1)
  if [[ -z $openssl || -z $miss || -z $hit ]]; then
    failed_row auth "token validation vs OpenSSL" "$how"
    return
  fi
  row "token validation, cache miss vs openssl speed rsa2048 verify" "$miss /s" "$openssl /s" \
    "$(ratio "$miss" "$openssl")" "≥ 0.8x" "$(verdict "$(awk -v a="$miss" -v b="$openssl" 'BEGIN { print a / b }')" 0.8)" "$how"
  row "token validation, cache hit" "$hit /s" "500,000 /s (target)" "$(ratio "$hit" 500000)" "≥ 500,000/s" \
    "$(verdict "$hit" 500000)" "$how"
}

load_rows() {
  local how="bench/load.sh: ${LOAD_ARGS[1]:-60} s x ${LOAD_ARGS[3]:-3} runs, 200 clients of node fetch, 70 % link GET / 20 % history.list / 10 % upload, RSS from /proc every second"
  local line
  line=$(grep '^RESULT-LOAD ' "$OUT/load.txt" || true)
  if [[ -z $line ]]; then
    failed_row load "mixed load, 200 connections" "$how"
    return
  fi
  local errors peak first last
  value() { grep -o " $1=[0-9.]*" <<<"$line" | cut -d= -f2; }
  errors=$(value errors)
  peak=$(value peak_mib)
  first=$(value end_first_mib)
  last=$(value end_last_mib)
  row "mixed load: errors" "$errors" "—" "—" "0" "$( ((errors == 0)) && echo met || echo '**missed**')" "$how"
  row "mixed load: peak RSS" "$peak MiB" "200 MiB (limit)" "$(ratio "$peak" 200)" "< 200 MiB" \
    "$(awk -v p="$peak" 'BEGIN { print (p < 200) ? "met" : "**missed**" }')" "$how"
  row "mixed load: RSS after the last run vs after the first" "$last MiB" "$first MiB" "$(ratio "$last" "$first")" \
    "≤ +max(10 %, 8 MiB)" "$(awk -v a="$last" -v b="$first" 'BEGIN { m = b * 0.1; if (m < 8) m = 8; print (a <= b + m) ? "met" : "**missed**" }')" "$how"
}

pipeline_rows
serve_rows
history_rows
auth_rows
load_rows

MODE=$( ((QUICK)) && echo "quick smoke run (short durations: not figures to quote)" || echo "full run")
TABLE=$(
  echo "## Summary (\`bench/all.sh\`)"
  echo
  echo "Generated by \`bench/all.sh\` on $STARTED, $MODE: $(nproc) cores" \
    "($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)), tree" \
    "$(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD 2>/dev/null || echo ' (modified)')," \
    "build $BUILD. Load average $LOAD_BEFORE before, $LOAD_AFTER after (the machine's 2 cores are" \
    "shared: a load average well above 2 means other work ran beside the benchmarks)." \
    "Every figure comes from the script named in its row; the sections below say more."
  if ((${#REUSED[@]})); then
    echo
    reused=$(printf '%s, ' "${REUSED[@]}")
    echo "Run with \`--only ${ONLY:1:-1}\`: the figures of ${reused%, } are" \
      "those an earlier run kept in $OUT, not measured again."
  fi
  echo
  echo "| comparison | noisett | baseline | ratio | target | result | how it was measured |"
  echo "|---|---|---|---|---|---|---|"
  printf '%s\n' "${ROWS[@]}"
)
echo "$TABLE"

if ((WRITE_DOC)); then
  DOC=docs/performance.md
  TABLE="$TABLE" /usr/bin/python3 -c '
import os, sys
path = sys.argv[1]
text = open(path, encoding="utf-8").read()
begin, end = "<!-- all.sh:begin -->", "<!-- all.sh:end -->"
block = begin + "\n" + os.environ["TABLE"] + "\n" + end
if begin in text and end in text:
    text = text[:text.index(begin)] + block + text[text.index(end) + len(end):]
else:  # first time: right under the title
    title, _, rest = text.partition("\n")
    text = title + "\n\n" + block + "\n" + rest
open(path, "w", encoding="utf-8").write(text)
' "$DOC" || { note "could not update $DOC"; exit 1; }
  note "updated the summary in $DOC"
fi

for name in "${NAMES[@]}"; do
  # load.sh exits 1 on a missed target with its figures printed: that is a result, not a failure.
  if ((STATUS[$name] != 0)) && ! { [[ $name == load ]] && grep -q '^RESULT-LOAD ' "$OUT/load.txt"; }; then
    MISSING=1
  fi
done
exit "$MISSING"
