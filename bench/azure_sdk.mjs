// The reference side of bench/azure.sh: the official @azure/storage-blob SDK putting and getting
// the same blobs as bench/azure_bench.cc does through Noisett's AzureBlobStore, against the same
// Azurite, measured the same way:
//   - one BlobServiceClient (one HTTP pipeline, keep-alive) shared by N async workers, each with
//     one request in flight until --seconds have passed: N requests in flight;
//   - names cycle through --blobs names (bench/blob-NNNN.jpg), 200 KB of the same seeded-random
//     size, Content-Type image/jpeg, Cache-Control "public, max-age=31536000, immutable",
//     tier Hot (the headers Noisett's Put sends);
//   - put is BlockBlobClient.upload (one Put Blob); get is BlobClient.download read to a Buffer
//     (one Get Blob; downloadToBuffer would add a Get Blob Properties first);
//   - x-ms-version pinned to Noisett's (REST_VERSION below), so both ask Azurite for the same API;
//   - one untimed request per worker first; gets check the size, the first one every byte;
//     any failure stops the run.
// The account key is Azurite's published development key; node trusts Azurite's self-signed
// certificate through NODE_EXTRA_CA_CERTS (bench/azure.sh sets it).
//
// Usage: node bench/azure_sdk.mjs --endpoint URL --container NAME --op put|get --concurrency N
//                                 [--seconds 10] [--size 204800] [--blobs 64]
//                                 [--account devstoreaccount1] [--key BASE64]
// Prints one line: "op<TAB>concurrency<TAB>requests<TAB>seconds<TAB>p50_ms<TAB>p99_ms".
import { performance } from "node:perf_hooks";
import { BlobServiceClient, StorageSharedKeyCredential, newPipeline } from "@azure/storage-blob";

// The REST version both sides send: Noisett's kRestVersion (storage/azure/azure_config.h). The
// SDK's own default is newer than Azurite 3.37 accepts.
const REST_VERSION = "2025-11-05";

const AZURITE_KEY =
  "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

function die(what) {
  process.stderr.write(`azure_sdk: ${what}\n`);
  process.exit(1);
}

function parseOptions(argv) {
  const o = { account: "devstoreaccount1", key: AZURITE_KEY, concurrency: 1, seconds: 10,
              size: 200 * 1024, blobs: 64 };
  const numeric = new Set(["concurrency", "seconds", "size", "blobs"]);
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i].replace(/^--/, "");
    const value = argv[i + 1];
    if (value === undefined) die(`missing value after ${argv[i]}`);
    if (!["endpoint", "container", "op", "account", "key", ...numeric].includes(flag)) {
      die(`unknown flag ${argv[i]}`);
    }
    if (numeric.has(flag)) {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1) die(`--${flag} needs a positive integer, got '${value}'`);
      o[flag] = n;
    } else {
      o[flag] = value;
    }
  }
  if (!o.endpoint || !o.container) die("--endpoint and --container are required");
  if (o.op !== "put" && o.op !== "get") die("--op must be put or get");
  return o;
}

// The same bytes for every blob of a run (seeded xorshift; the C++ side has its own seed, and
// the content does not change what either side does).
function payload(size) {
  const bytes = Buffer.alloc(size);
  let x = 0x9e3779b97f4a7c15n;
  for (let i = 0; i < size; i++) {
    x ^= (x << 13n) & 0xffffffffffffffffn;
    x ^= x >> 7n;
    x ^= (x << 17n) & 0xffffffffffffffffn;
    bytes[i] = Number(x & 0xffn);
  }
  return bytes;
}

function blobName(i) {
  return `bench/blob-${String(i).padStart(4, "0")}.jpg`;
}

async function readAll(stream) {
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}

async function main() {
  const o = parseOptions(process.argv.slice(2));
  // A request policy ahead of the pipeline's own: it runs after serialization and before the Sign
  // phase, so the version it sets is the one Shared Key signs.
  const pipeline = newPipeline(new StorageSharedKeyCredential(o.account, o.key));
  pipeline.factories.push({
    create: (nextPolicy) => ({
      sendRequest: (request) => {
        request.headers.set("x-ms-version", REST_VERSION);
        return nextPolicy.sendRequest(request);
      },
    }),
  });
  const service = new BlobServiceClient(o.endpoint, pipeline);
  const container = service.getContainerClient(o.container);
  await container.createIfNotExists();
  const data = payload(o.size);
  const headers = {
    blobHTTPHeaders: {
      blobContentType: "image/jpeg",
      blobCacheControl: "public, max-age=31536000, immutable",
    },
    tier: "Hot",
  };

  async function once(i, checkBytes) {
    const name = blobName(i % o.blobs);
    if (o.op === "put") {
      await container.getBlockBlobClient(name).upload(data, data.length, headers);
      return;
    }
    const response = await container.getBlobClient(name).download();
    const got = await readAll(response.readableStreamBody);
    if (got.length !== data.length) die(`get ${name}: ${got.length} bytes, expected ${data.length}`);
    if (checkBytes && !got.equals(data)) die(`get ${name}: the bytes differ`);
  }

  if (o.op === "get") {
    for (let i = 0; i < o.blobs; i++) {
      await container.getBlockBlobClient(blobName(i)).upload(data, data.length, headers);
    }
  }

  // Warm-up (untimed): one request per worker, all at once, so each opens its connection.
  await Promise.all(Array.from({ length: o.concurrency }, (_, w) => once(w, true)));

  let next = 0;
  const latencies = [];
  const start = performance.now();
  const deadline = start + o.seconds * 1000;
  async function worker() {
    for (let t0 = performance.now(); t0 < deadline; t0 = performance.now()) {
      await once(next++, false);
      latencies.push(performance.now() - t0);
    }
  }
  await Promise.all(Array.from({ length: o.concurrency }, worker));
  const elapsed = (performance.now() - start) / 1000;

  if (latencies.length === 0) die("no request finished");
  latencies.sort((a, b) => a - b);
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  process.stdout.write(
    `${o.op}\t${o.concurrency}\t${latencies.length}\t${elapsed.toFixed(3)}\t` +
      `${at(0.5).toFixed(2)}\t${at(0.99).toFixed(2)}\n`,
  );
}

main().catch((e) => die(e?.stack || String(e)));
