// Reads `noisett fsck --json` after the load and requires a clean report that really looked at
// this run's catalog: every job the load created (live or deleted) is a row it scanned.
//
//   node tests/scaleout/fsck_report.mjs --report FSCK.json --model MODEL.json
import { readFileSync } from 'node:fs';
import { exitWithParent, parseArgs } from './args.mjs';

const opts = parseArgs(process.argv.slice(2), { report: '', model: '' });
exitWithParent();
const report = JSON.parse(readFileSync(opts.report, 'utf8'));
const models = JSON.parse(readFileSync(opts.model, 'utf8'));
const jobs = models.reduce((n, m) => n + Object.keys(m.jobs).length, 0);
const problems = [];
if (report.clean !== true || report.findings.length !== 0) {
  problems.push(`${report.findings.length} findings`);
  for (const f of report.findings.slice(0, 20)) console.log(`  FSCK: ${JSON.stringify(f)}`);
}
if (report.rows_scanned !== jobs) {
  problems.push(`scanned ${report.rows_scanned} rows, the load created ${jobs} jobs`);
}
console.log(`fsck: ${report.rows_scanned} rows, ${report.blobs_listed} blobs, ` +
  `${report.jobs_in_store} jobs in the store, ${report.deleted_rows_purged} deleted rows without ` +
  `blobs: ${problems.length === 0 ? 'clean' : problems.join('; ')}`);
process.exit(problems.length === 0 ? 0 : 1);
