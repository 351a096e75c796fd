// The load client's own record of what must exist for one user, built only from the server's
// successful answers. Each virtual user runs its requests one after another (bursts aside, whose
// answers are all awaited before the next step), so this record is exact: after the load, every
// instance must show precisely it.

export class UserModel {
  constructor(userId) {
    this.userId = userId;
    this.jobs = new Map(); // job_id -> {images: Set<index>, deleted: bool, favorites: Set<index>}
    this.created = 0; // jobs the server said it created (new_job: true)
    this.deletedCount = 0; // jobs deleted and not restored
    this.tainted = ''; // why the exact state is unknown (a transport failure mid-write), or ''
  }

  addUpload(jobId, index, newJob) {
    let job = this.jobs.get(jobId);
    if (!job) {
      job = { images: new Set(), deleted: false, favorites: new Set() };
      this.jobs.set(jobId, job);
    }
    if (newJob) this.created++;
    job.images.add(index);
  }

  liveJobs() {
    return [...this.jobs.entries()].filter(([, j]) => !j.deleted).map(([id]) => id);
  }

  deletedJobs() {
    return [...this.jobs.entries()].filter(([, j]) => j.deleted).map(([id]) => id);
  }

  liveImageCount() {
    let n = 0;
    for (const job of this.jobs.values()) if (!job.deleted) n += job.images.size;
    return n;
  }

  // Favorites the lists must show: those on live jobs (a deleted job's come back on restore).
  liveFavorites() {
    const out = [];
    for (const [id, job] of this.jobs) {
      if (job.deleted) continue;
      for (const index of job.favorites) out.push(`${id}/${index}`);
    }
    return out.sort();
  }

  setDeleted(jobId, deleted) {
    const job = this.jobs.get(jobId);
    if (job.deleted === deleted) return;
    job.deleted = deleted;
    this.deletedCount += deleted ? 1 : -1;
  }

  toJSON() {
    const jobs = {};
    for (const [id, j] of this.jobs) {
      jobs[id] = { images: [...j.images].sort((a, b) => a - b), deleted: j.deleted,
        favorites: [...j.favorites].sort((a, b) => a - b) };
    }
    return { user: this.userId, created: this.created, deleted: this.deletedCount,
      tainted: this.tainted, jobs };
  }

  static fromJSON(o) {
    const m = new UserModel(o.user);
    m.created = o.created;
    m.deletedCount = o.deleted;
    m.tainted = o.tainted;
    for (const [id, j] of Object.entries(o.jobs)) {
      m.jobs.set(id, { images: new Set(j.images), deleted: j.deleted,
        favorites: new Set(j.favorites) });
    }
    return m;
  }
}
