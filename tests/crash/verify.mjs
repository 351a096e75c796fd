// The crash test's promise check, with the server up: every acknowledged upload (the ledger
// CrashLoad wrote) is in its user's history, both through history.list (every page) and
// history.get, and its image and thumbnail links serve exactly the bytes hashed right after the
// 201. No job id appears twice in a history or across users. Jobs or images the history holds
// beyond the ledger are uploads committed by a server killed before it answered: allowed, counted.
import { call } from '../scaleout/client.mjs';
import { fetchHash } from './links.mjs';

async function listAll(url, token) {
  const ids = [];
  let cursor = '';
  let total = null;
  for (let page = 0; page < 1000; page++) {
    const q = '/api/history?limit=200' + (cursor ? `&cursor=${encodeURIComponent(cursor)}` : '');
    const a = await call(null, 'history.list', url, token, 'GET', q);
    if (a.status !== 200) throw new Error(`history.list answered ${a.status} ${JSON.stringify(a.body)}`);
    total ??= a.body.total_count;
    ids.push(...a.body.generations.map((g) => g.job_id));
    cursor = a.body.next_cursor;
    if (!cursor) return { ids, total };
  }
  throw new Error('history.list: more than 1000 pages');
}

// Checks one acknowledged job (all its acknowledged images) against history.get and its links.
async function verifyJob(url, token, jobId, acks, out) {
  const a = await call(null, 'history.get', url, token, 'GET', `/api/history/${jobId}`);
  if (a.status !== 200) {
    out.findings.push(`${acks[0].user} ${jobId}: history.get answered ${a.status} ${JSON.stringify(a.body)}`);
    return;
  }
  const images = new Map(a.body.images.map((i) => [i.index, i]));
  out.extraImages += images.size - acks.length;
  for (const ack of acks) {
    const where = `${ack.user} ${jobId}/${ack.image_index}`;
    const image = images.get(ack.image_index);
    if (!image) {
      out.findings.push(`${where}: acknowledged, missing from history.get`);
      continue;
    }
    for (const [what, link, want] of [['image', image.url, ack.image],
      ['thumbnail', image.thumbnail_url, ack.thumbnail]]) {
      const got = await fetchHash(link);
      out.linksChecked++;
      if (got.status !== 200 || got.sha256 !== want.sha256 || got.bytes !== want.bytes) {
        out.findings.push(`${where}: ${what} serves ${got.status} ${got.bytes} bytes ` +
          `sha256 ${got.sha256.slice(0, 12)}, acknowledged ${want.bytes} bytes ${want.sha256.slice(0, 12)}`);
      }
    }
  }
}

export async function verifyLedger({ url, tokens, acks, workers = 8 }) {
  const out = { findings: [], jobs: 0, linksChecked: 0, extraJobs: 0, extraImages: 0 };
  const byUser = new Map();
  for (const ack of acks) {
    if (!byUser.has(ack.user)) byUser.set(ack.user, new Map());
    const jobs = byUser.get(ack.user);
    if (!jobs.has(ack.job_id)) jobs.set(ack.job_id, []);
    jobs.get(ack.job_id).push(ack);
  }
  const owner = new Map();
  const queue = [];
  for (const [user, jobs] of byUser) {
    const token = tokens.get(user);
    const listed = await listAll(url, token);
    const ids = new Set(listed.ids);
    if (ids.size !== listed.ids.length) out.findings.push(`${user}: history.list repeats a job id`);
    if (listed.total !== listed.ids.length) {
      out.findings.push(`${user}: total_count ${listed.total}, listed ${listed.ids.length}`);
    }
    for (const id of ids) {
      if (owner.has(id)) out.findings.push(`job id ${id} listed for ${owner.get(id)} and ${user}`);
      owner.set(id, user);
    }
    for (const [jobId, jobAcks] of jobs) {
      if (!ids.has(jobId)) out.findings.push(`${user} ${jobId}: acknowledged, missing from history.list`);
      queue.push([token, jobId, jobAcks]);
    }
    out.extraJobs += [...ids].filter((id) => !jobs.has(id)).length;
  }
  out.jobs = queue.length;
  await Promise.all(Array.from({ length: workers }, async () => {
    while (queue.length > 0) {
      const [token, jobId, jobAcks] = queue.pop();
      await verifyJob(url, token, jobId, jobAcks, out);
    }
  }));
  return out;
}
