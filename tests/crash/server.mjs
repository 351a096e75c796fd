// One `noisett serve` process the crash test can SIGKILL and bring back on the same port.
//
// The port is chosen once (the kernel picks a free one, then it is released and reused for every
// start), so the links handed out before a kill still point at the server after the restart.
// The back end comes from the environment (NOISETT_DATA_DIR, NOISETT_CATALOG, NOISETT_STORE ...,
// exported by scripts/crash.sh); stdout and stderr of every start go to one log file. The current
// server's pid is written to --pid-file so the driver's trap can stop it if this process dies.
import { spawn } from 'node:child_process';
import { openSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Resolves true when `port` can be bound on loopback right now (nothing listens on it).
function portIsFree(port) {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen({ host: '127.0.0.1', port, exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

export async function pickFreePort() {
  const probe = createServer();
  await new Promise((r) => probe.listen({ host: '127.0.0.1', port: 0 }, r));
  const { port } = probe.address();
  await new Promise((r) => probe.close(r));
  return port;
}

export class ServerProcess {
  constructor({ bin, port, log, pidFile }) {
    Object.assign(this, { bin, port, pidFile });
    this.url = `http://127.0.0.1:${port}`;
    this.logFd = openSync(log, 'a');
    this.child = null;
    this.exited = null; // resolves to {code, signal} when the current process ends
    this.starts = 0;
  }

  // Starts the server and waits until /readyz answers 200 (the store and catalog are up).
  async start(timeoutMs = 60000) {
    if (!(await this.waitPortFree(timeoutMs))) throw new Error(`port ${this.port} stays busy`);
    const child = spawn(this.bin, ['serve', '--auth', 'dev', '--listen', `127.0.0.1:${this.port}`],
      { stdio: ['ignore', this.logFd, this.logFd] });
    this.child = child;
    this.starts++;
    this.exited = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));
    writeFileSync(this.pidFile, `${child.pid}\n`);
    const deadline = performance.now() + timeoutMs;
    let gone = false;
    this.exited.then(() => { gone = true; });
    while (performance.now() < deadline) {
      if (gone) throw new Error(`noisett serve exited while starting (see the serve log)`);
      try {
        const r = await fetch(`${this.url}/readyz`, { signal: AbortSignal.timeout(2000) });
        await r.arrayBuffer();
        if (r.status === 200) return;
      } catch {
        // not listening yet
      }
      await sleep(50);
    }
    throw new Error(`noisett serve not ready within ${timeoutMs} ms`);
  }

  // SIGKILL: no handler runs, no request finishes, nothing is flushed by the server itself.
  async kill9() {
    this.child.kill('SIGKILL');
    const end = await this.exited;
    this.child = null;
    return end;
  }

  // SIGTERM, the graceful stop; resolves to the exit status (0 expected).
  async stop() {
    if (!this.child) return 0;
    this.child.kill('SIGTERM');
    const end = await this.exited;
    this.child = null;
    writeFileSync(this.pidFile, '');
    return end.code ?? 128;
  }

  async waitPortFree(timeoutMs) {
    const deadline = performance.now() + timeoutMs;
    while (performance.now() < deadline) {
      if (await portIsFree(this.port)) return true;
      await sleep(25);
    }
    return false;
  }
}
