// The client of bench/gallery_bytes.sh: fills a dev-mode `noisett serve` with uploads, waits for
// their renditions, and measures what the gallery page costs a browser in image bytes (Debian's
// chromium driven by playwright-core, as tests/web/gallery.test.mjs does).
//
//   node bench/gallery_bytes.mjs --mode upload --url URL --user NAME --files LIST [--wait 1]
//       uploads each file named in LIST (one path a line, in order: the last is the newest in
//       history), one job each, prompt = the file's name; prints `UPLOADS {json}` (upload
//       latencies); --wait 1 then polls history until no image's renditions are "pending".
//   node bench/gallery_bytes.mjs --mode page --url URL --user NAME [--scale 1] [--width 1280]
//       [--height 860]
//       opens the gallery signed in as NAME in a new browser context (an empty cache) at that
//       viewport and device scale factor, waits until the network is idle, reloads, waits again;
//       prints `PAGE {json}`: for the first visit and the reload, the image requests, those
//       answered over the network, their bytes (body, and on the wire with headers), by type.
//
// Bytes come from the browser's own network events (DevTools Protocol): Network.responseReceived
// (status, mimeType, from the disk cache), Network.requestServedFromCache (the memory cache) and
// Network.loadingFinished (encodedDataLength: the bytes received for the response, headers
// included); the body is the response's Content-Length. Only signed links (`/blobs/`) count:
// the page's own files (HTML, JS, CSS, the SVG icon) are the same in every configuration.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { exitWithParent, parseArgs } from '../tests/scaleout/args.mjs';

const opts = parseArgs(process.argv.slice(2), {
  mode: '', url: '', user: 'bench', files: '', wait: 0, scale: 1, width: 1280, height: 860,
  chromium: '/usr/bin/chromium',
});
exitWithParent();
if (!opts.url) throw new Error('--url is required');

async function devToken() {
  const r = await fetch(`${opts.url}/api/dev/token`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ user: opts.user }),
  });
  if (!r.ok) throw new Error(`POST /api/dev/token answered ${r.status} (is the server in --auth dev?)`);
  return r.json();
}

const TYPES = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.webp': 'image/webp' };

async function upload() {
  const { token } = await devToken();
  const files = readFileSync(opts.files, 'utf8').split('\n').filter(Boolean);
  const ms = [];
  for (const file of files) {
    const body = readFileSync(file);
    const prompt = encodeURIComponent(path.basename(file));
    const start = performance.now();
    const r = await fetch(`${opts.url}/api/images?prompt=${prompt}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream' },
      body,
    });
    ms.push(performance.now() - start);
    if (r.status !== 201) throw new Error(`upload of ${file} answered ${r.status}: ${await r.text()}`);
  }
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
  let waited = 0;
  if (opts.wait) waited = await waitForRenditions(token, files.length);
  console.log(`UPLOADS ${JSON.stringify({ count: ms.length, mean_ms: ms.reduce((a, b) => a + b, 0) / ms.length,
    p50_ms: at(50), max_ms: sorted.at(-1), renditions_wait_s: waited })}`);
}

// Every image of the user's history, page by page.
async function allImages(token) {
  const images = [];
  let cursor = '';
  do {
    const r = await fetch(`${opts.url}/api/history?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      { headers: { Authorization: `Bearer ${token}` } });
    if (!r.ok) throw new Error(`history answered ${r.status}`);
    const page = await r.json();
    for (const g of page.generations) images.push(...g.images);
    cursor = page.next_cursor || '';
  } while (cursor);
  return images;
}

// Seconds until no image is pending (at most 30 minutes); an image the worker could not make
// renditions for ends as "none", which the caller sees in the page's types.
async function waitForRenditions(token, count) {
  const start = performance.now();
  for (;;) {
    const images = await allImages(token);
    const pending = images.filter((i) => i.renditions === 'pending').length;
    if (images.length >= count && pending === 0) return (performance.now() - start) / 1000;
    if (performance.now() - start > 30 * 60_000) throw new Error(`${pending} images still pending after 30 minutes`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

// One load of the page: what the browser asked for and what came over the network.
function recorder(cdp) {
  const seen = new Map(); // requestId -> { type, status, cached, wire, body }
  cdp.on('Network.requestWillBeSent', (e) => {
    if (e.request.url.includes('/blobs/')) seen.set(e.requestId, { type: '?', status: 0, cached: false, wire: 0, body: 0 });
  });
  cdp.on('Network.requestServedFromCache', (e) => {
    if (seen.has(e.requestId)) seen.get(e.requestId).cached = true;
  });
  cdp.on('Network.responseReceived', (e) => {
    const r = seen.get(e.requestId);
    if (!r) return;
    const length = Object.entries(e.response.headers).find(([k]) => k.toLowerCase() === 'content-length');
    Object.assign(r, { type: e.response.mimeType, status: e.response.status, cached: r.cached || e.response.fromDiskCache,
      body: length ? Number(length[1]) : 0 });
  });
  cdp.on('Network.loadingFinished', (e) => {
    const r = seen.get(e.requestId);
    if (r) r.wire = e.encodedDataLength;
  });
  return {
    reset: () => seen.clear(),
    summary() {
      const network = [...seen.values()].filter((r) => !r.cached && r.status === 200);
      const byType = {};
      for (const r of network) {
        const t = (byType[r.type] ??= { count: 0, body: 0 });
        t.count += 1;
        t.body += r.body;
      }
      return {
        requests: seen.size,
        network: network.length,
        body: network.reduce((a, r) => a + r.body, 0),
        wire: network.reduce((a, r) => a + r.wire, 0),
        byType,
      };
    },
  };
}

async function settle(page) {
  await page.waitForFunction(() => document.querySelector('#grid')?.getAttribute('aria-busy') === 'false'
    && document.querySelectorAll('#grid > li.tile img').length > 0, null, { timeout: 30_000 });
  // No request for 500 ms: every image the page asked for without scrolling has arrived.
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(300);
}

async function measurePage() {
  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch {
    throw new Error('playwright-core is missing: npm ci at the repository root (scripts/setup.sh)');
  }
  const session = await devToken();
  const browser = await chromium.launch({ executablePath: opts.chromium, headless: true, args: [
    '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'] });
  try {
    const context = await browser.newContext({ viewport: { width: opts.width, height: opts.height },
      deviceScaleFactor: opts.scale });
    // The page finds a signed-in session (web/js/auth.js's sessionStorage entry), as after a
    // dev sign-in: the gallery is what the first visit shows.
    await context.addInitScript((s) => {
      if (!sessionStorage.getItem('noisett.session')) sessionStorage.setItem('noisett.session', s);
    }, JSON.stringify({ token: session.token, user: session.user, expires_at: Date.now() + 3_600_000 }));
    const page = await context.newPage();
    const errors = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    const rec = recorder(cdp);
    await page.goto(`${opts.url}/`);
    await settle(page);
    const tiles = await page.locator('#grid > li.tile:not(.pending)').count();
    const first = rec.summary();
    // A repeat visit a second later, within the same link bucket (docs/api.md "Signed links").
    rec.reset();
    await page.waitForTimeout(1000);
    await page.reload();
    await settle(page);
    const repeat = rec.summary();
    if (errors.length) throw new Error(`console errors: ${errors.join('; ')}`);
    console.log(`PAGE ${JSON.stringify({ scale: opts.scale, tiles, first, repeat })}`);
  } finally {
    await browser.close();
  }
}

if (opts.mode === 'upload') await upload();
else if (opts.mode === 'page') await measurePage();
else throw new Error('--mode upload or --mode page');
process.exit(0);
