// Mints JWTs for the auth integration tests with `jose`, an implementation independent of ours, so
// the C++ validator is tested against tokens it did not produce (and our dev issuer's tokens are
// checked by a verifier we did not write). Run by the C++ tests as a subprocess:
//   node tests/auth/mint.mjs < request.json > result.json
//
// Mint request (mode "mint", the default):
//   {"keys":   [{"kid":"rsa-1","kty":"RSA","alg":"RS256"}, {"kid":"ec-1","kty":"EC"}],
//    "tokens": [{"name":"valid", "kid":"rsa-1", "alg":"RS256", "claims":{...}, ...}]}
//   keys:  kty RSA (2048-bit) or EC (P-256); "alg", when given, is published in the JWK.
//   token: kid       header kid, and the key that signs; null leaves kid out of the header
//          sign_with the kid of the key that signs when it differs from the header kid
//          alg       header alg (RS256, PS256, ES256, HS256, none)
//          header    extra protected header members (override the defaults)
//          claims    the payload object, serialised as given (wrong types included)
//          payload_text  the exact payload text instead of claims (not JSON, say)
//          attack    one of:
//            hs256_public_key     HS256 with the PEM text (SPKI) of key `kid` as the HMAC secret
//            none_unsigned        alg none, empty signature
//            none_with_signature  alg none, with the signature of a valid token for the claims
//            tamper_payload       signed, then the payload replaced by claims + `tamper`
//            replace_char         signed, then one character of part `part` (header, payload
//                                 (default) or signature) replaced by `char`: the one at index
//                                 `at`, by default the middle one
//            pad_to_size          signed, with a "pad" claim that makes the token `size` bytes
//                                 (or the nearest length base64url can make, a byte or two off)
// Result: {"jwks":{"keys":[...]}, "jwk_by_kid":{kid: jwk}, "public_pem":{kid: spki pem},
//          "tokens":{name: token}}
//
// Verify request (mode "verify"): {"mode":"verify","token":..,"jwks":{..},"issuer":..,
//   "audience":..,"algorithms":["RS256"],"current_date":seconds (optional)}
// Result: {"ok":true,"payload":{..},"header":{..}} or {"ok":false,"code":..,"message":..}
import { generateKeyPairSync } from 'node:crypto';
import * as jose from 'jose';

const encoder = new TextEncoder();
const b64 = (text) => jose.base64url.encode(typeof text === 'string' ? encoder.encode(text) : text);

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

// Node KeyObjects rather than WebCrypto keys: one RSA key can then sign both RS256 and PS256.
function generateKey(spec) {
  if (spec.kty === 'RSA') {
    return generateKeyPairSync('rsa', { modulusLength: spec.bits ?? 2048, publicExponent: 0x10001 });
  }
  if (spec.kty === 'EC') return generateKeyPairSync('ec', { namedCurve: 'P-256' });
  throw new Error(`unsupported kty ${spec.kty}`);
}

async function makeKeys(specs) {
  const keys = new Map();
  const jwks = { keys: [] };
  const jwkByKid = {};
  const publicPem = {};
  for (const spec of specs) {
    const pair = generateKey(spec);
    const jwk = { kid: spec.kid, use: 'sig', ...(await jose.exportJWK(pair.publicKey)) };
    if (spec.alg) jwk.alg = spec.alg;
    keys.set(spec.kid, pair);
    jwks.keys.push(jwk);
    jwkByKid[spec.kid] = jwk;
    publicPem[spec.kid] = pair.publicKey.export({ type: 'spki', format: 'pem' });
  }
  return { keys, jwks, jwkByKid, publicPem };
}

function payloadText(token) {
  if (token.payload_text !== undefined) return token.payload_text;
  return JSON.stringify(token.claims ?? {});
}

function protectedHeader(token, alg) {
  const header = { alg, typ: 'JWT' };
  if (token.kid !== null && token.kid !== undefined) header.kid = token.kid;
  return { ...header, ...(token.header ?? {}) };
}

function privateKeyFor(keys, kid) {
  const pair = keys.get(kid);
  if (!pair) throw new Error(`no key with kid ${kid}`);
  return pair.privateKey;
}

async function sign(keys, token, text) {
  const alg = token.alg ?? 'RS256';
  const key = privateKeyFor(keys, token.sign_with ?? token.kid);
  return new jose.CompactSign(encoder.encode(text)).setProtectedHeader(protectedHeader(token, alg)).sign(key);
}

