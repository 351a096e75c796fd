// The crash test's load: `clients` concurrent uploaders until `total` uploads are acknowledged
// (201), while a killer SIGKILLs the server `kills` times and restarts it on the same port.
//
// Each client uploads as its own user; about one upload in four goes into one of its earlier
// acknowledged jobs that still has room (the path that claims an image index and rewrites
// metadata.json), the others start a new job. An upload that gets no 201 (the server died under
// it, or was down) is retried as a new request: it is not required to exist. Right after a 201 the
// client fetches the answer's image and thumbnail links and records the SHA-256 of what they serve
// (waiting out a restart if the server died meanwhile); the lengths must be the answer's sizes.
//
// The kills are spread over the run by progress, not by time (the machine's speed varies): kill k
// happens once the acknowledged count passes a random point of the run, after a random delay of
// 0..30 ms, so it lands on uploads in every phase (pipeline, blob writes, between the blobs and the
// catalog row, the answer).
import { call, errorCode } from '../scaleout/client.mjs';
import { noisePng } from '../scaleout/png.mjs';
import { fetchHash } from './links.mjs';

const MAX_IMAGES = 8;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export class CrashLoad {
  constructor({ server, users, total, clients, kills, size }) {
    Object.assign(this, { server, users, total, clients, kills, size });
    this.acks = []; // one per 201: what the server promised and what its links served
    this.findings = [];
    this.failures = new Map(); // why an attempt got no 201 -> count
    this.attempts = 0;
    this.inflight = 0;
    this.newJobIds = new Set();
    this.killLog = []; // {after_acks, inflight, down_ms}
  }

  fail(reason) {
    this.failures.set(reason, (this.failures.get(reason) ?? 0) + 1);
  }

  async run() {
    const started = performance.now();
    const workers = Array.from({ length: this.clients },
      (_, i) => this.client(this.users[i % this.users.length]));
    await Promise.all([...workers, this.killer()]);
    this.seconds = (performance.now() - started) / 1000;
  }

  // One client: uploads until the run has its acknowledged total.
  async client([user, token]) {
    const jobs = new Map(); // this user's acknowledged jobs -> {images, full}
    let n = 0;
    while (this.acks.length + this.inflight < this.total) {
      const open = [...jobs.entries()].filter(([, j]) => !j.full && j.images < MAX_IMAGES);
      const into = open.length > 0 && Math.random() < 0.25
        ? open[Math.floor(Math.random() * open.length)][0] : null;
      const path = into ? `/api/images?job_id=${into}` : `/api/images?prompt=crash+${user}+${++n}`;
      this.attempts++;
      this.inflight++;
      const a = await call(null, 'upload', this.server.url, token, 'POST', path, noisePng(this.size, this.size));
      this.inflight--;
      if (a.status === 201) {
        await this.acknowledge(user, a.body, into, jobs);
      } else if (into && a.status === 409 && errorCode(a) === 'job_full') {
        jobs.get(into).full = true; // images committed by uploads that never got their 201
        this.fail('409 job_full (unacknowledged uploads filled the job)');
      } else if (a.status === 0 || a.status === 503) {
        this.fail(`${a.status} ${errorCode(a)}`);
        await sleep(50); // the server is down or starting
      } else {
        this.fail(`${a.status} ${errorCode(a)}`);
        this.findings.push(`${user}: upload ${into ? `into ${into}` : 'new job'} answered ` +
          `${a.status} ${JSON.stringify(a.body)}`);
      }
    }
  }

  async acknowledge(user, body, into, jobs) {
    const where = `${user} ${body.job_id}/${body.image_index}`;
    if (into && (body.job_id !== into || body.new_job !== false)) {
      this.findings.push(`${where}: upload into ${into} answered new_job ${body.new_job}`);
    }
    if (!into) {
      if (body.new_job !== true || this.newJobIds.has(body.job_id)) {
        this.findings.push(`${where}: new job id given twice`);
      }
      this.newJobIds.add(body.job_id);
    }
    const job = jobs.get(body.job_id) ?? { images: 0, full: false };
    job.images++;
    jobs.set(body.job_id, job);
    const ack = { user, job_id: body.job_id, image_index: body.image_index, new_job: !into };
    this.acks.push(ack); // counted at once, so the clients stop at the total
    const [image, thumb] = await Promise.all(
      [body.image.url, body.image.thumbnail_url].map((link) => fetchHash(link)));
    ack.image = { sha256: image.sha256, bytes: body.image.bytes };
    ack.thumbnail = { sha256: thumb.sha256, bytes: body.image.thumbnail_bytes };
    for (const [what, got, want] of [['image', image, body.image.bytes],
      ['thumbnail', thumb, body.image.thumbnail_bytes]]) {
      if (got.status !== 200 || got.bytes !== want) {
        this.findings.push(`${where}: ${what} link right after the 201 answered ${got.status} ` +
          `${got.type}, ${got.bytes} bytes (the answer said ${want})`);
      }
    }
  }

  // Kills at `kills` random points between 4% and 92% of the acknowledged total (less the last
  // round of in-flight uploads, so every kill still finds uploads to hit).
  async killer() {
    const span = Math.max(1, this.total - this.clients);
    const points = Array.from({ length: this.kills },
      () => Math.floor(span * (0.04 + 0.88 * Math.random()))).sort((a, b) => a - b);
    for (const point of points) {
      while (this.acks.length < point || this.inflight === 0) {
        if (this.acks.length + this.inflight >= this.total) return; // nothing left to hit
        await sleep(5);
      }
      await sleep(Math.random() * 30);
      const inflight = this.inflight;
      const down = performance.now();
      await this.server.kill9();
      await this.server.start();
      this.killLog.push({ after_acks: this.acks.length, inflight,
        down_ms: Math.round(performance.now() - down) });
    }
  }
}
