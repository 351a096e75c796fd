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

// One event of a text/event-stream ("id: ..\nevent: ..\ndata: .."); null for a comment.
function parseEvent(block) {
  const event = { id: "", event: "message", data: "" };
  let any = false;
  for (const line of block.split("\n")) {
    const colon = line.indexOf(":");
    if (colon === 0) continue;
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "id") event.id = value;
    else if (field === "event") event.event = value;
    else if (field === "data") event.data += (event.data ? "\n" : "") + value;
    else continue;
    any = true;
  }
  return any ? event : null;
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

  // A job's Server-Sent Events, read with fetch (EventSource cannot send the Authorization
  // header), each passed to onEvent({id, event, data}) as it arrives. A dropped connection is
  // taken up again with Last-Event-ID, so nothing is missed or repeated. Resolves after the
  // job's last event ("done", "failed", or "error"), or when `signal` aborts.
  async function followEvents(jobId, onEvent, signal) {
    let lastId = "";
    for (let attempt = 0; attempt < 60 && !signal?.aborted; attempt += 1) {
      const headers = { ...(await auth.headers()), Accept: "text/event-stream" };
      if (lastId) headers["Last-Event-ID"] = lastId;
      let response;
      try {
        response = await fetch(`/api/jobs/${job(jobId)}/events`, { headers, signal });
      } catch {
        if (signal?.aborted) return;
        await new Promise((r) => setTimeout(r, 1000));
        continue;
      }
      if (response.status === 401) throw new SessionExpiredError();
      if (!response.ok) throw await readError(response);
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          for (let at = buffer.indexOf("\n\n"); at >= 0; at = buffer.indexOf("\n\n")) {
            const event = parseEvent(buffer.slice(0, at));
            buffer = buffer.slice(at + 2);
            if (!event) continue; // a keep-alive comment
            if (event.id) lastId = event.id;
            onEvent(event);
            if (["done", "failed", "error"].includes(event.event)) return;
          }
        }
      } catch {
        if (signal?.aborted) return;
      }
      await new Promise((r) => setTimeout(r, 1000)); // dropped: take it up where it stopped
    }
  }
  const query = (params) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "") q.set(k, v);
    const s = q.toString();
    return s ? `?${s}` : "";
  };

  return {
    // 202: the queued job; its images come through events().
    generate: (input) => call("POST", "/api/generate", input),
    job: (jobId) => call("GET", `/api/jobs/${job(jobId)}`),
    cancelJob: (jobId) => call("POST", `/api/jobs/${job(jobId)}/cancel`),
    events: (jobId, onEvent, signal) => followEvents(jobId, onEvent, signal),
    history: (limit, cursor) => call("GET", `/api/history${query({ limit, cursor })}`),
    favorites: (limit, cursor) => call("GET", `/api/favorites${query({ limit, cursor })}`),
    favorite: (jobId, index) => call("PUT", `/api/favorites/${job(jobId)}/${index}`),
    unfavorite: (jobId, index) => call("DELETE", `/api/favorites/${job(jobId)}/${index}`),
    deleteJob: (jobId) => call("DELETE", `/api/history/${job(jobId)}`),
    restoreJob: (jobId) => call("POST", `/api/history/${job(jobId)}/restore`),
    storage: () => call("GET", "/api/me/storage"),
  };
}
