// After the load: every instance must show every user the same history and favorites, and that
// must be exactly the client's model (load.mjs --model): the live job ids and nothing else,
// total_count = jobs created - jobs deleted, each job's image indices, every favorite once and
// no other, the storage totals; and no job id may appear twice, within a user or across users.
//
// It also fetches the image and thumbnail links of one random job per user (NODE_EXTRA_CA_CERTS
// names Azurite's certificate when the links point there).
//
//   node tests/scaleout/check.mjs --urls URL,URL,... --tokens FILE --model MODEL.json
// Prints each finding (at most 30) and a summary line; exits 1 on any finding.
import { readFileSync } from 'node:fs';
import { exitWithParent, parseArgs, readTokens } from './args.mjs';
import { call } from './client.mjs';
import { UserModel } from './model.mjs';

const opts = parseArgs(process.argv.slice(2), { urls: '', tokens: '', model: '' });
exitWithParent();
const urls = opts.urls.split(',').filter(Boolean);
const tokens = readTokens(opts.tokens);
const models = JSON.parse(readFileSync(opts.model, 'utf8')).map(UserModel.fromJSON);
const findings = [];
const find = (what) => findings.push(what);

// Every page of a list; the page size varies per user so several cursor shapes are walked.
async function allPages(url, token, route, field, limit) {
  const items = [];
  let cursor = '';
  let total = null;
  for (let page = 0; page < 1000; page++) {
    const q = `${route}?limit=${limit}` + (cursor ? `&cursor=${encodeURIComponent(cursor)}` : '');
    const a = await call(null, route, url, token, 'GET', q);
    if (a.status !== 200) throw new Error(`${url}${q}: ${a.status} ${JSON.stringify(a.body)}`);
    if (total === null) total = a.body.total_count;
    else if (a.body.total_count !== total) find(`${url}${route}: total_count moved between pages`);
    items.push(...a.body[field]);
    cursor = a.body.next_cursor;
    if (!cursor) return { items, total };
  }
  throw new Error(`${url}${route}: more than 1000 pages`);
}

// What an instance shows one user, reduced to what must agree (links differ: each is signed);
// the links of one job go to `links` for fetchLinks.
async function view(url, token, limit, links) {
  const history = await allPages(url, token, '/api/history', 'generations', limit);
  const sample = history.items[Math.floor(Math.random() * history.items.length)];
  for (const image of sample?.images ?? []) links.push(image.url, image.thumbnail_url);
  const favorites = await allPages(url, token, '/api/favorites', 'favorites', limit);
  const storage = await call(null, 'storage', url, token, 'GET', '/api/me/storage');
  return {
    history_total: history.total,
    history: history.items.map((g) => ({ job_id: g.job_id, created_at: g.created_at,
      prompt: g.prompt, image_count: g.image_count,
      images: g.images.map((i) => i.index).sort((a, b) => a - b) })),
    favorites_total: favorites.total,
    favorites: favorites.items.map((f) => `${f.job_id}/${f.image_index}`),
    total_images: storage.body?.total_images,
  };
}

