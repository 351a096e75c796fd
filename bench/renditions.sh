#!/usr/bin/env bash
# Renditions: what AVIF and WebP save over JPEG at each rendition size, at what fidelity and
# encode time (docs/performance.md "Renditions: encoder choice"). bench/renditions_bench walks
# each input once through the pipeline (the pixels MakeRenditions encodes), writes those pixels
# as the reference and encodes them as JPEG, WebP and AVIF; bench/ssim.py (scikit-image's SSIM,
# an implementation independent of ours and of the encoders) compares each decoded file with its
# reference; AVIF is decoded by heif-convert (libheif's own tool, dav1d inside).
#
# Prints, per set, format and size: images, bytes in all, bytes against JPEG at the same preset,
# mean SSIM, its difference from JPEG's (mean, and the worst single image), and the mean encode
# time (wall and CPU ms; AVIF runs libaom with --threads threads).
#
# Sets (each skipped with a note when its files are missing):
#   noise   COUNT 1024x1024 images of the `noise` generator (renditions_bench --noise), what the
#           gallery shows today: boxes 256, 512 and 1024
#   noise2048  4 of them at 2048x2048 (the generator writes those as JPEG q95): boxes 1024, 2048.
#           Not in the default --sets
#   photos  PHOTOS_DIR/*.png, public test photos (we used the 24 Kodak images, 768x512, plus
#           flower_foveon.png and artificial.png of the imagecompression.info set; not in the repo)
#   synth   the first SYNTH_COUNT (4) of bench/make_inputs.py's png2048 set (photo-like synthetic
#           2048x2048). Not in the default --sets: its per-pixel random grain is what SSIM weighs
#           there (JPEG q85 itself scores 0.71 at 2048), and no encoder keeps white noise cheaply
#
# Usage: bench/renditions.sh [--build build/release] [--quality medium] [--sets noise,photos]
#          [--photos build/bench-photos] [--noise-count 8] [--synth-count 4] [--threads 2]
#          [--speeds "5 6 7 8 9"]        AVIF at each libaom speed instead of the preset table
#          [--avif-q "40 50 60"]         AVIF at each quality (at --speed, default the preset's)
#          [--webp-q "70 75 80"]         WebP at each quality
#          [--speed N]                   libaom speed for the AVIF rows (default kDefaultAvifSpeed)
#          [--avif-chroma 420|444]       AVIF chroma subsampling (default: the preset's, 4:4:4
#                                        for high as JPEG, 4:2:0 otherwise)
#          [--rss]                       only peak RSS and time of one 2048 encode per format, and
#                                        of MakeRenditions with the default specs
# Paths are relative to the project root. Needs python3-skimage, libheif-examples and GNU time.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
BENCH_NAME=renditions
# shellcheck source-path=SCRIPTDIR source=lib.sh
source bench/lib.sh

BUILD=build/release
QUALITY=medium
SETS=noise,photos
PHOTOS=build/bench-photos
NOISE_COUNT=8
SYNTH_COUNT=4
THREADS=2
SPEEDS=
AVIF_QS=
WEBP_QS=
SPEED=
CHROMA=
RSS=0
while (($#)); do
  case $1 in
    --build) BUILD=${2:?}; shift 2 ;;
    --quality) QUALITY=${2:?}; shift 2 ;;
    --sets) SETS=${2:?}; shift 2 ;;
    --photos) PHOTOS=${2:?}; shift 2 ;;
    --noise-count) NOISE_COUNT=${2:?}; shift 2 ;;
    --synth-count) SYNTH_COUNT=${2:?}; shift 2 ;;
    --threads) THREADS=${2:?}; shift 2 ;;
    --speeds) SPEEDS=${2:?}; shift 2 ;;
    --avif-q) AVIF_QS=${2:?}; shift 2 ;;
    --webp-q) WEBP_QS=${2:?}; shift 2 ;;
    --speed) SPEED=${2:?}; shift 2 ;;
    --avif-chroma) CHROMA=${2:?}; shift 2 ;;
    --rss) RSS=1; shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) bench_die "unknown argument '$1'" ;;
  esac
done

PYTHON=/usr/bin/python3
"$PYTHON" -c 'import skimage, PIL' 2>/dev/null ||
  bench_die "needs Debian's python3-skimage (apt-get install python3-skimage)"
