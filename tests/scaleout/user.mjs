// One virtual user of the scale-out load: a loop of random steps, each request to a random
// instance, keeping its UserModel in step with the server's answers. Answers the model predicts
// as refusals (409 job_full on a full job, a burst's losers) are counted as expected; anything
// else that is not a success is an error. Reads check the model at once (read-your-writes across
// instances: a write acknowledged by one instance must be visible on every other).
import { call, errorCode } from './client.mjs';
import { noisePng } from './png.mjs';

const MAX_IMAGES = 8;

const pick = (list) => list[Math.floor(Math.random() * list.length)];
const chance = (p) => Math.random() < p;

export class VirtualUser {
  // azurite: the store is Azurite, which has no Undelete Blob, so a restore's 415
  // APINotImplemented is expected there (the job stays deleted).
  constructor({ userId, token, urls, stats, model, others, azurite }) {
    Object.assign(this, { userId, token, urls, stats, model, others, azurite });
    this.uploads = 0;
  }

  req(kind, method, path, body, url = pick(this.urls)) {
    return call(this.stats, kind, url, this.token, method, path, body);
  }

  // A failed write whose outcome is unknown (no answer, or a 5xx after the server may have
  // committed) leaves the model unsure for this user; the run fails anyway through the error.
  fail(kind, answer, detail = '') {
    this.stats.error(kind, answer, `${this.userId} ${detail}`);
    if (answer.status === 0 || answer.status >= 500) {
      this.model.tainted ||= `${kind} ${answer.status} ${errorCode(answer)}`;
    }
  }

  async step() {
    const live = this.model.liveJobs();
    const r = Math.random();
    if (live.length === 0 || r < 0.2) return this.upload();
    const job = pick(live);
    if (r < 0.32) return this.upload(job);
    if (r < 0.35) return this.burstUpload(job);
    if (r < 0.53) return this.listHistory();
    if (r < 0.58) return this.getJob(job);
    if (r < 0.70) return this.favorite(job);
    if (r < 0.78) return this.unfavorite();
    if (r < 0.83) return this.listFavorites();
    if (r < 0.89) return this.deleteJob(job);
    if (r < 0.95) return this.restoreJob();
    if (r < 0.97) return this.metrics();
    return this.probeOther();
  }

  uploadPath(jobId) {
    const n = ++this.uploads;
    return jobId ? `/api/images?job_id=${jobId}` : `/api/images?prompt=load+${this.userId}+${n}`;
  }

  // Checks an upload's 201 against the model and records it.
  accept(kind, answer, jobId) {
    const b = answer.body;
    const job = this.model.jobs.get(b.job_id);
    if (jobId && (b.job_id !== jobId || b.new_job !== false)) {
      this.stats.inconsistent(this.userId, `upload into ${jobId} answered ${b.job_id}`);
    } else if (!jobId && (b.new_job !== true || job)) {
      this.stats.inconsistent(this.userId, `new job ${b.job_id} not new`);
    } else if (job?.images.has(b.image_index)) {
      this.stats.inconsistent(this.userId, `${b.job_id} image ${b.image_index} given twice`);
    }
    this.model.addUpload(b.job_id, b.image_index, !jobId);
  }

  async upload(jobId) {
    const full = jobId && this.model.jobs.get(jobId).images.size >= MAX_IMAGES;
    const a = await this.req('upload', 'POST', this.uploadPath(jobId), noisePng());
    if (a.status === 201) {
      if (full) this.stats.inconsistent(this.userId, `upload into full job ${jobId} accepted`);
      this.accept('upload', a, jobId);
    } else if (full && a.status === 409 && errorCode(a) === 'job_full') {
      this.stats.expect('upload', a);
    } else {
      this.fail('upload', a, jobId ? `into ${jobId}` : 'new job');
    }
  }

  // 2 or 3 uploads into one job at once, each to another instance: exactly min(k, room) succeed,
  // the others are 409 job_full, and no index is given twice.
  async burstUpload(jobId) {
    const k = chance(0.5) ? 2 : 3;
    const room = MAX_IMAGES - this.model.jobs.get(jobId).images.size;
    const urls = [...this.urls].sort(() => Math.random() - 0.5);
    const answers = await Promise.all(Array.from({ length: k }, (_, i) =>
      this.req('upload', 'POST', this.uploadPath(jobId), noisePng(), urls[i % urls.length])));
    let won = 0;
    for (const a of answers) {
      if (a.status === 201) {
        won++;
        this.accept('upload', a, jobId);
      } else if (a.status === 409 && errorCode(a) === 'job_full') {
        this.stats.expect('upload', a);
      } else {
        this.fail('upload', a, `burst into ${jobId}`);
      }
    }
    const failed = answers.filter((a) => a.status !== 201 && errorCode(a) !== 'job_full').length;
    if (failed === 0 && won !== Math.min(k, room)) {
      this.stats.inconsistent(this.userId,
        `burst of ${k} into ${jobId} with room ${room}: ${won} accepted`);
    }
  }

