// HTTP calls of the scale-out client, with per-kind latency and error bookkeeping.
//
// call() never throws: it answers {status, body, ms}, status 0 for a transport failure (refused,
// reset, timeout), and records the latency under its kind. Whether an answer is an error is the
// caller's decision (an expected 409 job_full is not one); it reports those through error().

// Generous: a busy 2-core machine queues requests for seconds; a minute means something hangs.
const TIMEOUT_MS = 60000;

export class Stats {
  constructor() {
    this.latencies = new Map(); // kind -> [ms]
    this.errors = []; // {kind, status, code, detail}
    this.expected = new Map(); // "kind status code" -> count (expected refusals)
    this.inconsistencies = []; // read-your-writes and model checks during the load
  }

  record(kind, ms) {
    if (!this.latencies.has(kind)) this.latencies.set(kind, []);
    this.latencies.get(kind).push(ms);
  }

  error(kind, answer, detail = '') {
    this.errors.push({ kind, status: answer.status, code: errorCode(answer), detail });
  }

  expect(kind, answer) {
    const key = `${kind} ${answer.status} ${errorCode(answer)}`;
    this.expected.set(key, (this.expected.get(key) ?? 0) + 1);
  }

  inconsistent(user, what) {
    this.inconsistencies.push(`${user}: ${what}`);
  }

  total() {
    let n = 0;
    for (const list of this.latencies.values()) n += list.length;
    return n;
  }
}

export function errorCode(answer) {
  if (answer.status === 0) return answer.transport ?? 'transport';
  return answer.body?.error?.code ?? '';
}

export function percentile(sorted, p) {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

// One request. `path` includes the query; `body` is a Buffer (sent as image/png) or undefined.
export async function call(stats, kind, base, token, method, path, body) {
  const headers = { authorization: `Bearer ${token}` };
  if (body) headers['content-type'] = 'image/png';
  const start = performance.now();
  let answer;
  try {
    const response = await fetch(base + path, {
      method,
      headers,
      body,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const text = await response.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = { unparsed: text.slice(0, 200) };
    }
    answer = { status: response.status, body: json };
  } catch (e) {
    answer = { status: 0, body: null, transport: e?.cause?.code ?? e?.name ?? String(e) };
  }
  answer.ms = performance.now() - start;
  if (stats) stats.record(kind, answer.ms);
  return answer;
}
