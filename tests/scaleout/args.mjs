// `--name value` command-line options for the scale-out scripts.
import { readFileSync } from 'node:fs';

export function parseArgs(argv, defaults) {
  const out = { ...defaults };
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i].replace(/^--/, '');
    if (!(name in defaults) || i + 1 >= argv.length) {
      throw new Error(`unknown or incomplete option ${argv[i]} (known: ${Object.keys(defaults).join(', ')})`);
    }
    out[name] = typeof defaults[name] === 'number' ? Number(argv[i + 1]) : argv[i + 1];
  }
  return out;
}

// tokens file: one `USER TOKEN` per line (what scripts/scaleout.sh writes).
export function readTokens(file) {
  const tokens = new Map();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const [user, token] = line.trim().split(/\s+/);
    if (user && token) tokens.set(user, token);
  }
  return tokens;
}

// Ends this process when the script that started it is gone (killed with SIGKILL, so its trap
// could not stop us): a reparented process sees another parent id.
export function exitWithParent() {
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) process.exit(3);
  }, 1000).unref();
}