  // The first page (and sometimes the following ones) of history.list; total_count and the
  // first page's ids must match the model exactly.
  async listHistory() {
    const limit = pick([5, 10, 20, 50]);
    const live = new Set(this.model.liveJobs());
    let cursor = '';
    const seen = [];
    for (let page = 0; page < (chance(0.3) ? 10 : 1); page++) {
      const q = `/api/history?limit=${limit}` + (cursor ? `&cursor=${encodeURIComponent(cursor)}` : '');
      const a = await this.req('history.list', 'GET', q);
      if (a.status !== 200) return this.fail('history.list', a);
      if (a.body.total_count !== live.size) {
        this.stats.inconsistent(this.userId,
          `history total_count ${a.body.total_count}, model ${live.size}`);
      }
      for (const g of a.body.generations) {
        seen.push(g.job_id);
        const job = this.model.jobs.get(g.job_id);
        if (!live.has(g.job_id)) {
          this.stats.inconsistent(this.userId, `history shows ${g.job_id}, not live in the model`);
        } else if (g.image_count !== job.images.size) {
          this.stats.inconsistent(this.userId,
            `${g.job_id} has ${g.image_count} images, model ${job.images.size}`);
        }
      }
      cursor = a.body.next_cursor;
      if (!cursor) break;
    }
    if (new Set(seen).size !== seen.length) {
      this.stats.inconsistent(this.userId, 'history pages repeat a job');
    }
  }

  async getJob(jobId) {
    const a = await this.req('history.get', 'GET', `/api/history/${jobId}`);
    if (a.status !== 200) return this.fail('history.get', a, jobId);
    const want = [...this.model.jobs.get(jobId).images].sort((x, y) => x - y).join(',');
    const got = a.body.images.map((i) => i.index).sort((x, y) => x - y).join(',');
    if (want !== got) this.stats.inconsistent(this.userId, `${jobId} images [${got}], model [${want}]`);
  }

  // Sometimes the same favorite is sent to two instances at once: both must succeed, and the
  // favorite must exist once.
  async favorite(jobId) {
    const job = this.model.jobs.get(jobId);
    const index = pick([...job.images]);
    const path = `/api/favorites/${jobId}/${index}`;
    const answers = chance(0.25)
      ? await Promise.all(this.urls.slice(0, 2).map((u) => this.req('favorite', 'PUT', path, undefined, u)))
      : [await this.req('favorite', 'PUT', path)];
    let ok = true;
    for (const a of answers) {
      if (a.status !== 200) {
        ok = false;
        this.fail('favorite', a, path);
      }
    }
    if (ok) job.favorites.add(index);
  }

  async unfavorite() {
    const favorites = this.model.liveFavorites();
    if (favorites.length === 0) return this.listFavorites();
    const [jobId, index] = pick(favorites).split('/');
    const a = await this.req('unfavorite', 'DELETE', `/api/favorites/${jobId}/${index}`);
    if (a.status !== 200) return this.fail('unfavorite', a, `${jobId}/${index}`);
    this.model.jobs.get(jobId).favorites.delete(Number(index));
  }

  async listFavorites() {
    const a = await this.req('favorites.list', 'GET', '/api/favorites?limit=200');
    if (a.status !== 200) return this.fail('favorites.list', a);
    const want = this.model.liveFavorites().join(' ');
    const got = a.body.favorites.map((f) => `${f.job_id}/${f.image_index}`).sort().join(' ');
    if (a.body.total_count <= 200 && want !== got) {
      this.stats.inconsistent(this.userId, `favorites [${got}], model [${want}]`);
    }
  }

  async deleteJob(jobId) {
    const a = await this.req('history.delete', 'DELETE', `/api/history/${jobId}`);
    if (a.status !== 200) return this.fail('history.delete', a, jobId);
    this.model.setDeleted(jobId, true);
  }

  async restoreJob() {
    const deleted = this.model.deletedJobs();
    if (deleted.length === 0) return this.listHistory();
    const jobId = pick(deleted);
    const a = await this.req('history.restore', 'POST', `/api/history/${jobId}/restore`);
    if (this.azurite && a.status === 415 && errorCode(a) === 'APINotImplemented') {
      return this.stats.expect('history.restore', a);
    }
    if (a.status !== 200) return this.fail('history.restore', a, jobId);
    this.model.setDeleted(jobId, false);
  }

  async metrics() {
    const a = await this.req('storage.metrics', 'GET', '/api/me/storage');
    if (a.status !== 200) return this.fail('storage.metrics', a);
    if (a.body.total_images !== this.model.liveImageCount()) {
      this.stats.inconsistent(this.userId,
        `total_images ${a.body.total_images}, model ${this.model.liveImageCount()}`);
    }
  }

  // Another user's job must look like a missing one: 404, never its data.
  async probeOther() {
    const other = pick(this.others());
    const jobs = other ? other.liveJobs() : [];
    if (jobs.length === 0) return this.metrics();
    const jobId = pick(jobs);
    const a = await this.req('probe', 'GET', `/api/history/${jobId}`);
    if (a.status === 404) this.stats.expect('probe', a);
    else this.fail('probe', a, `${this.userId} read ${other.userId}'s ${jobId}`);
  }

  async run(deadline) {
    while (performance.now() < deadline) await this.step();
  }
}
