// A loopback stand-in for Replicate's predictions API with a real model's latency, for
// bench/jobs.sh (the paid service cannot be reached from here): create, get, cancel, and the
// outputs served under /files/. Each prediction runs --latency seconds from its create, then
// succeeds with one PNG of random noise. Prints "stand-in on http://127.0.0.1:PORT"
// once it listens; exits with its parent.
//
//   node bench/replicate_stand_in.mjs --latency 15 --token r8_bench
import http from 'node:http';
import { exitWithParent, parseArgs } from '../tests/scaleout/args.mjs';
import { noisePng } from '../tests/scaleout/png.mjs';

const opts = parseArgs(process.argv.slice(2), { latency: 15, token: 'r8_bench', size: 512 });
exitWithParent();
process.on('SIGTERM', () => process.exit(0)); // a clean stop for whoever started it
const predictions = new Map(); // id -> {seed, created, canceled}
let base = '';
let next = 1;

function json(res, status, value) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
}

function view(id) {
  const p = predictions.get(id);
  const done = (Date.now() - p.created) / 1000 >= opts.latency;
  const status = p.canceled ? 'canceled' : done ? 'succeeded' : 'processing';
  const out = { id, status, error: null, output: null, urls: { get: `${base}/v1/predictions/${id}` } };
  if (status === 'succeeded') out.output = [`${base}/files/${id}.png`];
  return out;
}

const server = http.createServer((req, res) => {
  let body = '';
  req.on('data', (c) => { body += c; });
  req.on('end', () => {
    const url = new URL(req.url, base);
    if (url.pathname.startsWith('/files/')) {
      const p = predictions.get(url.pathname.slice(7, -4));
      if (!p) return json(res, 404, { detail: 'Not found.' });
      res.writeHead(200, { 'content-type': 'image/png' });
      return res.end(noisePng(opts.size, opts.size, p.seed));
    }
    if (req.headers.authorization !== `Bearer ${opts.token}`) return json(res, 401, { detail: 'Invalid token.' });
    const cancel = url.pathname.match(/^\/v1\/predictions\/([\w-]+)\/cancel$/);
    const get = url.pathname.match(/^\/v1\/predictions\/([\w-]+)$/);
    if (req.method === 'POST' && url.pathname.endsWith('/predictions')) {
      const id = `bench${next++}`;
      const seed = JSON.parse(body || '{}')?.input?.seed ?? 0;
      predictions.set(id, { seed, created: Date.now(), canceled: false });
      return json(res, 201, view(id));
    }
    if (req.method === 'POST' && cancel && predictions.has(cancel[1])) {
      predictions.get(cancel[1]).canceled = true;
      return json(res, 200, view(cancel[1]));
    }
    if (req.method === 'GET' && get && predictions.has(get[1])) return json(res, 200, view(get[1]));
    return json(res, 404, { detail: 'Not found.' });
  });
});
server.listen(0, '127.0.0.1', () => {
  base = `http://127.0.0.1:${server.address().port}`;
  console.log(`stand-in on ${base}`);
});
