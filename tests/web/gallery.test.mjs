// The gallery in a real browser: Debian's chromium driven by playwright-core against a real
// `noisett serve --auth dev` on loopback, then a `noisett serve --auth required` with a stand-in
// for Entra ID (see startEntraServer). Each step prints PASS or FAIL; the first failure stops
// the run (later steps build on earlier ones) and the exit status is 1. docs/web.md lists the
// steps.
//
//   NOISETT_BIN=build/release/bin/noisett node tests/web/gallery.test.mjs
//
// Environment: NOISETT_BIN (required), NOISETT_WEB_SCREENSHOTS (where screenshots go; default
// ./web-screenshots under the working directory, which under ctest is the build's tests/ dir),
// CHROMIUM (default /usr/bin/chromium), NOISETT_WEB_DIR (default: this source tree's web/).
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ENTRA, createEntraStandIn } from "./entra_stand_in.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const bin = process.env.NOISETT_BIN;
const webDir = process.env.NOISETT_WEB_DIR || path.resolve(here, "../../web");
const shotDir = path.resolve(process.env.NOISETT_WEB_SCREENSHOTS || "web-screenshots");
const chromiumPath = process.env.CHROMIUM || "/usr/bin/chromium";
const DESKTOP = { width: 1280, height: 860 };
const PHONE = { width: 390, height: 844 };

// What this machine needs (docs/web.md): no downloads, no GPU, no network beyond loopback.
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const servers = []; // every `noisett serve` started, stopped at the end whatever happens
let serverLog = "";
let browser = null;
let page = null; // the dev-mode page (a failure is screenshotted)
const dataDirs = [];
let failed = false;

// ---- the server -------------------------------------------------------------------------------

// The caller's environment without settings that would change the server under test (a store,
// a catalog, an auth mode or tenant left exported by another suite or by hand).
function serverEnv() {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(NOISETT_|AZURE_)/.test(k)));
}

