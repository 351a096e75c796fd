// Tokens for the load's users, signed with the dev issuer's key of the shared data dir. One
// `noisett token` per user costs a process start each (seconds for 200 users on a busy machine),
// so this takes one token minted by `noisett token` as the template (--template), keeps its
// header (alg, kid) and claims, and re-signs it per user with DATA_DIR/dev-issuer/key.pem,
// changing only who it is for (sub, oid, name, preferred_username) and its jti. The servers
// validate every token as usual, so a drift from the CLI's format fails the run at once.
//
//   node tests/scaleout/tokens.mjs --data-dir DIR --template TOKEN --users N > tokens.txt
// Output: `load-u001 TOKEN` lines.
import { createPrivateKey, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as jose from 'jose';
import { exitWithParent, parseArgs } from './args.mjs';

const opts = parseArgs(process.argv.slice(2), { 'data-dir': '', template: '', users: 0 });
exitWithParent();
const key = createPrivateKey(readFileSync(`${opts['data-dir']}/dev-issuer/key.pem`));
const header = jose.decodeProtectedHeader(opts.template);
const claims = jose.decodeJwt(opts.template);
const lines = [];
for (let i = 1; i <= opts.users; i++) {
  const user = `load-u${String(i).padStart(3, '0')}`;
  const payload = { ...claims, sub: user, oid: user, name: user,
    preferred_username: `${user}@noisett.local`, jti: jose.base64url.encode(randomBytes(12)) };
  lines.push(`${user} ${await new jose.SignJWT(payload).setProtectedHeader(header).sign(key)}`);
}
process.stdout.write(lines.join('\n') + '\n');