function compareWithModel(user, m, v) {
  const where = `${user} (instance 1)`;
  const live = m.liveJobs().sort();
  const ids = v.history.map((g) => g.job_id);
  if (new Set(ids).size !== ids.length) find(`${where}: a job id appears twice in history`);
  if (v.history_total !== m.created - m.deletedCount) {
    find(`${where}: total_count ${v.history_total}, created ${m.created} - deleted ${m.deletedCount}`);
  }
  if (v.history_total !== ids.length) find(`${where}: total_count ${v.history_total}, listed ${ids.length}`);
  if ([...ids].sort().join() !== live.join()) {
    const extra = ids.filter((id) => !live.includes(id));
    const missing = live.filter((id) => !ids.includes(id));
    find(`${where}: history differs from the model: extra [${extra}] missing [${missing}]`);
  }
  for (const g of v.history) {
    const job = m.jobs.get(g.job_id);
    if (!job) continue;
    const want = [...job.images].sort((a, b) => a - b).join();
    if (g.images.join() !== want || g.image_count !== job.images.size) {
      find(`${where}: ${g.job_id} images [${g.images}], model [${want}]`);
    }
  }
  const sortedCreated = [...v.history].map((g) => g.created_at + g.job_id);
  if (sortedCreated.join() !== [...sortedCreated].sort().reverse().join()) {
    find(`${where}: history is not newest first`);
  }
  const favs = v.favorites;
  if (new Set(favs).size !== favs.length) find(`${where}: a favorite appears twice`);
  if (v.favorites_total !== favs.length) find(`${where}: favorites total_count ${v.favorites_total}, listed ${favs.length}`);
  const wantFavs = m.liveFavorites().join(' ');
  if ([...favs].sort().join(' ') !== wantFavs) {
    find(`${where}: favorites [${[...favs].sort().join(' ')}], model [${wantFavs}]`);
  }
  if (v.total_images !== m.liveImageCount()) {
    find(`${where}: total_images ${v.total_images}, model ${m.liveImageCount()}`);
  }
}

// The links an instance hands out must serve the image (a JPEG), whichever instance made them.
async function fetchLinks(user, links) {
  for (const link of links) {
    let status = 0;
    let type = '';
    let size = 0;
    try {
      const r = await fetch(link, { signal: AbortSignal.timeout(30000) });
      status = r.status;
      type = r.headers.get('content-type') ?? '';
      size = (await r.arrayBuffer()).byteLength;
    } catch (e) {
      type = e?.cause?.code ?? String(e);
    }
    linksFetched++;
    if (status !== 200 || type !== 'image/jpeg' || size === 0) {
      find(`${user}: link ${link.split('?')[0]} answered ${status} ${type} (${size} bytes)`);
    }
  }
}

async function checkUser(m, i) {
  const token = tokens.get(m.userId);
  const limit = [7, 20, 50, 200][i % 4];
  const views = [];
  const links = [];
  for (const [k, url] of urls.entries()) views.push(await view(url, token, limit, k === i % urls.length ? links : []));
  await fetchLinks(m.userId, links);
  const first = JSON.stringify(views[0]);
  views.forEach((v, k) => {
    if (JSON.stringify(v) !== first) find(`${m.userId}: instance ${k + 1} (${urls[k]}) differs from instance 1`);
  });
  if (m.tainted) {
    console.log(`check: ${m.userId}: model unsure after "${m.tainted}", compared across instances only`);
  } else {
    compareWithModel(m.userId, m, views[0]);
  }
  return views[0].history.map((g) => g.job_id);
}

const owner = new Map(); // job id -> user, over every job any model knows (deleted ones too)
for (const m of models) {
  for (const id of m.jobs.keys()) {
    if (owner.has(id)) find(`job id ${id} given to ${owner.get(id)} and ${m.userId}`);
    owner.set(id, m.userId);
  }
}

let next = 0;
let jobsSeen = 0;
let linksFetched = 0;
const workers = Array.from({ length: 8 }, async () => {
  while (next < models.length) {
    const i = next++;
    try {
      for (const id of await checkUser(models[i], i)) {
        jobsSeen++;
        if (owner.get(id) !== models[i].userId) find(`${models[i].userId} lists ${id} of ${owner.get(id)}`);
      }
    } catch (e) {
      find(`${models[i].userId}: ${e.message}`);
    }
  }
});
await Promise.all(workers);

for (const f of findings.slice(0, 30)) console.log(`  FINDING: ${f}`);
const created = models.reduce((n, m) => n + m.created, 0);
const favorites = models.reduce((n, m) => n + m.liveFavorites().length, 0);
console.log(`check: ${models.length} users x ${urls.length} instances: ${created} jobs created, ` +
  `${jobsSeen} live, ${favorites} favorites, ${linksFetched} links fetched; ` +
  `${findings.length} findings`);
process.exit(findings.length === 0 ? 0 : 1);