// Starts `noisett serve --auth MODE ...` on a free loopback port; resolves to its base URL, read
// from its start-up line ("noisett serving on http://127.0.0.1:PORT", on stderr).
function startServer(authArgs) {
  const dataDir = mkdtempSync(path.join(tmpdir(), "noisett-web-"));
  dataDirs.push(dataDir);
  const server = spawn(bin, ["serve", ...authArgs, "--data-dir", dataDir, "--listen", "127.0.0.1:0"], {
    env: { ...serverEnv(), NOISETT_WEB_DIR: webDir, NOISETT_GENERATOR: "noise", NOISETT_LIFECYCLE_INTERVAL: "off" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  servers.push(server);
  let log = "";
  server.stdout.on("data", (c) => (serverLog += c));
  server.stderr.on("data", (c) => (serverLog += c));
  server.on("exit", (code, signal) => {
    serverLog += `\n[noisett serve exited: ${code ?? signal}]\n`;
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start-up line in 20 s; log:\n${log}`)), 20_000);
    const onData = (chunk) => {
      log += chunk;
      const m = /noisett serving on (http:\/\/127\.0\.0\.1:\d+)/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    server.stdout.on("data", onData);
    server.stderr.on("data", onData);
    server.on("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`noisett serve exited (${code ?? signal}); log:\n${log}`));
    });
    server.on("error", (e) => reject(new Error(`cannot start ${bin}: ${e.message}`)));
  });
}

// SIGTERM (a graceful stop: exit status 0 — under ASan also no leak report), SIGKILL after 5 s.
// Resolves to how it ended: 0, another status, or a signal name.
async function stopServer(server) {
  if (server.exitCode === null && server.signalCode === null) {
    const exited = new Promise((r) => server.once("exit", r));
    server.kill("SIGTERM");
    const timer = setTimeout(() => server.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(timer);
  }
  return server.exitCode ?? server.signalCode;
}

// ---- steps and console checks -------------------------------------------------------------------

let currentStep = "start";
let allowed = []; // RegExps for console messages a step provokes on purpose (a 401, a 404)
const problems = [];

function watch(page) {
  page.on("console", (msg) => {
    if (msg.type() !== "error" && msg.type() !== "warning") return;
    const text = `${msg.type()}: ${msg.text()} (${msg.location().url || "?"})`;
    const i = allowed.findIndex((re) => re.test(msg.text()));
    if (i >= 0) allowed.splice(i, 1);
    else problems.push(`[${currentStep}] console ${text}`);
  });
  page.on("pageerror", (err) => problems.push(`[${currentStep}] page error: ${err.message}`));
}

async function step(name, fn) {
  currentStep = name;
  allowed = [];
  const t0 = Date.now();
  try {
    await fn();
    if (problems.length) throw new Error(`console errors or warnings:\n  ${problems.join("\n  ")}`);
    console.log(`PASS ${name} (${Date.now() - t0} ms)`);
  } catch (error) {
    if (problems.length && !/console errors/.test(error.message)) {
      error.message += `\n  console:\n  ${problems.join("\n  ")}`;
    }
    console.log(`FAIL ${name}: ${error.message}`);
    failed = true;
    throw error;
  }
}

class CheckFailed extends Error {}

function check(condition, message) {
  if (!condition) throw new CheckFailed(message);
}

// ---- page helpers ---------------------------------------------------------------------------------

const TILES = "#grid > li.tile:not(.pending):not([hidden])";

async function tileCount(page) {
  return page.locator(TILES).count();
}

// Waits until exactly n tiles are shown and every one's thumbnail has decoded (naturalWidth > 0).
async function waitForThumbnails(page, n) {
  await page.waitForFunction(
    ([sel, want]) => {
      const imgs = [...document.querySelectorAll(`${sel} img`)];
      return imgs.length === want && imgs.every((i) => i.complete && i.naturalWidth > 0);
    },
    [TILES, n],
    { timeout: 15_000 },
  );
}

// Per tile: the file the browser chose from its <picture> (currentSrc), that file's type and
// width descriptor (from the <source> or <img> srcset it came from), its width in pixels (decoded
// again from the cache: an <img>'s naturalWidth is divided by the candidate's density) and the
// width it is drawn at, in CSS px.
async function tilePictures(page, sel = `${TILES} .thumb`) {
  return page.locator(sel).evaluateAll((thumbs) =>
    Promise.all(thumbs.map(async (thumb) => {
      const img = thumb.querySelector("img");
      const candidates = new Map();
      for (const node of thumb.querySelectorAll("picture > source, picture > img")) {
        const type = node.type || "image/jpeg";
        for (const part of (node.getAttribute("srcset") || "").split(/,\s+/)) {
          const [url, w] = part.trim().split(/\s+/);
          if (url) candidates.set(new URL(url, location.href).href, { type, w: parseInt(w, 10) });
        }
      }
      // A tile without renditions yet has its thumbnail as `src` alone (no JPEG srcset).
      const src = img.getAttribute("src");
      if (src && !candidates.has(new URL(src, location.href).href)) {
        candidates.set(new URL(src, location.href).href, { type: "image/jpeg", w: 256 });
      }
      const chosen = candidates.get(img.currentSrc) || { type: "?", w: 0 };
      let natural = 0;
      if (img.currentSrc && img.complete) {
        const pixels = new Image();
        pixels.src = img.currentSrc;
        await pixels.decode();
        natural = pixels.naturalWidth;
      }
      return {
        src: img.currentSrc,
        type: chosen.type,
        w: chosen.w,
        natural,
        css: img.getBoundingClientRect().width,
        urls: [...candidates.keys()],
      };
    })),
  );
}

// Polls the user's first history page until `n` images have their renditions made (the server's
// background worker, one image at a time: a second or more per 1024 px image on 2 cores).
async function renditionsReady(base, token, n, timeoutMs = 45_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const page = await (await fetch(`${base}/api/history?limit=50`, { headers: { Authorization: `Bearer ${token}` } })).json();
    const images = page.generations.flatMap((g) => g.images);
    const ready = images.filter((i) => i.renditions === "ready").length;
    if (images.length >= n && ready === images.length) return images;
    if (Date.now() > deadline) throw new CheckFailed(`${ready} of ${images.length} images have renditions after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const tokenOf = (page) => page.evaluate(() => JSON.parse(sessionStorage.getItem("noisett.session")).token);

async function signIn(page, user) {
  await page.locator("#dev-user").fill(user);
  await page.getByRole("button", { name: "Dev sign-in" }).click();
  await page.locator("#user-name").filter({ hasText: user }).waitFor({ timeout: 10_000 });
  await page.waitForFunction(() => document.querySelector("#grid").getAttribute("aria-busy") === "false");
}

// The page's width against the viewport's, and any visible element reaching past the right edge
// (which overflow: hidden somewhere above would clip rather than scroll).
async function noHorizontalOverflow(page) {
  return page.evaluate(() => {
    const inner = window.innerWidth;
    const past = [...document.querySelectorAll("body *")]
      .filter((e) => e.getClientRects().length && e.getBoundingClientRect().right > inner + 0.5)
      .map((e) => `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ""}.${e.className}`);
    return { scroll: document.documentElement.scrollWidth, inner, past };
  });
}

// ---- the run ----------------------------------------------------------------------------------------

async function run() {
  let chromium;
  await step("prerequisites: NOISETT_BIN, /usr/bin/chromium, playwright-core", async () => {
    check(bin && existsSync(bin), `NOISETT_BIN (${bin}) is not the noisett binary`);
    check(existsSync(chromiumPath), `${chromiumPath} not found: apt-get install chromium (scripts/setup.sh)`);
    try {
      ({ chromium } = await import("playwright-core"));
    } catch {
      throw new Error("playwright-core is missing: npm ci at the repository root (scripts/setup.sh)");
    }
  });
  mkdirSync(shotDir, { recursive: true });
  let base;
  await step("server starts (serve --auth dev on 127.0.0.1:0)", async () => {
    // The history step makes 12 jobs at once: above the free tier's 2 concurrent jobs.
    base = await startServer(["--auth", "dev", "--generate-quotas", "free=16/1000"]);
  });

  await step("GET /api/config says dev mode; /api/dev/token exists", async () => {
    const config = await (await fetch(`${base}/api/config`)).json();
    check(config.auth_mode === "dev", `auth_mode ${config.auth_mode}`);
    const bad = await fetch(`${base}/api/dev/token`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ user: "no spaces/allowed" }),
    });
    check(bad.status === 400, `a bad user name answered ${bad.status}, not 400`);
  });

  browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: CHROMIUM_ARGS });
  const context = await browser.newContext({ viewport: DESKTOP });
  page = await context.newPage();
  watch(page);

  await step("page loads with its CSP and offers dev sign-in", async () => {
    const response = await page.goto(`${base}/`);
    check(response.ok(), `GET / answered ${response.status()}`);
    const csp = response.headers()["content-security-policy"] || "";
    check(/script-src 'self'/.test(csp), `no script-src 'self' in the CSP: "${csp}"`);
    await page.locator("#dev-signin").waitFor({ state: "visible" });
  });

  await step("dev sign-in as alice: empty history", async () => {
    await signIn(page, "alice");
    check((await tileCount(page)) === 0, "alice already has images");
    await page.locator("#empty").waitFor({ state: "visible" });
  });

  let aliceJob;
  await step("generate 2 images: placeholders with aria-busy, then both thumbnails load", async () => {
    // The noise generator is fast: record placeholders as they are added rather than race them.
    await page.evaluate(() => {
      window.__sawPending = false;
      new MutationObserver(() => {
        if (document.querySelector("#grid li.pending[aria-busy='true'] .spinner")) window.__sawPending = true;
      }).observe(document.querySelector("#grid"), { childList: true });
    });
    await page.locator("#prompt").fill("A lighthouse on a cliff at dusk, watercolor");
    check((await page.locator("#count").inputValue()) === "2", "count does not default to 2");
    const generated = page.waitForResponse((r) => r.url().endsWith("/api/generate"));
    await page.getByRole("button", { name: "Generate" }).click();
    const response = await generated;
    check(response.status() === 202, `POST /api/generate answered ${response.status()}`);
    aliceJob = (await response.json()).job_id;
    await waitForThumbnails(page, 2);
    check(await page.evaluate(() => window.__sawPending), "no placeholder tiles were shown");
    check((await page.locator("#grid li.pending").count()) === 0, "placeholders left behind");
    const alts = await page.locator(`${TILES} img`).evaluateAll((imgs) => imgs.map((i) => i.alt));
    check(alts.every((a) => a.startsWith("A lighthouse")), `alt texts ${JSON.stringify(alts)}`);
    check(/\d+ images? ·/.test(await page.locator("#storage").innerText()), "no storage usage shown");
  });

  await step("each tile paints its ThumbHash placeholder, of its thumbnail's colours", async () => {
    // Mean colour of the placeholder (a data: URL behind the tile) and of the thumbnail, each
    // drawn into a canvas in the page; the placeholder is a blur of the thumbnail, so they agree.
    const means = await page.locator(`${TILES} .thumb`).evaluateAll(async (thumbs) => {
      const mean = async (src) => {
        const image = new Image();
        image.src = src;
        await image.decode();
        const canvas = document.createElement("canvas");
        canvas.width = 16;
        canvas.height = 16;
        const ctx = canvas.getContext("2d");
        ctx.drawImage(image, 0, 0, 16, 16);
        const d = ctx.getImageData(0, 0, 16, 16).data;
        const sum = [0, 0, 0];
        for (let i = 0; i < d.length; i += 4) for (let c = 0; c < 3; c++) sum[c] += d[i + c];
        return sum.map((s) => s / 256);
      };
      return Promise.all(thumbs.map(async (b) => {
        const url = /url\("?(data:image\/png[^")]+)"?\)/.exec(getComputedStyle(b).backgroundImage);
        if (!url) return null;
        return { placeholder: await mean(url[1]), thumbnail: await mean(b.querySelector("img").currentSrc) };
      }));
    });
    check(means.length === 2, `${means.length} tiles`);
    for (const m of means) {
      check(m !== null, "a tile has no ThumbHash placeholder");
      const off = Math.max(...m.placeholder.map((v, c) => Math.abs(v - m.thumbnail[c])));
      check(off < 24, `placeholder mean ${m.placeholder.map(Math.round)} vs thumbnail ${m.thumbnail.map(Math.round)}`);
    }
  });

  await step("favorite one image; after a reload its heart is still pressed", async () => {
    const first = page.locator(TILES).first();
    const index = await first.getAttribute("data-index");
    const put = page.waitForResponse((r) => r.request().method() === "PUT" && r.url().includes("/api/favorites/"));
    await first.getByRole("button", { name: "Favorite" }).click();
    check((await put).ok(), "PUT /api/favorites failed");
    await page.reload();
    await waitForThumbnails(page, 2);
    const pressed = await page
      .locator(TILES)
      .evaluateAll((tiles) => tiles.map((t) => [t.dataset.index, t.querySelector(".heart").getAttribute("aria-pressed")]));
    const on = pressed.filter(([, p]) => p === "true").map(([i]) => i);
    check(on.length === 1 && on[0] === index, `pressed hearts after reload: ${JSON.stringify(pressed)}`);
    check((await page.locator("#user-name").innerText()) === "alice", "the reload lost the session");
  });

  await step("Favorites view shows exactly that image", async () => {
    await page.getByRole("button", { name: "Favorites" }).click();
    await waitForThumbnails(page, 1);
    check((await page.locator("#view-favorites").getAttribute("aria-pressed")) === "true", "tab not pressed");
    check((await page.locator(TILES).first().getAttribute("data-job")) === aliceJob, "another job in Favorites");
    await page.getByRole("button", { name: "History" }).click();
    await waitForThumbnails(page, 2);
  });

  await step("delete the job: gone; Undo brings it back (also after a reload)", async () => {
    // Its renditions are made first (the next steps need them too): if the job is deleted while
    // the server makes one, that image stays "pending" after the restore until the worker's
    // sweep, minutes later.
    await renditionsReady(base, await tokenOf(page), 2);
    const deleted = page.waitForResponse((r) => r.request().method() === "DELETE" && r.url().includes("/api/history/"));
    await page.locator(TILES).first().getByRole("button", { name: "Delete generation" }).click();
    check((await deleted).ok(), "DELETE /api/history failed");
    check((await tileCount(page)) === 0, "tiles still shown after delete");
    check((await page.locator("#total").innerText()) === "0 generations", "the count did not go down");
    await page.locator("#toast").waitFor({ state: "visible" });
    check(await page.evaluate(() => document.activeElement.id === "toast-undo"), "focus is not on Undo");
    const restored = page.waitForResponse((r) => r.url().endsWith("/restore"));
    await page.getByRole("button", { name: "Undo" }).click();
    check((await restored).ok(), "restore failed");
    await waitForThumbnails(page, 2);
    check((await page.locator("#total").innerText()) === "1 generation", "the count did not come back");
    await page.reload();
    await waitForThumbnails(page, 2);
  });

  // Renditions (issue 23): once the server has made them, every listing hands each image out as
  // <picture> sources, and the browser picks by the tile's real width and the screen's density.
  await step("renditions: once made, each tile shows its 256 px AVIF at 1x (not a JPEG, not a wider one)", async () => {
    await renditionsReady(base, await tokenOf(page), 2);
    await page.reload();
    await waitForThumbnails(page, 2);
    const tiles = await tilePictures(page);
    check(tiles.length === 2, `${tiles.length} tiles`);
    for (const t of tiles) {
      check(t.type === "image/avif", `a tile shows ${t.type} (${t.src})`);
      check(t.w === 256 && t.natural === 256, `a ${t.css} px tile at 1x took the ${t.w}w candidate (decoded ${t.natural} px)`);
      check(t.natural >= t.css, `a ${t.css} px tile shows a ${t.natural} px image`);
    }
  });

  await step("renditions at deviceScaleFactor 2: each tile's AVIF is at least twice its CSS width; the lightbox takes the widest", async () => {
    const context = await browser.newContext({ viewport: DESKTOP, deviceScaleFactor: 2 });
    try {
      const hi = await context.newPage();
      watch(hi);
      await hi.goto(`${base}/`);
      await signIn(hi, "alice");
      await waitForThumbnails(hi, 2);
      const tiles = await tilePictures(hi);
      check(tiles.length === 2, `${tiles.length} tiles`);
      for (const t of tiles) {
        check(t.type === "image/avif", `a tile shows ${t.type} (${t.src})`);
        check(t.natural >= 2 * t.css, `a ${t.css} px tile at 2x shows a ${t.natural} px image (${t.w}w)`);
        check(t.w === 512, `a ${t.css} px tile at 2x took the ${t.w}w candidate, not the narrowest sharp one (512w)`);
      }
      // The detail view: 680 px wide at 1280 x 860; these 1024 px images' widest AVIF is 1024.
      await hi.locator(`${TILES} .thumb`).first().click();
      await hi.waitForFunction(() => {
        const img = document.querySelector("#lightbox-img");
        return img.complete && img.naturalWidth > 0;
      });
      const [big] = await tilePictures(hi, "#lightbox");
      check(big.type === "image/avif" && big.w === 1024, `the lightbox shows ${big.type} ${big.w}w (${big.src})`);
      check(big.css > 600 && big.css <= 1024, `the lightbox draws it ${big.css} px wide`);
    } finally {
      await context.close();
    }
  });

  await step("a reload downloads no image again: the same AVIF links in each <picture>, answered by the browser's cache", async () => {
    // The browser's own network events (Chrome DevTools Protocol): bytes of every /blobs/ answer
    // that came over the wire with a body. A link that changed between the two history answers
    // would be a new URL, fetched again; a 304 or a cache hit carries no image bytes.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Network.enable");
    const blobs = new Map(); // requestId -> { url, status, cached }
    cdp.on("Network.requestWillBeSent", (e) => {
      if (e.request.url.includes("/blobs/")) blobs.set(e.requestId, { url: e.request.url, cached: false });
    });
    cdp.on("Network.requestServedFromCache", (e) => {
      if (blobs.has(e.requestId)) blobs.get(e.requestId).cached = true;
    });
    cdp.on("Network.responseReceived", (e) => {
      const b = blobs.get(e.requestId);
      if (b) Object.assign(b, { status: e.response.status, cached: b.cached || e.response.fromDiskCache });
    });
    let imageBytes = 0;
    cdp.on("Network.loadingFinished", (e) => {
      const b = blobs.get(e.requestId);
      if (b && b.status === 200 && !b.cached) imageBytes += e.encodedDataLength;
    });
    const sources = () => page.locator(`${TILES} img`).evaluateAll((imgs) => imgs.map((i) => i.currentSrc).sort());
    const before = await sources();
    check(before.every((u) => new URL(u).pathname.endsWith(".avif")), `not every tile shows its AVIF: ${before.join(" ")}`);
    // Links signed a second later would differ but for the link bucket (1 h): let a second pass
    // (and never straddle a bucket's end, where they differ by design).
    const toNextHour = 3_600_000 - (Date.now() % 3_600_000);
    await page.waitForTimeout(toNextHour < 5000 ? toNextHour + 1200 : 1200);
    await page.reload();
    await waitForThumbnails(page, 2);
    const after = await sources();
    await cdp.detach();
    check(JSON.stringify(before) === JSON.stringify(after), "the reload's history answer gave other links");
    check(imageBytes === 0, `the reload downloaded ${imageBytes} bytes of images again`);
    const network = [...blobs.values()].filter((b) => b.status === 200 && !b.cached).length;
    console.log(`    reload: ${after.length} thumbnails shown, ${blobs.size} image requests seen, ${network} from the network`);
  });

  await step("keyboard: Tab reaches the prompt and Generate; Shift+Enter is a newline, Enter generates", async () => {
    await page.locator("body").click({ position: { x: 2, y: 400 } });
    const reached = new Set();
    for (let i = 0; i < 30 && !(reached.has("prompt") && reached.has("generate")); i += 1) {
      await page.keyboard.press("Tab");
      reached.add(await page.evaluate(() => document.activeElement.id));
    }
    check(reached.has("prompt") && reached.has("generate"), `Tab reached only ${[...reached].join(", ")}`);
    await page.locator("#prompt").focus();
    await page.keyboard.type("Moss on old stones");
    await page.keyboard.press("Shift+Enter");
    await page.keyboard.type("macro photo");
    check((await page.locator("#prompt").inputValue()) === "Moss on old stones\nmacro photo", "Shift+Enter did not add a line");
    const generated = page.waitForResponse((r) => r.url().endsWith("/api/generate"));
    await page.keyboard.press("Enter");
    check((await generated).status() === 202, "Enter did not generate");
    await waitForThumbnails(page, 4);
    check((await page.locator("#prompt").inputValue()) === "", "the prompt was not cleared");
  });

  await step("lightbox: Enter on a thumbnail opens the full image; Escape closes it", async () => {
    const thumb = page.locator(`${TILES} .thumb`).first();
    await thumb.focus();
    await page.keyboard.press("Enter");
    await page.locator("#lightbox").waitFor({ state: "visible" });
    await page.waitForFunction(() => {
      const img = document.querySelector("#lightbox-img");
      return img.complete && img.naturalWidth > 0;
    });
    const src = await page.locator("#lightbox-img").evaluate((img) => img.currentSrc);
    check(/sig=/.test(src), `the full image is not a signed link: ${src}`);
    await page.keyboard.press("Escape");
    await page.locator("#lightbox").waitFor({ state: "hidden" });
    check(await thumb.evaluate((b) => b === document.activeElement), "focus did not return to the thumbnail");
  });

  await step("generate 4 images at high quality (the count and quality selects)", async () => {
    await page.locator("#prompt").fill("Northern lights over a frozen lake, long exposure");
    await page.locator("#count").selectOption("4");
    await page.locator("#quality").selectOption("high");
    const generated = page.waitForResponse((r) => r.url().endsWith("/api/generate"));
    await page.getByRole("button", { name: "Generate" }).click();
    const response = await generated;
    const sent = JSON.parse(response.request().postData());
    check(sent.count === 4 && sent.quality === "high", `sent ${JSON.stringify(sent)}`);
    check((await response.json()).images.length === 4, "the job does not have 4 images");
    await waitForThumbnails(page, 8);
    const heart = page.locator(TILES).nth(1).getByRole("button", { name: "Favorite" });
    await heart.click();
    await page.waitForFunction((sel) => document.querySelectorAll(sel)[1].querySelector(".heart").getAttribute("aria-pressed") === "true" && !document.querySelectorAll(sel)[1].querySelector(".heart").disabled, TILES);
  });

  await step("desktop screenshot", async () => {
    await page.evaluate(() => {
      document.activeElement.blur();
      window.scrollTo(0, 0);
    });
    await page.screenshot({ path: path.join(shotDir, "gallery-desktop.png"), animations: "disabled" });
    await page.screenshot({ path: path.join(shotDir, "gallery-desktop-full.png"), animations: "disabled", fullPage: true });
  });

  await step("phone width 390 px: no horizontal scroll", async () => {
    await page.setViewportSize(PHONE);
    await page.waitForTimeout(100);
    const { scroll, inner, past } = await noHorizontalOverflow(page);
    check(scroll <= inner, `scrollWidth ${scroll} > innerWidth ${inner}`);
    check(past.length === 0, `elements past the right edge: ${past.slice(0, 5).join(", ")}`);
    await page.screenshot({ path: path.join(shotDir, "gallery-phone.png"), animations: "disabled" });
    await page.screenshot({ path: path.join(shotDir, "gallery-phone-full.png"), animations: "disabled", fullPage: true });
    await page.setViewportSize(DESKTOP);
  });

  await step("history pages: 12 more generations load as the page scrolls (next_cursor)", async () => {
    const { token } = await page.evaluate(() => JSON.parse(sessionStorage.getItem("noisett.session")));
    const made = [];
    for (let i = 0; i < 12; i += 1) {
      made.push(
        fetch(`${base}/api/generate`, {
          method: "POST",
          headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
          body: JSON.stringify({ prompt: `Scroll test ${i + 1}`, count: 2, quality: "low", wait: true }),
        }).then((r) => r.status),
      );
    }
    const statuses = await Promise.all(made);
    check(statuses.every((st) => st === 201), `generate answered ${statuses}`);
    await page.reload();
    // One page: the 12 newest generations (tiles, not decoded images: the lower ones are lazy).
    await page.waitForFunction((sel) => document.querySelectorAll(sel).length >= 24, TILES);
    await page.waitForTimeout(200);
    check((await tileCount(page)) === 24, `${await tileCount(page)} tiles before scrolling, not 24`);
    check((await page.locator("#total").innerText()) === "15 generations", "total_count not shown");
    await page.locator("#sentinel").scrollIntoViewIfNeeded();
    await page.waitForFunction((sel) => document.querySelectorAll(sel).length === 32, TILES, { timeout: 15_000 });
    await page.evaluate(() => window.scrollTo(0, 0));
  });

  await step("lazy loading: tiles far below the fold are fetched only when scrolled to", async () => {
    // A new context (an empty cache) at phone width: 24 tiles in 2 columns, the lower ones
    // thousands of px below the fold. Every image request the browser makes is recorded.
    const context = await browser.newContext({ viewport: PHONE });
    try {
      const phone = await context.newPage();
      watch(phone);
      const requested = new Set();
      phone.on("request", (r) => {
        if (r.url().includes("/blobs/")) requested.add(r.url());
      });
      await phone.goto(`${base}/`);
      await signIn(phone, "alice");
      await phone.waitForFunction((sel) => document.querySelectorAll(sel).length >= 24, TILES);
      await phone.waitForLoadState("networkidle");
      const placed = await phone.locator(TILES).evaluateAll((tiles) =>
        tiles.map((t) => ({ key: `${t.dataset.job}/${t.dataset.index}`, top: t.getBoundingClientRect().top })),
      );
      const tiles = (await tilePictures(phone)).map((t, i) => ({ ...t, ...placed[i], seen: t.urls.some((u) => requested.has(u)) }));
      const far = tiles.filter((t) => t.top > 3 * PHONE.height);
      const onScreen = tiles.filter((t) => t.top < PHONE.height);
      check(far.length >= 4, `only ${far.length} tiles are 2 screens below the fold`);
      check(onScreen.every((t) => t.seen), "a tile on screen was not fetched");
      const early = far.filter((t) => t.seen).length;
      check(early === 0, `${early} of the ${far.length} tiles 2 screens below the fold were fetched before any scrolling`);
      console.log(`    phone: ${requested.size} images fetched for ${tiles.length} tiles; ${far.length} tiles more than ${2 * PHONE.height} px below the fold waited`);
      await phone.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
      await phone.waitForFunction(
        (keys) =>
          [...document.querySelectorAll("#grid > li.tile")]
            .filter((t) => keys.includes(`${t.dataset.job}/${t.dataset.index}`))
            .every((t) => t.querySelector("img").complete && t.querySelector("img").naturalWidth > 0),
        far.map((t) => t.key),
        { timeout: 10_000 },
      );
      const late = far.filter((t) => t.urls.some((u) => requested.has(u))).length;
      check(late === far.length, `after scrolling, ${late} of ${far.length} far tiles were fetched`);
    } finally {
      await context.close();
    }
  });

  await step("sign out, sign in as bob: none of alice's images; her job is 404 to him", async () => {
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.locator("#dev-signin").waitFor({ state: "visible" });
    check((await page.evaluate(() => sessionStorage.getItem("noisett.session"))) === null, "token kept after sign-out");
    check((await page.locator("#dev-user").inputValue()) === "", "the last user name is still filled in");
    await signIn(page, "bob");
    await page.locator("#empty").waitFor({ state: "visible" });
    check((await tileCount(page)) === 0, "bob sees images");
    await page.getByRole("button", { name: "Favorites" }).click();
    await page.locator("#empty").waitFor({ state: "visible" });
    check((await tileCount(page)) === 0, "bob sees favorites");
    allowed.push(/status of 404/);
    const status = await page.evaluate(async (job) => {
      const { token } = JSON.parse(sessionStorage.getItem("noisett.session"));
      const r = await fetch(`/api/history/${job}`, { headers: { Authorization: `Bearer ${token}` } });
      return r.status;
    }, aliceJob);
    check(status === 404, `bob's GET of alice's job answered ${status}`);
  });

  await step("a garbled token: 'session expired, sign in again', then sign-in works", async () => {
    await page.evaluate(() =>
      sessionStorage.setItem(
        "noisett.session",
        JSON.stringify({ token: "not.a-real.token", user: "bob", expires_at: Date.now() + 3_600_000 }),
      ),
    );
    allowed.push(/status of 401/);
    await page.reload();
    const alert = page.getByRole("alert");
    await alert.waitFor({ state: "visible" });
    const text = await alert.innerText();
    check(/session/i.test(text) && /sign in again/i.test(text), `alert says: ${text}`);
    await page.locator("#dev-signin").waitFor({ state: "visible" });
    check(!(await page.locator("#app").isVisible()), "the gallery is shown with a bad token");
    await page.screenshot({ path: path.join(shotDir, "session-expired.png"), animations: "disabled" });
    check((await page.locator("#dev-user").inputValue()) === "bob", "the user name is not offered again");
    await signIn(page, "bob");
    check(!(await alert.isVisible()), "the alert stayed after signing in");
  });

  await step("an expired token: the same message, without calling the API", async () => {
    const b64 = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
    const expired = `${b64({ alg: "RS256" })}.${b64({ sub: "bob", exp: 1_000_000_000 })}.c2ln`;
    await page.evaluate(
      (token) => sessionStorage.setItem("noisett.session", JSON.stringify({ token, user: "bob", expires_at: 0 })),
      expired,
    );
    await page.reload();
    const text = await page.getByRole("alert").innerText();
    check(/expired/i.test(text) && /sign in again/i.test(text), `alert says: ${text}`);
    await page.locator("#dev-signin").waitFor({ state: "visible" });
  });

  // A model that takes seconds (the Replicate stand-in of bench/jobs.sh, 3 s per image): the
  // placeholders stay while the job runs, come back after a reload, and Cancel ends the job.
  let slow = null;
  let slowPage = null;
  await step("slow model: placeholders with Cancel fill in as each image's event arrives, across a reload", async () => {
    slow = await startSlowServer(3);
    slowPage = await (await browser.newContext({ viewport: DESKTOP })).newPage();
    watch(slowPage);
    await slowPage.goto(`${slow}/`);
    await signIn(slowPage, "carol");
    await slowPage.locator("#prompt").fill("A slow model's harbour at night");
    await slowPage.locator("#count").selectOption("2");
    const generated = slowPage.waitForResponse((r) => r.url().endsWith("/api/generate"));
    await slowPage.getByRole("button", { name: "Generate" }).click();
    check((await generated).status() === 202, "generate was not accepted at once");
    await slowPage.locator("#grid li.pending .cancel-job").nth(1).waitFor({ state: "visible" });
    check((await slowPage.locator("#grid li.pending[aria-busy='true']").count()) === 2, "not 2 placeholders");
    check((await slowPage.locator("#prompt").inputValue()) === "", "the form was not freed at once");
    await slowPage.reload(); // mid-generation: history says the job runs, its events take over
    await slowPage.locator("#grid li.pending .cancel-job").nth(1).waitFor({ state: "visible" });
    await waitForThumbnails(slowPage, 2);
    check((await slowPage.locator("#grid li.pending").count()) === 0, "placeholders left behind");
  });

  await step("slow model: Cancel ends the job; its placeholders go", async () => {
    await slowPage.locator("#prompt").fill("Never mind");
    await slowPage.locator("#count").selectOption("1");
    const generated = slowPage.waitForResponse((r) => r.url().endsWith("/api/generate"));
    await slowPage.getByRole("button", { name: "Generate" }).click();
    const job = await (await generated).json();
    const cancel = slowPage.locator("#grid li.pending .cancel-job").first();
    await cancel.waitFor({ state: "visible" });
    const canceled = slowPage.waitForResponse((r) => r.url().endsWith(`/api/jobs/${job.job_id}/cancel`));
    await cancel.click();
    check((await canceled).status() === 200, "cancel was refused");
    await slowPage.waitForFunction(() => document.querySelectorAll("#grid li.pending").length === 0, null, { timeout: 10_000 });
    const { token } = await slowPage.evaluate(() => JSON.parse(sessionStorage.getItem("noisett.session")));
    const after = await (await fetch(`${slow}/api/jobs/${job.job_id}`, { headers: { Authorization: `Bearer ${token}` } })).json();
    check(after.status === "canceled", `the job is ${after.status}`);
    check((await tileCount(slowPage)) === 2, `${await tileCount(slowPage)} tiles, not the first job's 2`);
  });

  await step("--auth required: MSAL loads from web/vendor, Microsoft sign-in offered, no dev sign-in", async () => {
    check(
      existsSync(path.join(webDir, "vendor", "msal-browser.min.js")),
      `${webDir}/vendor/msal-browser.min.js is missing: run scripts/setup.sh`,
    );
    entra = await startEntraServer();
    const dev = await fetch(`${entra.base}/api/dev/token`, { method: "POST", body: '{"user":"mallory"}' });
    check(dev.status === 404, `POST /api/dev/token answered ${dev.status} outside dev mode`);
    entraContext = await browser.newContext({ viewport: PHONE });
    await entraContext.route("https://login.microsoftonline.com/**", (route) => entra.idp(route));
    entraContext.on("page", watch); // the sign-in popup too
    entraPage = await entraContext.newPage();
    await entraPage.goto(`${entra.base}/`);
    await entraPage.getByRole("button", { name: "Sign in with Microsoft" }).waitFor({ state: "visible" });
    check(!(await entraPage.locator("#dev-signin").isVisible()), "dev sign-in offered outside dev mode");
    check(!(await entraPage.locator("#guest-sign-in").isVisible()), "guest sign-in offered in required mode");
    await entraPage.screenshot({ path: path.join(shotDir, "signin-entra-phone.png"), animations: "disabled" });
  });

  await step("Entra ID sign-in through MSAL (popup, redirect.html bridge, PKCE code) against a stand-in IdP; the API takes the token", async () => {
    const popup = entraPage.waitForEvent("popup");
    await entraPage.getByRole("button", { name: "Sign in with Microsoft" }).click();
    await (await popup).waitForEvent("close", { timeout: 15_000 });
    await entraPage.locator("#user-name").filter({ hasText: ENTRA.name }).waitFor({ timeout: 15_000 });
    const authorize = entra.seen.authorize;
    check(authorize.searchParams.get("redirect_uri") === `${entra.base}/redirect.html`, `redirect_uri ${authorize.searchParams.get("redirect_uri")}`);
    check(authorize.searchParams.get("code_challenge_method") === "S256", "no PKCE");
    check(authorize.searchParams.get("scope").split(" ").includes(`api://${ENTRA.client}/.default`), "the API scope is not asked for");
    const generated = entraPage.waitForResponse((r) => r.url().endsWith("/api/generate"));
    await entraPage.locator("#prompt").fill("A paper boat on a puddle");
    await entraPage.locator("#count").selectOption("1");
    await entraPage.getByRole("button", { name: "Generate" }).click();
    const response = await generated;
    check(response.status() === 202, `POST /api/generate with the Entra token answered ${response.status()}`);
    check(response.request().headers().authorization === `Bearer ${entra.seen.accessToken}`, "not the IdP's access token");
    await waitForThumbnails(entraPage, 1);
    // Access lines are written in batches, within about a second (docs/monitoring.md).
    const deadline = Date.now() + 5_000;
    while (!serverLog.includes(`user=${ENTRA.oid}`) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    check(serverLog.includes(`user=${ENTRA.oid}`), "the server did not see the token's oid");
    await entraPage.reload(); // MSAL's cache (sessionStorage) keeps the account: no new popup
    await entraPage.locator("#user-name").filter({ hasText: ENTRA.name }).waitFor();
    await waitForThumbnails(entraPage, 1);
  });

  await step("Entra ID sign-out: logoutRedirect to the IdP and back to the sign-in panel", async () => {
    await entraPage.getByRole("button", { name: "Sign out" }).click();
    await entraPage.getByRole("button", { name: "Sign in with Microsoft" }).waitFor({ state: "visible", timeout: 15_000 });
    check(entra.seen.logout, "the IdP's end_session_endpoint was not visited");
    check(!(await entraPage.locator("#app").isVisible()), "the gallery is still shown");
  });
}

