// Fetches a link's bytes and hashes them, riding out a server that is down for a restart.
import { createHash } from 'node:crypto';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// {status, sha256, bytes, type}: status 0 when no answer came before `patienceMs` ran out.
// Transport failures and 5xx (a server killed or starting) are retried; any other status is the
// link's answer and returned at once.
export async function fetchHash(url, patienceMs = 60000) {
  const deadline = performance.now() + patienceMs;
  let last = { status: 0, sha256: '', bytes: 0, type: '' };
  while (performance.now() < deadline) {
    try {
      const r = await fetch(url, { signal: AbortSignal.timeout(30000) });
      const body = Buffer.from(await r.arrayBuffer());
      last = { status: r.status, sha256: createHash('sha256').update(body).digest('hex'),
        bytes: body.length, type: r.headers.get('content-type') ?? '' };
      if (r.status < 500) return last;
    } catch (e) {
      last = { ...last, status: 0, type: e?.cause?.code ?? String(e) };
    }
    await sleep(100);
  }
  return last;
}
