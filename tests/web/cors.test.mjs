// CORS in a real browser (docs/api.md "CORS"): Debian's chromium, driven by playwright-core,
// loads a page from one loopback origin and calls a `noisett serve --auth dev` on another.
//
//   listed origin (http://127.0.0.1:P2, given to --cors-origins): a dev token (a JSON POST, so a
//   preflight), GET /api/history with Authorization: Bearer, and a generated image's signed link
//   drawn into a canvas through <img crossorigin="anonymous"> and read back with getImageData:
//   all succeed.
//   unlisted origin (http://127.0.0.1:P3): the same fetch rejects (the browser withholds the
//   answer), the crossorigin image fails to load, and the same image without crossorigin taints
//   the canvas (getImageData throws SecurityError).
//   null origin (a sandboxed iframe, as a Figma plugin's): refused, then served by a second
//   server started with --cors-origins null.
//
//   NOISETT_BIN=build/release/bin/noisett node tests/web/cors.test.mjs
//
// Environment: NOISETT_BIN (required), CHROMIUM (default /usr/bin/chromium). Exit status 1 on the
// first failure, with the server's log.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";

const bin = process.env.NOISETT_BIN;
const chromiumPath = process.env.CHROMIUM || "/usr/bin/chromium";
const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
  "--disable-component-update", "--disable-sync"];

let serverLog = "";
const cleanups = [];

function check(condition, message) {
  if (!condition) throw new Error(message);
}