// ---- the server with a slow model (bench/replicate_stand_in.mjs) ------------------------------

// The Replicate stand-in with `latency` seconds per image, and `noisett serve --auth dev` using it;
// resolves to the server's base URL.
async function startSlowServer(latency) {
  const standIn = spawn(process.execPath, [path.resolve(here, "../../bench/replicate_stand_in.mjs"), "--latency", String(latency), "--token", "r8_web"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  servers.push(standIn);
  const url = await new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`the stand-in did not start: ${out}`)), 10_000);
    standIn.stdout.on("data", (c) => {
      out += c;
      const m = /stand-in on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
  });
  return startServer([
    "--auth", "dev", "--generator", "replicate", "--replicate-url", url, "--replicate-token", "r8_web",
    "--replicate-model", "bench/slow", "--import-allow", "127.0.0.1",
  ]);
}

// ---- the server with Entra ID sign-in (a stand-in IdP: entra_stand_in.mjs) --------------------------
let entra = null;
let entraContext = null;
let entraPage = null;

// `noisett serve --auth required` trusting the stand-in's key (--jwks-file); resolves to
// {base, idp (a Playwright route handler for login.microsoftonline.com), seen}.
async function startEntraServer() {
  const standIn = await createEntraStandIn();
  const dir = mkdtempSync(path.join(tmpdir(), "noisett-web-jwks-"));
  dataDirs.push(dir);
  const jwks = path.join(dir, "jwks.json");
  writeFileSync(jwks, JSON.stringify(standIn.jwks));
  const base = await startServer([
    "--auth", "required", "--tenant-id", ENTRA.tenant, "--client-id", ENTRA.client, "--jwks-file", jwks,
  ]);
  return { base, idp: standIn.handler(base), seen: standIn.seen };
}

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => {
    console.log(`FAIL interrupted (${signal})`);
    cleanup().finally(() => process.exit(1));
  });
}

