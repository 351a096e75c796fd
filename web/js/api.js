// The HTTP API client: one place that adds the token, parses the error envelope
// ({"error":{"code","message"}}) and turns a 401 into SessionExpiredError.

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
  }
}

// The token is missing, expired or refused: the UI asks the person to sign in again.
export class SessionExpiredError extends ApiError {
  constructor(message = "Your session has expired. Sign in again.") {
    super(401, "session_expired", message);
    this.name = "SessionExpiredError";
  }
}

async function readError(response) {
  let code = `http_${response.status}`;
  let message = `${response.status} ${response.statusText}`.trim();
  try {
    const body = await response.json();
    if (body && body.error) {
      code = body.error.code || code;
      message = body.error.message || message;
    }
  } catch {
    // Not JSON (a proxy's page, say): the status line is the best message there is.
  }
  return new ApiError(response.status, code, message);
}

// One fetch with a JSON body (when given); a network failure becomes an ApiError.
async function send(method, path, headers, body) {
  const init = { method, headers: { Accept: "application/json", ...headers } };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  try {
    return await fetch(path, init);
  } catch {
    throw new ApiError(0, "network", "The server cannot be reached. Check your connection.");
  }
}

// Plain request without credentials: /api/config and the dev token endpoint.
export async function publicJson(method, path, body) {
  const response = await send(method, path, {}, body);
  if (!response.ok) throw await readError(response);
  return response.json();
}

// An API bound to a credential source: auth.headers() gives the Authorization (or
// X-Auth-Optional) header, or throws SessionExpiredError when there is no usable token.
export function createApi(auth) {
  async function call(method, path, body) {
    const response = await send(method, path, await auth.headers(), body);
    if (response.status === 401) {
      const error = await readError(response);
      console.info(`noisett: the API refused the token (${error.code}): ${error.message}`);
      throw new SessionExpiredError();
    }
    if (!response.ok) throw await readError(response);
    if (response.status === 204) return {};
    const text = await response.text();
    return text ? JSON.parse(text) : {};
  }

  const job = (id) => encodeURIComponent(id);
  const query = (params) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "") q.set(k, v);
    const s = q.toString();
    return s ? `?${s}` : "";
  };

  return {
    // Until the gallery follows a job by its events, it waits for the stored job (201).
    generate: (input) => call("POST", "/api/generate", { ...input, wait: true }),
    history: (limit, cursor) => call("GET", `/api/history${query({ limit, cursor })}`),
    favorites: (limit, cursor) => call("GET", `/api/favorites${query({ limit, cursor })}`),
    favorite: (jobId, index) => call("PUT", `/api/favorites/${job(jobId)}/${index}`),
    unfavorite: (jobId, index) => call("DELETE", `/api/favorites/${job(jobId)}/${index}`),
    deleteJob: (jobId) => call("DELETE", `/api/history/${job(jobId)}`),
    restoreJob: (jobId) => call("POST", `/api/history/${job(jobId)}/restore`),
    storage: () => call("GET", "/api/me/storage"),
  };
}