command -v heif-convert >/dev/null || bench_die "needs heif-convert (apt-get install libheif-examples)"
[[ -x /usr/bin/time ]] || bench_die "needs GNU time at /usr/bin/time (apt-get install time)"
cmake --build "$BUILD" --target renditions_bench >/dev/null || bench_die "cannot build renditions_bench in $BUILD"
TOOL=$BUILD/bin/renditions_bench

WORK=$(mktemp -d "${TMPDIR:-/tmp}/noisett-renditions.XXXXXX")
trap bench_cleanup EXIT

# --- inputs --------------------------------------------------------------------------------------
INPUTS=$BUILD/bench-inputs
declare -A FILES=() SIZES=()
for set in ${SETS//,/ }; do
  case $set in
    noise)
      dir=$INPUTS/noise1024
      if [[ $(find "$dir" -name 'noise_*' 2>/dev/null | wc -l) -lt $NOISE_COUNT ]]; then
        "$TOOL" --noise "$dir" "$NOISE_COUNT" 1024
      fi
      FILES[noise]=$(find "$dir" -name 'noise_*' | sort | head -n "$NOISE_COUNT" | tr '\n' ' ')
      SIZES[noise]=256,512,1024 ;;
    noise2048)
      dir=$INPUTS/noise2048
      if [[ $(find "$dir" -name 'noise_*' 2>/dev/null | wc -l) -lt 4 ]]; then "$TOOL" --noise "$dir" 4 2048; fi
      FILES[noise2048]=$(find "$dir" -name 'noise_*' | sort | head -n 4 | tr '\n' ' ')
      SIZES[noise2048]=1024,2048 ;;
    photos)
      if ! compgen -G "$PHOTOS/*.png" >/dev/null; then bench_note "no photos in $PHOTOS: skipped"; continue; fi
      FILES[photos]=$(find "$PHOTOS" -name '*.png' | sort | tr '\n' ' ')
      SIZES[photos]=256,512,1024,2048 ;;
    synth)
      /usr/bin/python3 bench/make_inputs.py "$INPUTS" >&2
      FILES[synth]=$(find "$INPUTS/png2048" -name '*.png' | sort | head -n "$SYNTH_COUNT" | tr '\n' ' ')
      SIZES[synth]=256,512,1024,2048 ;;
    *) bench_die "unknown set '$set' (noise, noise2048, photos, synth)" ;;
  esac
done

export THREADS

# --- peak RSS ------------------------------------------------------------------------------------
if ((RSS)); then
  file=$(find "$INPUTS/png2048" -name '*.png' 2>/dev/null | sort | head -n 1)
  [[ -n $file ]] || { /usr/bin/python3 bench/make_inputs.py "$INPUTS" >&2; file=$(find "$INPUTS/png2048" -name '*.png' | sort | head -n 1); }
  echo "peak RSS, one process each, input $file (2048x2048 PNG):"
  printf '%-44s %9s %9s\n' run 'RSS MiB' 'wall ms'
  for fmt in jpeg webp avif; do
    for size in 2048 1024 512 256; do
      /usr/bin/time -f %M -o "$WORK/rss" "$TOOL" --out "$WORK/rss-out" --sizes "$size" --formats "$fmt" \
        --threads "$THREADS" ${SPEED:+--speed "$SPEED"} "$file" >"$WORK/line"
      awk -v r="$(tail -n 1 "$WORK/rss")" -v f="$fmt" -v s="$size" '{ printf "%-44s %9.1f %9s\n", \
        "decode + fit + " f " " s " (threads " ENVIRON["THREADS"] ")", r / 1024, $7 }' "$WORK/line"
    done
  done
  /usr/bin/time -f %M -o "$WORK/rss" "$TOOL" --make "$file" >"$WORK/line"
  awk -v r="$(tail -n 1 "$WORK/rss")" '{ printf "%-44s %9.1f %9s\n", "MakeRenditions, default specs (8)", r / 1024, $4 }' "$WORK/line"
  exit 0
fi