// A page server on a free loopback port, serving one empty HTML page; resolves to its origin.
// Started before noisett, whose --cors-origins must name the listed one.
async function startPageServer(title) {
  const server = createServer((req, res) => {
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
    res.end(`<!doctype html><title>${title}</title>`);
  });
  cleanups.push(() => new Promise((r) => server.close(r)));
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${server.address().port}`;
}

function startNoisett(corsOrigins) {
  const dataDir = mkdtempSync(path.join(tmpdir(), "noisett-cors-"));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(NOISETT_|AZURE_)/.test(k)));
  const server = spawn(bin, ["serve", "--auth", "dev", "--data-dir", dataDir, "--listen", "127.0.0.1:0",
    "--cors-origins", corsOrigins, "--web-dir", "off", "--lifecycle-interval", "off", "--renditions", "none"],
  { env, stdio: ["ignore", "pipe", "pipe"] });
  cleanups.push(async () => {
    if (server.exitCode !== null || server.signalCode !== null) return;
    const exited = new Promise((r) => server.once("exit", r));
    server.kill("SIGTERM");
    await exited;
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no start-up line in 15 s")), 15_000);
    let log = "";
    const onData = (chunk) => {
      serverLog += chunk;
      log += chunk;
      const m = /noisett serving on (http:\/\/127\.0\.0\.1:\d+)/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    server.stdout.on("data", onData);
    server.stderr.on("data", onData);
    server.on("exit", (code, signal) => reject(new Error(`noisett serve exited (${code ?? signal})`)));
  });
}

// In the page (or frame): a dev token, then the history with it, both cross-origin. Returns what
// the history answered, or the error met.
async function callApi(page, api) {
  return page.evaluate(async (api) => {
    const out = {};
    try {
      const tokenAnswer = await fetch(`${api}/api/dev/token`, {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ user: "cors" }),
      });
      const { token } = await tokenAnswer.json();
      const auth = { Authorization: `Bearer ${token}` };
      const history = await fetch(`${api}/api/history`, { headers: auth });
      out.history = { status: history.status, requestId: history.headers.get("X-Request-Id"),
        generations: (await history.json()).generations.length };
    } catch (e) {
      out.historyError = String(e);
    }
    return out;
  }, api);
}

// In the page: `link` drawn into a canvas, read back; "ok:R,G,B,A" or what failed.
async function drawIntoCanvas(page, link, crossOrigin) {
  return page.evaluate(async ({ link, crossOrigin }) => {
    const img = new Image();
    if (crossOrigin) img.crossOrigin = "anonymous";
    const loaded = await new Promise((resolve) => {
      img.onload = () => resolve(true);
      img.onerror = () => resolve(false);
      img.src = link;
    });
    if (!loaded) return "load failed";
    const canvas = document.createElement("canvas");
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const ctx = canvas.getContext("2d");
    ctx.drawImage(img, 0, 0);
    try {
      const px = ctx.getImageData(0, 0, 1, 1).data;
      return `ok:${Array.from(px).join(",")}`;
    } catch (e) {
      return `tainted:${e.name}`;
    }
  }, { link, crossOrigin });
}

// A sandboxed iframe (an opaque origin: its requests say Origin: null) in a page of `origin`.
async function sandboxedFrame(page, origin) {
  await page.goto(`${origin}/`);
  await page.setContent('<iframe sandbox="allow-scripts" srcdoc="<title>sandboxed</title>"></iframe>');
  const frame = page.frames().find((f) => f !== page.mainFrame());
  check(frame, "no sandboxed frame");
  await frame.waitForLoadState();
  return frame;
}

async function run() {
  check(bin && existsSync(bin), `NOISETT_BIN (${bin}) is not the noisett binary`);
  check(existsSync(chromiumPath), `${chromiumPath} not found: apt-get install chromium`);
  const { chromium } = await import("playwright-core");

  const listed = await startPageServer("listed origin");
  const unlisted = await startPageServer("unlisted origin");
  const api = await startNoisett(listed);

  // A generated image to draw (from node: same for both pages).
  const token = (await (await fetch(`${api}/api/dev/token`, {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ user: "cors" }),
  })).json()).token;
  const generated = await fetch(`${api}/api/generate`, {
    method: "POST", headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ prompt: "a canvas", count: 1, wait: true }),
  });
  check(generated.status === 201, `generate answered ${generated.status}`);
  const link = (await generated.json()).images[0].thumbnail_url;
  check(link && link.startsWith(`${api}/blobs/`), `no signed link in the job: ${link}`);

  const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: CHROMIUM_ARGS });
  cleanups.unshift(() => browser.close());
  const page = await (await browser.newContext()).newPage();

  await page.goto(`${listed}/`);
  const fromListed = await callApi(page, api);
  check(fromListed.history?.status === 200, `listed origin: history ${JSON.stringify(fromListed)}`);
  check(fromListed.history.generations === 1, `listed origin: ${JSON.stringify(fromListed)}`);
  check(fromListed.history.requestId, "listed origin: X-Request-Id is not exposed");
  const listedCanvas = await drawIntoCanvas(page, link, true);
  check(listedCanvas.startsWith("ok:"), `listed origin: canvas ${listedCanvas}`);
  console.log(`PASS listed origin ${listed}: token, history (${fromListed.history.status}), canvas ${listedCanvas}`);

  await page.goto(`${unlisted}/`);
  const fromUnlisted = await callApi(page, api);
  check(!fromUnlisted.history && /TypeError/.test(fromUnlisted.historyError),
    `unlisted origin: the API answer reached the page: ${JSON.stringify(fromUnlisted)}`);
  const withCors = await drawIntoCanvas(page, link, true);
  check(withCors === "load failed", `unlisted origin: crossorigin image ${withCors}`);
  const withoutCors = await drawIntoCanvas(page, link, false);
  check(withoutCors === "tainted:SecurityError", `unlisted origin: canvas ${withoutCors}`);
  console.log(`PASS unlisted origin ${unlisted}: fetch rejected, crossorigin image refused, canvas tainted`);

  // A sandboxed frame (as a Figma plugin runs in) sends Origin: null: refused unless listed.
  const frame = await sandboxedFrame(page, listed);
  const nullRefused = await callApi(frame, api);
  check(!nullRefused.history, `null origin, not listed: ${JSON.stringify(nullRefused)}`);
  const apiForNull = await startNoisett("null");
  const nullListed = await callApi(frame, apiForNull);
  check(nullListed.history?.status === 200, `null origin, listed: ${JSON.stringify(nullListed)}`);
  console.log("PASS null origin (a sandboxed frame): refused, then served once listed");
}

let status = 0;
const started = Date.now();
try {
  await run();
} catch (e) {
  status = 1;
  console.log(`FAIL ${e.message}\n--- noisett serve log ---\n${serverLog.slice(-4000)}`);
} finally {
  for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => {});
}
console.log(`${status ? "failed" : "passed"} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(status);
