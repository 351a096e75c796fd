// The client of bench/jobs.sh: upload and history.list latency on one server, side by side,
//   idle       nothing else running
//   jobs       --jobs generation jobs in flight on the stand-in model (they wait on it: no
//              thread of ours should)
//   streams    the same, plus --streams open event streams (GET /api/jobs/{id}/events)
//   blocking   2 generations with "wait": true, each holding a request worker until its images
//              are stored (how generate worked before jobs): the stall jobs remove
// Each phase sends --requests uploads (a distinct 256x256 noise PNG each) and as many
// history.list (limit 50), one at a time, alternating; the blocking phase sends 3 uploads (each
// waits for a worker). Prints RESULT {json} with p50/p99 per phase and route, and the server's
// resident memory per phase (--pid).
import { readFileSync } from 'node:fs';
import { exitWithParent, parseArgs } from '../tests/scaleout/args.mjs';
import { call, percentile } from '../tests/scaleout/client.mjs';
import { noisePng } from '../tests/scaleout/png.mjs';

const opts = parseArgs(process.argv.slice(2), {
  url: '', token: '', pid: 0, requests: 100, jobs: 8, streams: 500,
});
exitWithParent();
const { url, token } = opts;

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
const readers = [];
const controller = new AbortController();
for (let i = 0; i < opts.streams; i += 1) {
  const id = streamJobs[i % streamJobs.length];
  readers.push(
    fetch(`${url}/api/jobs/${id}/events`, {
      headers: { authorization: `Bearer ${token}` },
      signal: controller.signal,
    }).then(async (r) => {
      if (r.status !== 200) throw new Error(`events answered ${r.status}`);
      const reader = r.body.getReader();
      await reader.read(); // the first event: the stream is open
      return reader;
    }),
  );
}
const open = await Promise.all(readers);
result.streams = await phase(opts.requests);
result.streams.open = open.length;
result.streams.in_flight_after = await running(streamJobs);
controller.abort();

const blocking = await submit(2, true);
await new Promise((r) => setTimeout(r, 500));
result.blocking = await phase(3);
await Promise.allSettled(blocking);

console.log(`RESULT ${JSON.stringify(result)}`);
process.exit(0);
