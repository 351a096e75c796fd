// The scale-out load client: N virtual users (one token each, from --tokens) run for --duration
// seconds against the instances in --urls (comma-separated), each user a sequential loop of
// uploads, history reads, favorites, deletes and restores to random instances (see user.mjs).
// Prints throughput and latency per kind and every error, writes the users' models to --model
// for check.mjs, and exits 1 when any request failed unexpectedly or a read contradicted the
// model during the load.
//
//   node tests/scaleout/load.mjs --urls http://127.0.0.1:A,http://127.0.0.1:B --tokens FILE \
//        --duration 60 --model OUT.json [--summary OUT.txt] [--azurite yes]
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { exitWithParent, parseArgs, readTokens } from './args.mjs';
import { Stats, percentile } from './client.mjs';
import { UserModel } from './model.mjs';
import { VirtualUser } from './user.mjs';

const opts = parseArgs(process.argv.slice(2),
  { urls: '', tokens: '', duration: 60, model: '', summary: '', azurite: 'no' });
exitWithParent();
const urls = opts.urls.split(',').filter(Boolean);
const tokens = readTokens(opts.tokens);
if (urls.length === 0 || tokens.size === 0) throw new Error('--urls and --tokens are required');

const stats = new Stats();
const models = [...tokens.keys()].map((u) => new UserModel(u));
const users = models.map((model, i) => new VirtualUser({
  userId: model.userId,
  token: tokens.get(model.userId),
  urls,
  stats,
  model,
  others: () => models.filter((m) => m !== model),
  azurite: opts.azurite === 'yes',
}));

const loadBefore = loadavg()[0];
const started = performance.now();
const deadline = started + opts.duration * 1000;
await Promise.all(users.map((u, i) =>
  // Spread the starts over the first second so 200 users do not open 200 connections at once.
  new Promise((r) => setTimeout(r, (i * 1000) / users.length)).then(() => u.run(deadline))));
const seconds = (performance.now() - started) / 1000;

const fmt = (x, w = 8, d = 1) => x.toFixed(d).padStart(w);
console.log(`load: ${users.length} users, ${urls.length} instances, ${seconds.toFixed(1)} s; ` +
  `load average ${loadBefore.toFixed(2)} before, ${loadavg()[0].toFixed(2)} after`);
console.log(`${'kind'.padEnd(16)}${'requests'.padStart(9)}${'req/s'.padStart(8)}` +
  `${'p50 ms'.padStart(8)}${'p99 ms'.padStart(8)}${'max ms'.padStart(8)}`);
for (const [kind, list] of [...stats.latencies.entries()].sort()) {
  const sorted = [...list].sort((a, b) => a - b);
  console.log(`${kind.padEnd(16)}${String(list.length).padStart(9)}${fmt(list.length / seconds)}` +
    `${fmt(percentile(sorted, 50))}${fmt(percentile(sorted, 99))}${fmt(sorted.at(-1))}`);
}
const all = [...stats.latencies.values()].flat().sort((a, b) => a - b);
const total = stats.total();
console.log(`${'total'.padEnd(16)}${String(total).padStart(9)}${fmt(total / seconds)}` +
  `${fmt(percentile(all, 50))}${fmt(percentile(all, 99))}${fmt(all.at(-1) ?? 0)}`);
for (const [key, n] of stats.expected) console.log(`expected refusals: ${key} x${n}`);

const byKind = new Map();
for (const e of stats.errors) {
  const key = `${e.kind} ${e.status} ${e.code}`;
  byKind.set(key, (byKind.get(key) ?? 0) + 1);
}
for (const [key, n] of byKind) console.log(`ERRORS: ${key} x${n}`);
for (const e of stats.errors.slice(0, 10)) console.log(`  error: ${JSON.stringify(e)}`);
for (const line of stats.inconsistencies.slice(0, 20)) console.log(`  INCONSISTENT: ${line}`);
console.log(`load: ${total} requests (${(total / seconds).toFixed(1)}/s), ` +
  `${stats.errors.length} errors, ${stats.inconsistencies.length} inconsistencies`);

writeFileSync(opts.model, JSON.stringify(models.map((m) => m.toJSON())));
// One line for scripts/scaleout.sh's final summary.
if (opts.summary) {
  writeFileSync(opts.summary,
    `${total} requests (${(total / seconds).toFixed(1)}/s), ${stats.errors.length} errors\n`);
}
process.exit(stats.errors.length === 0 && stats.inconsistencies.length === 0 ? 0 : 1);
