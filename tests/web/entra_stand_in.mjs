// A stand-in for Microsoft Entra ID, for the gallery's browser test. Playwright answers every
// request the browser makes to login.microsoftonline.com with handler(base) (nothing leaves the
// machine): `authorize` redirects straight back to the redirect_uri with a code, `token` returns
// an ID token and an access token signed by a key made here, `logout` returns to
// post_logout_redirect_uri. The server under test trusts that key (its --jwks-file gets `jwks`).
// MSAL Browser itself is the real thing: popup, redirect bridge, PKCE, cache, logout redirect.
// `seen` records what MSAL sent: the authorize URL, the access token issued, whether it logged out.
export const ENTRA = {
  tenant: "11111111-2222-3333-4444-555555555555",
  client: "66666666-7777-8888-9999-000000000000",
  oid: "0000aaaa-1111-2222-3333-444455556666",
  name: "Carol Entra",
};

const HOST = "https://login.microsoftonline.com";
const KID = "stand-in-1";

export async function createEntraStandIn() {
  const jose = await import("jose");
  const { publicKey, privateKey } = await jose.generateKeyPair("RS256");
  const jwk = { ...(await jose.exportJWK(publicKey)), kid: KID, alg: "RS256", use: "sig" };
  const issuer = `${HOST}/${ENTRA.tenant}/v2.0`;
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const clientInfo = b64({ uid: ENTRA.oid, utid: ENTRA.tenant });
  const seen = { authorize: null, accessToken: null, logout: false };
  let nonce = "";
  const sign = (claims) => new jose.SignJWT(claims).setProtectedHeader({ alg: "RS256", kid: KID, typ: "JWT" }).sign(privateKey);

  async function tokens() {
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      iss: issuer,
      aud: ENTRA.client,
      tid: ENTRA.tenant,
      oid: ENTRA.oid,
      sub: "stand-in-sub",
      name: ENTRA.name,
      preferred_username: "carol@contoso.test",
      iat: now,
      nbf: now,
      exp: now + 3600,
    };
    seen.accessToken = await sign({ ...claims, scp: "access_as_user", ver: "2.0" });
    return {
      token_type: "Bearer",
      scope: `api://${ENTRA.client}/.default`,
      expires_in: 3600,
      ext_expires_in: 3600,
      access_token: seen.accessToken,
      id_token: await sign({ ...claims, nonce }),
      refresh_token: "stand-in-refresh",
      client_info: clientInfo,
    };
  }

  // The route handler for a page served from `base` (its origin is the one CORS allows).
  function handler(base) {
    const cors = {
      "Access-Control-Allow-Origin": base,
      "Access-Control-Allow-Headers": "*",
      "Access-Control-Allow-Methods": "GET, POST",
    };
    return async (route) => {
      const request = route.request();
      const url = new URL(request.url());
      const json = (body) => route.fulfill({ headers: cors, contentType: "application/json", body: JSON.stringify(body) });
      if (request.method() === "OPTIONS") return route.fulfill({ status: 204, headers: cors });
      if (url.pathname.endsWith("/.well-known/openid-configuration")) {
        return json({
          issuer,
          authorization_endpoint: `${HOST}/${ENTRA.tenant}/oauth2/v2.0/authorize`,
          token_endpoint: `${HOST}/${ENTRA.tenant}/oauth2/v2.0/token`,
          end_session_endpoint: `${HOST}/${ENTRA.tenant}/oauth2/v2.0/logout`,
          jwks_uri: `${HOST}/${ENTRA.tenant}/discovery/v2.0/keys`,
        });
      }
      if (url.pathname.endsWith("/oauth2/v2.0/authorize")) {
        seen.authorize = url;
        nonce = url.searchParams.get("nonce") || "";
        const sep = url.searchParams.get("response_mode") === "query" ? "?" : "#";
        const state = encodeURIComponent(url.searchParams.get("state"));
        const back = `${url.searchParams.get("redirect_uri")}${sep}code=stand-in-code&state=${state}&client_info=${clientInfo}`;
        return route.fulfill({ status: 302, headers: { Location: back } });
      }
      if (url.pathname.endsWith("/oauth2/v2.0/token")) return json(await tokens());
      if (url.pathname.endsWith("/oauth2/v2.0/logout")) {
        seen.logout = true;
        const back = url.searchParams.get("post_logout_redirect_uri") || `${base}/`;
        return route.fulfill({ status: 302, headers: { Location: back } });
      }
      return route.fulfill({ status: 404, headers: cors, body: "not in the stand-in" });
    };
  }

  return { jwks: { keys: [jwk] }, handler, seen };
}
