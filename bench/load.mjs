// The mixed-traffic client of bench/load.sh: --connections virtual clients, each a closed loop
// (one request in flight, the next as soon as it is answered) for --duration seconds against
// --url, each request drawn at random: 70 % a signed link GET (a full image or a thumbnail from
// --links), 20 % history.list (limit 50) with the client's user's token, 10 % an upload of a
// distinct noise PNG. Node's fetch keeps one keep-alive connection per request in flight, so N
// clients hold N connections open (bench/load.sh counts them on the server's port).
//
//   node bench/load.mjs --prepare LINKS --url URL --tokens FILE [--images 20] [--upload-size 512]
//       uploads --images images and writes their signed link paths to LINKS (not measured);
//   node bench/load.mjs --url URL --tokens FILE --links LINKS --duration 60 --connections 200
//       [--mix 70,20,10]
//       the load; prints a table per route, then `RESULT {json}` (per route: requests, errors,
//       p50/p99/max ms). Exit status 1 when any request failed (non-2xx or transport error).
// --tokens: `USER TOKEN` lines (tests/scaleout/tokens.mjs).
import { readFileSync, writeFileSync } from 'node:fs';
import { exitWithParent, parseArgs, readTokens } from '../tests/scaleout/args.mjs';
import { Stats, call, percentile } from '../tests/scaleout/client.mjs';
import { noisePng } from '../tests/scaleout/png.mjs';

const opts = parseArgs(process.argv.slice(2), {
  url: '', tokens: '', links: '', prepare: '', duration: 60, connections: 200, images: 20,
  'upload-size': 512, mix: '70,20,10',
});
exitWithParent();
const tokens = [...readTokens(opts.tokens).values()];
if (!opts.url || tokens.length === 0) throw new Error('--url and --tokens are required');
const size = opts['upload-size'];
// --mix: percentages of link GETs, history.lists and uploads (for looking into one route alone).
const [linkShare, historyShare] = opts.mix.split(',').map((x) => Number(x) / 100);

// A signed link GET: the body is read whole (as a browser would) but not decoded as text.
async function getLink(stats, path) {
  const start = performance.now();
  let answer;
  try {
    const response = await fetch(opts.url + path, { signal: AbortSignal.timeout(60000) });
    const bytes = (await response.arrayBuffer()).byteLength;
    answer = { status: response.ok && bytes === 0 ? 0 : response.status, body: null };
    if (bytes === 0) answer.transport = 'empty body';
  } catch (e) {
    answer = { status: 0, body: null, transport: e?.cause?.code ?? e?.name ?? String(e) };
  }
  stats.record('link GET', performance.now() - start);
  return answer;
}

const ok = (answer) => answer.status >= 200 && answer.status < 300;

async function prepare() {
  const links = [];
  for (let i = 0; i < opts.images; i++) {
    const answer = await call(null, 'upload', opts.url, tokens[i % tokens.length], 'POST',
      '/api/images?prompt=load', noisePng(size, size));
    if (answer.status !== 201) throw new Error(`prepare: upload ${i} got ${answer.status} ${JSON.stringify(answer.body)}`);
    for (const key of ['url', 'thumbnail_url']) {
      const link = new URL(answer.body.image[key]);
      links.push(link.pathname + link.search);
    }
  }
  writeFileSync(opts.prepare, links.join('\n') + '\n');
}

async function load() {
  const links = readFileSync(opts.links, 'utf8').split('\n').filter(Boolean);
  // Distinct images, made before the clock starts: encoding noise costs the client ~10 ms each.
  const pngs = Array.from({ length: 64 }, () => noisePng(size, size));
  const stats = new Stats();
  let uploads = 0;
  const client = async (i, deadline) => {
    const token = tokens[i % tokens.length];
    while (performance.now() < deadline) {
      const draw = Math.random();
      let kind, answer;
      if (draw < linkShare) {
        kind = 'link GET';
        answer = await getLink(stats, links[Math.floor(Math.random() * links.length)]);
      } else if (draw < linkShare + historyShare) {
        kind = 'history.list';
        answer = await call(stats, kind, opts.url, token, 'GET', '/api/history?limit=50');
      } else {
        kind = 'upload';
        answer = await call(stats, kind, opts.url, token, 'POST', '/api/images?prompt=load',
          pngs[uploads++ % pngs.length]);
      }
      if (!ok(answer)) stats.error(kind, answer);
    }
  };
  const started = performance.now();
  const deadline = started + opts.duration * 1000;
  await Promise.all(Array.from({ length: opts.connections }, (_, i) => client(i, deadline)));
  const seconds = (performance.now() - started) / 1000;

  const routes = {};
  console.log(`${'route'.padEnd(14)}${'requests'.padStart(10)}${'req/s'.padStart(9)}${'errors'.padStart(8)}` +
    `${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'max ms'.padStart(9)}`);
  for (const [kind, list] of [...stats.latencies.entries()].sort()) {
    const sorted = Float64Array.from(list).sort();
    const errors = stats.errors.filter((e) => e.kind === kind).length;
    routes[kind] = { requests: list.length, errors, p50: percentile(sorted, 50),
      p99: percentile(sorted, 99), max: sorted.at(-1) };
    const r = routes[kind];
    console.log(`${kind.padEnd(14)}${String(r.requests).padStart(10)}${(r.requests / seconds).toFixed(1).padStart(9)}` +
      `${String(errors).padStart(8)}${r.p50.toFixed(1).padStart(9)}${r.p99.toFixed(1).padStart(9)}${r.max.toFixed(1).padStart(9)}`);
  }
  const byKind = new Map();
  for (const e of stats.errors) {
    const key = `${e.kind} ${e.status} ${e.code}`;
    byKind.set(key, (byKind.get(key) ?? 0) + 1);
  }
  for (const [key, n] of byKind) console.log(`ERRORS: ${key} x${n}`);
  console.log(`RESULT ${JSON.stringify({ seconds, requests: stats.total(), errors: stats.errors.length, routes })}`);
  process.exit(stats.errors.length === 0 ? 0 : 1);
}

if (opts.prepare) await prepare();
else await load();