function replacePart(jws, part, replace) {
  const parts = jws.split('.');
  const index = { header: 0, payload: 1, signature: 2 }[part];
  if (index === undefined) throw new Error(`unknown part ${part}`);
  parts[index] = replace(parts[index]);
  return parts.join('.');
}

async function mintOne(keys, publicPem, token) {
  const text = payloadText(token);
  switch (token.attack ?? null) {
    case null:
      return sign(keys, token, text);
    case 'hs256_public_key': {
      // The classic alg-confusion attack: a verifier that picks the algorithm from the header
      // would use the (public) RSA key as an HMAC secret.
      const secret = encoder.encode(publicPem[token.kid]);
      return new jose.CompactSign(encoder.encode(text))
        .setProtectedHeader(protectedHeader(token, 'HS256'))
        .sign(secret);
    }
    case 'none_unsigned':
      return `${b64(JSON.stringify(protectedHeader(token, 'none')))}.${b64(text)}.`;
    case 'none_with_signature': {
      const valid = await sign(keys, { ...token, alg: token.signed_alg ?? 'RS256' }, text);
      const signature = valid.split('.')[2];
      return `${b64(JSON.stringify(protectedHeader(token, 'none')))}.${b64(text)}.${signature}`;
    }
    case 'tamper_payload': {
      const valid = await sign(keys, token, text);
      const changed = JSON.stringify({ ...(token.claims ?? {}), ...(token.tamper ?? {}) });
      return replacePart(valid, 'payload', () => b64(changed));
    }
    case 'replace_char': {
      const valid = await sign(keys, token, text);
      return replacePart(valid, token.part ?? 'payload', (s) => {
        const at = token.at ?? Math.floor(s.length / 2);
        return s.slice(0, at) + token.char + s.slice(at + 1);
      });
    }
    case 'pad_to_size': {
      // A validly signed token of `size` bytes, made so by a "pad" claim: grow or shrink the pad
      // by the missing length (3 payload bytes are 4 token bytes) until it fits. Base64url cannot
      // make every length, so the closest one is kept.
      const claims = { ...(token.claims ?? {}), pad: '' };
      let jws = await sign(keys, token, JSON.stringify(claims));
      let best = jws;
      for (let i = 0; i < 16 && jws.length !== token.size; ++i) {
        const missing = token.size - jws.length;
        const step = Math.trunc((missing * 3) / 4) || Math.sign(missing);
        claims.pad = 'x'.repeat(Math.max(0, claims.pad.length + step));
        jws = await sign(keys, token, JSON.stringify(claims));
        if (Math.abs(jws.length - token.size) < Math.abs(best.length - token.size)) best = jws;
      }
      return best;
    }
    default:
      throw new Error(`unknown attack ${token.attack}`);
  }
}

async function mint(request) {
  const { keys, jwks, jwkByKid, publicPem } = await makeKeys(request.keys ?? []);
  const tokens = {};
  for (const token of request.tokens ?? []) {
    if (!token.name) throw new Error('every token needs a name');
    if (token.name in tokens) throw new Error(`duplicate token name ${token.name}`);
    tokens[token.name] = await mintOne(keys, publicPem, token);
  }
  return { jwks, jwk_by_kid: jwkByKid, public_pem: publicPem, tokens };
}

async function verify(request) {
  try {
    const keySet = jose.createLocalJWKSet(request.jwks);
    const options = { algorithms: request.algorithms ?? ['RS256'] };
    if (request.issuer !== undefined) options.issuer = request.issuer;
    if (request.audience !== undefined) options.audience = request.audience;
    if (request.current_date !== undefined) options.currentDate = new Date(request.current_date * 1000);
    const { payload, protectedHeader: header } = await jose.jwtVerify(request.token, keySet, options);
    return { ok: true, payload, header };
  } catch (e) {
    return { ok: false, code: e.code ?? e.name, message: e.message };
  }
}

try {
  const request = await readStdin();
  const result = request.mode === 'verify' ? await verify(request) : await mint(request);
  process.stdout.write(JSON.stringify(result));
} catch (e) {
  process.stderr.write(`mint.mjs: ${e.stack ?? e}\n`);
  process.exit(1);
}
