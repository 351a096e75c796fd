// The crash test's store/catalog check, from three `noisett fsck --json` reports taken with the
// server stopped: --before (plain fsck after the load), --repair (`fsck --repair --grace 0`) and
// --after (plain fsck again). Requirements:
//   - no report has a missing_blobs finding (a catalog row whose blobs are gone: data lost);
//   - before: it scanned at least every acknowledged job of --ledger;
//   - repair: every finding repaired (the orphans of killed uploads re-added when metadata.json
//     proves a finished upload, otherwise deleted; metadata.json rewritten from the row);
//   - after: clean, and its rows are those before plus the ones the repair re-added.
// Prints the counts (for the summary) and each problem; exits 1 on any problem.
//
//   node tests/crash/fsck_check.mjs --before A.json --repair B.json --after C.json --ledger L.json
import { readFileSync } from 'node:fs';
import { exitWithParent, parseArgs } from '../scaleout/args.mjs';

const opts = parseArgs(process.argv.slice(2), { before: '', repair: '', after: '', ledger: '' });
exitWithParent();
const read = (file) => JSON.parse(readFileSync(file, 'utf8'));
const [before, repair, after, ledger] = [opts.before, opts.repair, opts.after, opts.ledger].map(read);
const problems = [];

const kinds = (report) => {
  const counts = new Map();
  for (const f of report.findings) counts.set(f.kind, (counts.get(f.kind) ?? 0) + 1);
  return counts;
};
const describe = (counts) => (counts.size === 0 ? 'none'
  : [...counts].map(([k, n]) => `${k} x${n}`).join(', '));

for (const [name, report] of [['before', before], ['repair', repair], ['after', after]]) {
  for (const f of report.findings.filter((x) => x.kind === 'missing_blobs').slice(0, 10)) {
    problems.push(`fsck ${name}: a row without its blobs: ${f.user_id} ${f.job_id} ${f.detail}`);
  }
}
const ackedJobs = new Set(ledger.acks.map((a) => a.job_id)).size;
if (before.rows_scanned < ackedJobs) {
  problems.push(`fsck scanned ${before.rows_scanned} rows, ${ackedJobs} jobs were acknowledged`);
}
for (const f of repair.findings.filter((x) => !x.repaired).slice(0, 10)) {
  problems.push(`fsck --repair left ${f.kind} ${f.user_id} ${f.job_id}: ${f.action ?? ''}`);
}
if (repair.unrepaired !== 0) problems.push(`fsck --repair: ${repair.unrepaired} findings unrepaired`);
const readded = repair.findings.filter((f) => f.repaired && /^re-added/.test(f.action ?? '')).length;
if (after.clean !== true || after.findings.length !== 0) {
  problems.push(`fsck after the repair: ${describe(kinds(after))}`);
}
if (after.rows_scanned !== before.rows_scanned + readded) {
  problems.push(`fsck after the repair scanned ${after.rows_scanned} rows, expected ` +
    `${before.rows_scanned} + ${readded} re-added`);
}
const orphans = kinds(before).get('orphan_blobs') ?? 0;
console.log(`crash: fsck: ${before.rows_scanned} rows, ${before.blobs_listed} blobs; findings ` +
  `${describe(kinds(before))}; --repair fixed ${repair.findings.filter((f) => f.repaired).length} ` +
  `(${readded} orphan jobs re-added from their metadata.json, the rest deleted or rewritten); ` +
  `after: ${after.rows_scanned} rows, ${after.findings.length} findings`);
const acks = ledger.acks.length;
console.log(`crash: summary: ${acks} uploads acknowledged in ${ackedJobs} jobs, ${ledger.failed} ` +
  `attempts without a 201 (retried), ${ledger.kills.length} kills; fsck: ${orphans} orphan ` +
  `folders/blobs found, ${repair.findings.filter((f) => f.repaired).length} findings repaired, ` +
  `${kinds(before).get('missing_blobs') ?? 0} rows without their blobs`);
if (orphans === 0) console.log('crash: note: no kill left an orphan this run (nothing for --repair)');
for (const p of problems) console.log(`  FSCK PROBLEM: ${p}`);
process.exit(problems.length === 0 ? 0 : 1);
