// Sign-in. Two sources of tokens, chosen by /api/config's auth_mode:
//   dev                → a user name posted to /api/dev/token (only `noisett serve --auth dev`
//                        has that route); the token is kept in sessionStorage so a reload keeps
//                        the session and closing the tab ends it.
//   required, optional → Microsoft Entra ID through MSAL Browser (web/vendor, copied by
//                        scripts/setup.sh), loaded only in these modes. optional also offers
//                        "continue without signing in" (X-Auth-Optional: true, user anonymous).
// Every source answers the same interface: restore(), signIn(arg), signOut(), headers(), user.
import { publicJson, SessionExpiredError } from "./api.js";

const SESSION_KEY = "noisett.session";
const GUEST_KEY = "noisett.guest";
const EXPIRY_MARGIN_MS = 30_000;

export function createAuth(config) {
  return config.auth_mode === "dev" ? devAuth() : msalAuth(config);
}

// The `exp` of a JWT, in ms, or null when the token is not a readable JWT (the server judges).
function jwtExpiry(token) {
  try {
    const part = token.split(".")[1];
    const json = atob(part.replace(/-/g, "+").replace(/_/g, "/"));
    const exp = JSON.parse(json).exp;
    return typeof exp === "number" ? exp * 1000 : null;
  } catch {
    return null;
  }
}

function devAuth() {
  let session = null; // {token, user, expires_at}
  let lastUser = ""; // offered again when the session has to be renewed

  const expired = (s) => {
    const exp = jwtExpiry(s.token) ?? s.expires_at;
    return typeof exp === "number" && Date.now() > exp - EXPIRY_MARGIN_MS;
  };
  const drop = () => {
    if (session) lastUser = session.user;
    session = null;
    sessionStorage.removeItem(SESSION_KEY);
  };

  return {
    kind: "dev",
    get user() {
      return session ? session.user : null;
    },
    get lastUser() {
      return lastUser;
    },
    // The saved session, null when there is none; SessionExpiredError when it is unusable.
    async restore() {
      const raw = sessionStorage.getItem(SESSION_KEY);
      if (!raw) return null;
      let saved;
      try {
        saved = JSON.parse(raw);
      } catch {
        saved = null;
      }
      if (!saved || typeof saved.token !== "string" || typeof saved.user !== "string") {
        drop();
        throw new SessionExpiredError("Your saved session could not be read. Sign in again.");
      }
      if (expired(saved)) {
        lastUser = saved.user;
        drop();
        throw new SessionExpiredError();
      }
      session = saved;
      return session.user;
    },
    async signIn(user) {
      const answer = await publicJson("POST", "/api/dev/token", { user });
      session = {
        token: answer.token,
        user: answer.user,
        expires_at: Date.now() + (answer.expires_in || 3600) * 1000,
      };
      sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
      return session.user;
    },
    async signOut() {
      drop();
      lastUser = "";
    },
    async headers() {
      if (!session) throw new SessionExpiredError("You are signed out. Sign in again.");
      if (expired(session)) {
        drop();
        throw new SessionExpiredError();
      }
      return { Authorization: `Bearer ${session.token}` };
    },
    forget: drop,
  };
}

// Loads web/vendor/msal-browser.min.js (the UMD build: it defines globalThis.msal).
function loadMsal() {
  if (globalThis.msal) return Promise.resolve(globalThis.msal);
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = "vendor/msal-browser.min.js";
    script.onload = () =>
      globalThis.msal ? resolve(globalThis.msal) : reject(new Error("MSAL did not load"));
    script.onerror = () =>
      reject(new Error("The sign-in library (web/vendor) is missing: run scripts/setup.sh on the server."));
    document.head.append(script);
  });
}

function msalAuth(config) {
  const scopes = config.scopes || [];
  const guestAllowed = config.auth_mode === "optional";
  let msal = null;
  let app = null;
  let account = null;
  let guest = false;

  async function ready() {
    if (app) return app;
    msal = await loadMsal();
    const authority = config.authority || `https://login.microsoftonline.com/${config.tenant_id}`;
    app = new msal.PublicClientApplication({
      auth: {
        clientId: config.client_id,
        authority,
        knownAuthorities: [new URL(authority).host],
        // MSAL v5 answers popups and silent renewals through a bridge page (redirect.html);
        // this exact URL must be a redirect URI of the app registration (SPA platform).
        redirectUri: `${location.origin}/redirect.html`,
        postLogoutRedirectUri: `${location.origin}/`,
      },
      cache: { cacheLocation: "sessionStorage" },
    });
    await app.initialize();
    const redirected = await app.handleRedirectPromise();
    if (redirected && redirected.account) app.setActiveAccount(redirected.account);
    return app;
  }

  const name = (a) => (a ? a.name || a.username || "signed in" : null);

  return {
    kind: "msal",
    guestAllowed,
    get user() {
      return guest ? "anonymous" : name(account);
    },
    async restore() {
      if (guestAllowed && sessionStorage.getItem(GUEST_KEY)) {
        guest = true;
        return "anonymous";
      }
      const pca = await ready();
      account = pca.getActiveAccount() || pca.getAllAccounts()[0] || null;
      if (account) pca.setActiveAccount(account);
      return name(account);
    },
    async signIn(asGuest) {
      if (asGuest && guestAllowed) {
        guest = true;
        sessionStorage.setItem(GUEST_KEY, "1");
        return "anonymous";
      }
      const pca = await ready();
      const result = await pca.loginPopup({ scopes });
      account = result.account;
      pca.setActiveAccount(account);
      return name(account);
    },
    async signOut() {
      if (guest) {
        guest = false;
        sessionStorage.removeItem(GUEST_KEY);
        return;
      }
      const pca = await ready();
      const signedOut = account;
      account = null;
      await pca.logoutRedirect({ account: signedOut });
    },
    async headers() {
      if (guest) return { "X-Auth-Optional": "true" };
      if (!account) throw new SessionExpiredError("You are signed out. Sign in again.");
      try {
        const result = await app.acquireTokenSilent({ scopes, account });
        return { Authorization: `Bearer ${result.accessToken}` };
      } catch (error) {
        // InteractionRequiredAuthError and friends: the refresh token is gone or revoked.
        throw new SessionExpiredError(`Your session has expired (${error.errorCode || error.name}). Sign in again.`);
      }
    },
    forget() {
      account = null;
    },
  };
}
