// The crash test's server-side steps (scripts/crash.sh runs them; the back end comes from the
// environment it exports):
//
//   node tests/crash/run.mjs load --bin NOISETT --tokens FILE --uploads 1000 --clients 16 \
//        --kills 10 --size 32 --ledger OUT.json --log SERVE.log --pid-file PID
//     starts `noisett serve` on a free loopback port, runs CrashLoad (uploads while SIGKILLing
//     and restarting the server), checks the ledger against the server (verify.mjs), then stops
//     the server with SIGTERM (status 0 expected) and writes the ledger.
//   node tests/crash/run.mjs verify --bin NOISETT --tokens FILE --ledger LEDGER.json --log ... \
//        --pid-file PID
//     starts the server again and repeats the ledger check (after `fsck --repair`).
// Prints the findings (at most 30) and a summary; exits 1 on any finding, 2 when the server
// could not be run.
import { readFileSync, writeFileSync } from 'node:fs';
import { exitWithParent, parseArgs, readTokens } from '../scaleout/args.mjs';
import { CrashLoad } from './load.mjs';
import { ServerProcess, pickFreePort } from './server.mjs';
import { verifyLedger } from './verify.mjs';

const [mode, ...rest] = process.argv.slice(2);
const opts = parseArgs(rest, { bin: '', tokens: '', uploads: 1000, clients: 16, kills: 10,
  size: 32, ledger: '', log: '', 'pid-file': '' });
exitWithParent();
if (mode !== 'load' && mode !== 'verify') throw new Error('usage: run.mjs load|verify --option value ...');
const tokens = readTokens(opts.tokens);
const server = new ServerProcess({ bin: opts.bin, port: await pickFreePort(), log: opts.log,
  pidFile: opts['pid-file'] });
// If this process is stopped (the driver's trap), the server goes with it.
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    server.child?.kill('SIGKILL');
    process.exit(130);
  });
}

function report(findings) {
  for (const f of findings.slice(0, 30)) console.log(`  FINDING: ${f}`);
  if (findings.length > 30) console.log(`  ... and ${findings.length - 30} more`);
}

async function checkAndStop(acks, label) {
  const started = performance.now();
  const v = await verifyLedger({ url: server.url, tokens, acks });
  const status = await server.stop();
  if (status !== 0) v.findings.push(`noisett serve exited with status ${status} on SIGTERM`);
  console.log(`crash: ${label}: ${acks.length} acknowledged images in ${v.jobs} jobs checked in ` +
    `history.list and history.get, ${v.linksChecked} links hashed, ${v.findings.length} findings ` +
    `(${((performance.now() - started) / 1000).toFixed(1)} s); committed without a 201: ` +
    `${v.extraJobs} jobs, ${v.extraImages} images into acknowledged jobs`);
  return v;
}

try {
  await server.start();
} catch (e) {
  console.log(`crash: ${e.message}`);
  process.exit(2);
}
if (mode === 'load') {
  const load = new CrashLoad({ server, users: [...tokens.entries()], total: opts.uploads,
    clients: opts.clients, kills: opts.kills, size: opts.size });
  await load.run();
  const failed = [...load.failures.values()].reduce((a, b) => a + b, 0);
  console.log(`crash: load: ${load.acks.length} uploads acknowledged in ${load.seconds.toFixed(1)} s ` +
    `by ${opts.clients} clients, ${load.attempts} attempts, ${failed} without a 201 (retried)`);
  for (const [why, n] of load.failures) console.log(`  no 201: ${why} x${n}`);
  for (const k of load.killLog) {
    console.log(`  kill -9 after ${k.after_acks} acks, ${k.inflight} uploads in flight; ` +
      `back after ${k.down_ms} ms`);
  }
  if (load.killLog.length !== opts.kills) {
    load.findings.push(`${load.killLog.length} kills done, ${opts.kills} asked`);
  }
  const v = await checkAndStop(load.acks, 'after the load');
  writeFileSync(opts.ledger, JSON.stringify({ acks: load.acks, kills: load.killLog,
    attempts: load.attempts, failed, seconds: load.seconds }));
  const findings = [...load.findings, ...v.findings];
  report(findings);
  process.exit(findings.length === 0 ? 0 : 1);
} else {
  const ledger = JSON.parse(readFileSync(opts.ledger, 'utf8'));
  const v = await checkAndStop(ledger.acks, 'after fsck --repair');
  report(v.findings);
  process.exit(v.findings.length === 0 ? 0 : 1);
}