# --- one case: encode every set with some settings, then SSIM each output ------------------------
# run_case LABEL FLAGS...: appends "label set name size format width height bytes wall cpu ssim"
# rows to $WORK/rows.
run_case() {
  local label=$1 set
  shift
  for set in "${!FILES[@]}"; do
    local out=$WORK/$label/$set
    mkdir -p "$out"
    # shellcheck disable=SC2086  # FILES holds a space-separated list of paths without spaces
    "$TOOL" --out "$out" --sizes "${SIZES[$set]}" --quality "$QUALITY" --threads "$THREADS" "$@" \
      ${FILES[$set]} >"$out.tsv" || bench_die "renditions_bench failed ($label, $set)"
    # Pairs for ssim.py; AVIF goes through heif-convert to PNG first.
    : >"$out.pairs"
    while IFS=$'\t' read -r name size format _; do
      local test=$out/${name}_$size.$format
      [[ $format == jpeg ]] && test=$out/${name}_$size.jpg
      if [[ $format == avif ]]; then
        heif-convert "$test" "$test.png" >/dev/null 2>&1 || bench_die "heif-convert failed on $test"
        test=$test.png
      fi
      echo "$out/${name}_$size.ref.ppm $test" >>"$out.pairs"
    done <"$out.tsv"
    "$PYTHON" bench/ssim.py <"$out.pairs" | awk '{ print $2 }' >"$out.ssim"
    paste "$out.tsv" "$out.ssim" | awk -v l="$label" -v s="$set" 'BEGIN { OFS = "\t" } { print l, s, $0 }' >>"$WORK/rows"
    printf '.' >&2
  done
}

: >"$WORK/rows"
speed_flag=()
[[ -n $SPEED ]] && speed_flag=(--speed "$SPEED")
[[ -z $CHROMA ]] && { [[ $QUALITY == high ]] && CHROMA=444 || CHROMA=420; }
speed_flag+=(--chroma "$CHROMA")
run_case jpeg --formats jpeg
if [[ -n $SPEEDS ]]; then
  for s in $SPEEDS; do run_case "avif-s$s" --formats avif --speed "$s" --chroma "$CHROMA"; done
elif [[ -n $AVIF_QS || -n $WEBP_QS ]]; then
  for q in $AVIF_QS; do run_case "avif-q$q" --formats avif --avif-q "$q" "${speed_flag[@]}"; done
  for q in $WEBP_QS; do run_case "webp-q$q" --formats webp --webp-q "$q"; done
else
  run_case webp --formats webp
  run_case avif --formats avif "${speed_flag[@]}"
fi
echo >&2

# --- the table -----------------------------------------------------------------------------------
echo "renditions benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), quality preset $QUALITY," \
  "AVIF threads $THREADS${SPEED:+, speed $SPEED}"
echo "host: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
echo "tree: $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD 2>/dev/null || echo ' (modified)')," \
  "libheif $(pkg-config --modversion libheif), libwebp $(pkg-config --modversion libwebp)"
awk -F'\t' '
  # label set name size format width height bytes wall cpu ssim
  $1 == "jpeg" { jb[$2 "|" $4] += $8; js[$2 "|" $4] += $11; jn[$2 "|" $4]++; ji[$2 "|" $3 "|" $4] = $11 }
  {
    k = $2 "|" $5 "|" $4 "|" $1
    if (!(k in n)) order[++nk] = k
    n[k]++; b[k] += $8; s[k] += $11; w[k] += $9; c[k] += $10
    d = $11 - ji[$2 "|" $3 "|" $4]
    if (!(k in worst) || d < worst[k]) worst[k] = d
  }
  END {
    printf "\n%-7s %-10s %5s %4s %11s %8s %8s %9s %9s %9s %9s\n", "set", "case", "size", "n", "bytes", "vs JPEG", \
      "SSIM", "dSSIM", "worst", "wall ms", "cpu ms"
    for (i = 1; i <= nk; i++) {
      split(order[i], p, "|"); j = p[1] "|" p[3]
      printf "%-7s %-10s %5s %4d %11d %7.1f%% %8.4f %+9.4f %+9.4f %9.1f %9.1f\n", p[1], p[4], p[3], n[order[i]], \
        b[order[i]], 100 * b[order[i]] / jb[j], s[order[i]] / n[order[i]], \
        s[order[i]] / n[order[i]] - js[j] / jn[j], worst[order[i]], w[order[i]] / n[order[i]], c[order[i]] / n[order[i]]
    }
  }' "$WORK/rows" >"$WORK/table"
head -n 2 "$WORK/table"
tail -n +3 "$WORK/table" | sort -b -k1,1 -k3,3n -s
