#!/usr/bin/env bash
# The main job on the embedded default: set-up if needed, release build, then `noisett serve
# --auth dev` on 127.0.0.1:8080 (NOISETT_LISTEN overrides) with its data in ./data, a dev token
# and a short walkthrough: upload with curl, history, open a link. Ctrl-C stops the server
# gracefully. With RUN_SMOKE=1 it runs the walkthrough itself and stops (used to check this
# script).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh run
bash scripts/build.sh release --main

bin=build/release/bin/noisett
listen=${NOISETT_LISTEN:-127.0.0.1:8080}
data=${NOISETT_DATA_DIR:-./data}
base="http://${listen}"

/usr/bin/python3 scripts/make_samples.py samples/input >/dev/null
"$bin" serve --auth dev --data-dir "$data" --listen "$listen" &
server=$!
trap 'kill -TERM $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT INT TERM
for _ in $(seq 1 50); do
  curl -fs "$base/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fs "$base/readyz" >/dev/null || { echo "run: the server did not come up on $listen" >&2; exit 1; }

token=$("$bin" token --user alice --name Alice --data-dir "$data" --ttl 8h)
cat <<EOF

Noisett is serving on $base (auth: dev issuer; blobs and catalog in $data).

Open the gallery: $base/  (dev sign-in: any user name; generate with the built-in noise generator)

A dev token for user alice (valid 8 h):

  export TOKEN=$token

Walkthrough:
  # generate 2 images from a prompt (stored optimized with 256 px thumbnails, as one job)
  curl -s -X POST -H "Authorization: Bearer \$TOKEN" -H 'Content-Type: application/json' \\
       -d '{"prompt":"a lighthouse at dusk","count":2}' '$base/api/generate'
  # upload an image (PNG, JPEG or WebP; stored optimized with a 256 px thumbnail)
  curl -s -X POST --data-binary @samples/input/landscape.png -H 'Content-Type: image/png' \\
       -H "Authorization: Bearer \$TOKEN" '$base/api/images?prompt=a%20landscape'
  # your history, newest first, with signed links for every image and thumbnail
  curl -s -H "Authorization: Bearer \$TOKEN" '$base/api/history?limit=5'
  # open an image link from that answer ("url"): no token needed, the link is the permission
  LINK=\$(curl -s -H "Authorization: Bearer \$TOKEN" '$base/api/history?limit=1' |
         jq -r '.generations[0].images[0].url')
  curl -s -o image.jpg "\$LINK"
  # the same through the CLI
  $bin history.list '{"limit":5}' --server $base --token "\$TOKEN"

EOF

if [[ ${RUN_SMOKE:-0} == 1 ]]; then
  echo "== smoke: upload, history, link"
  upload=$(curl -fs -X POST --data-binary @samples/input/landscape.png -H 'Content-Type: image/png' \
    -H "Authorization: Bearer $token" "$base/api/images?prompt=smoke")
  link=$(/usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["image"]["url"])' <<<"$upload")
  curl -fs -H "Authorization: Bearer $token" "$base/api/history?limit=1" >/dev/null
  bytes=$(curl -fs "$link" | wc -c)
  echo "uploaded and fetched back $bytes bytes through a signed link"
  generated=$(curl -fs -X POST -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d '{"prompt":"smoke","count":2}' "$base/api/generate")
  count=$(/usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)["images"]))' <<<"$generated")
  curl -fs "$base/" | grep -q '<html' || { echo "run: the gallery is not served at /" >&2; exit 1; }
  echo "generated $count images; the gallery is served at $base/"
  exit 0
fi
echo "Ctrl-C stops the server."
wait $server
