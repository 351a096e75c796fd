// The client of bench/jobs.sh: upload and history.list latency on one server, side by side,
//   idle       nothing else running
//   jobs       --jobs generation jobs in flight on the stand-in model (they wait on it: no
//              thread of ours should)
//   streams    the same, plus --streams open event streams (GET /api/jobs/{id}/events)
//   idle again once every job finished (what the phases' order alone changes)
//   blocking   2 generations with "wait": true, each holding a request worker until its images
//              are stored (how generate worked before jobs): the stall jobs remove
// Each phase sends --requests uploads (a distinct 256x256 noise PNG each) and as many
// history.list (limit 50), one at a time, alternating; the blocking phase sends 3 uploads (each
// waits for a worker). Prints RESULT {json} with p50/p99 per phase and route, and the server's
// resident memory per phase (--pid).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { exitWithParent, parseArgs } from '../tests/scaleout/args.mjs';
import { call, percentile } from '../tests/scaleout/client.mjs';
import { noisePng } from '../tests/scaleout/png.mjs';

const opts = parseArgs(process.argv.slice(2), {
  url: '', token: '', pid: 0, requests: 300, jobs: 8, streams: 500, hold: '',
});
exitWithParent();
const { url, token } = opts;

// Opens `count` event streams over `ids` and keeps them open (reading what comes).
async function openStreams(ids, count) {
  const open = [];
  for (let i = 0; i < count; i += 1) {
    const id = ids[i % ids.length];
    open.push(
      fetch(`${url}/api/jobs/${id}/events`, { headers: { authorization: `Bearer ${token}` } }).then(async (r) => {
        if (r.status !== 200) throw new Error(`events answered ${r.status}`);
        const reader = r.body.getReader();
        await reader.read(); // the first event: the stream is open
        (async () => {
          while (!(await reader.read()).done);
        })().catch(() => {});
      }),
    );
  }
  await Promise.all(open);
}

// --hold ID,ID,...: the stream holder, a process of its own so that the measuring client's event
// loop carries none of the streams (each node process's timers and GC would otherwise show in the
// latencies it measures).
if (opts.hold) {
  await openStreams(opts.hold.split(','), opts.streams);
  console.log('open');
  await new Promise(() => {}); // until the parent ends it
}

function rssMib() {
  const status = readFileSync(`/proc/${opts.pid}/status`, 'utf8');
  return Number(status.match(/VmRSS:\s+(\d+)/)[1]) / 1024;
}

async function phase(requests) {
  const upload = [];
  const history = [];
  for (let i = 0; i < requests; i += 1) {
    const up = await call(null, 'upload', url, token, 'POST', '/api/images?prompt=bench', noisePng(256, 256));
    if (up.status !== 201) throw new Error(`upload answered ${up.status}: ${JSON.stringify(up.body)}`);
    upload.push(up.ms);
    const list = await call(null, 'history', url, token, 'GET', '/api/history?limit=50');
    if (list.status !== 200) throw new Error(`history.list answered ${list.status}`);
    history.push(list.ms);
  }
  const stats = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    return { p50: percentile(s, 50), p99: percentile(s, 99), n: s.length };
  };
  return { upload: stats(upload), history: stats(history), rss_mib: rssMib() };
}

async function submit(n, wait = false) {
  const body = JSON.stringify({ prompt: 'a slow model', count: 2, wait });
  const answers = [];
  for (let i = 0; i < n; i += 1) {
    answers.push(
      fetch(`${url}/api/generate`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body,
      }),
    );
  }
  if (wait) return answers; // resolve when the jobs finish
  const ids = [];
  for (const r of await Promise.all(answers)) {
    if (r.status !== 202) throw new Error(`generate answered ${r.status}: ${await r.text()}`);
    ids.push((await r.json()).job_id);
  }
  return ids;
}

async function running(ids) {
  let n = 0;
  for (const id of ids) {
    const job = await call(null, 'job', url, token, 'GET', `/api/jobs/${id}`);
    n += job.body?.status === 'running' || job.body?.status === 'queued';
  }
  return n;
}

const result = {};
await phase(10); // warm-up: first connections, caches, the token cache (not measured)
result.idle = await phase(opts.requests);

const jobs = await submit(opts.jobs);
await new Promise((r) => setTimeout(r, 500));
result.jobs = await phase(opts.requests);
result.jobs.in_flight_after = await running(jobs);

const streamJobs = await submit(opts.jobs);
const holder = spawn(process.execPath, [fileURLToPath(import.meta.url), '--url', url, '--token', token,
  '--streams', String(opts.streams), '--hold', streamJobs.join(',')], { stdio: ['ignore', 'pipe', 'inherit'] });
await new Promise((resolve, reject) => {
  holder.stdout.on('data', (c) => { if (String(c).includes('open')) resolve(); });
  holder.on('exit', (code) => reject(new Error(`the stream holder ended (${code})`)));
});
result.streams = await phase(opts.requests);
result.streams.open = opts.streams;
result.streams.in_flight_after = await running(streamJobs);
holder.removeAllListeners('exit');
holder.kill();

// The same server idle again (the jobs still run on the stand-in model, so wait them out): what
// the phases' order alone moves (a catalog and a store grown by the uploads before).
while ((await running([...jobs, ...streamJobs])) > 0) await new Promise((r) => setTimeout(r, 500));
result.idle_after = await phase(opts.requests);

const blocking = await submit(2, true);
await new Promise((r) => setTimeout(r, 500));
result.blocking = await phase(3);
await Promise.allSettled(blocking);

console.log(`RESULT ${JSON.stringify(result)}`);
process.exit(0);