const deadline = setTimeout(() => {
  console.log("FAIL the whole run took more than 90 s");
  process.exitCode = 1;
  cleanup().finally(() => process.exit(1));
}, 90_000);

async function cleanup() {
  try {
    if (entraContext) await entraContext.close();
    if (browser) await browser.close();
  } catch {
    // already gone
  }
  for (const server of servers) {
    const how = await stopServer(server);
    if (how !== 0 && !failed) {
      console.log(`FAIL noisett serve did not stop cleanly (${how}):\n${serverLog.split("\n").slice(-25).join("\n")}`);
      failed = true;
    }
  }
  servers.length = 0;
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
}

try {
  await run();
} catch (error) {
  failed = true;
  if (!(error instanceof CheckFailed)) console.log(error.stack); // where a Playwright wait gave up
  const last = entraPage || page;
  if (last) {
    await last.screenshot({ path: path.join(shotDir, "failure.png"), fullPage: true }).catch(() => {});
    console.log(`screenshot of the failure: ${path.join(shotDir, "failure.png")}`);
  }
  console.log(`server log (last lines):\n${serverLog.split("\n").slice(-25).join("\n")}`);
} finally {
  clearTimeout(deadline);
  await cleanup();
}
console.log(failed ? "web_gallery: FAILED" : `web_gallery: all steps passed (screenshots in ${shotDir})`);
process.exit(failed ? 1 : 0);
