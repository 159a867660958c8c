// The HTTP/JSON API (docs/http-api.md): calls with the bearer token, and server-sent event
// streams read with fetch (EventSource cannot send an Authorization header) that resume after a
// dropped connection from the last id they saw, so that nothing is missed or repeated.

const TOKEN_KEY = "cairn.token";

export function token(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(value: string): void {
  sessionStorage.setItem(TOKEN_KEY, value);
}

export function clearToken(): void {
  sessionStorage.removeItem(TOKEN_KEY);
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

/** Called when the server refuses the token: the page goes back to the sign-in form. */
let onUnauthorized: () => void = () => {};
export function whenUnauthorized(handler: () => void): void {
  onUnauthorized = handler;
}

function headers(extra: Record<string, string> = {}): Record<string, string> {
  const result: Record<string, string> = { ...extra };
  const current = token();
  if (current) result.Authorization = `Bearer ${current}`;
  return result;
}

async function failure(response: Response): Promise<ApiError> {
  let body: { code?: string; reason?: string; message?: string } = {};
  try {
    body = await response.json();
  } catch {
    // Not JSON (a proxy's page, say): the status says enough.
  }
  return new ApiError(
    response.status,
    body.code ?? String(response.status),
    body.reason ?? "",
    body.message ?? response.statusText,
  );
}

export async function call<T>(method: "GET" | "POST", path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method,
    headers: headers(body === undefined ? {} : { "Content-Type": "application/json" }),
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: "no-store",
  });
  if (!response.ok) {
    const error = await failure(response);
    if (response.status === 401 && path !== "/api/v1/ui-sessions") onUnauthorized();
    throw error;
  }
  return (await response.json()) as T;
}

export interface StreamHandlers {
  /** One frame; `id` is where the stream would resume after it. */
  onFrame(type: string, data: string, id: string | undefined): void;
  /** The stream ended normally (the server sent `end`). */
  onEnd?(): void;
  /** The server refused or ended the stream with an error it will not get over by retrying. */
  onFailure?(error: ApiError): void;
  /** Connected or reconnecting: for the page's connection indicator. */
  onState?(state: "open" | "retrying"): void;
}

export interface Stream {
  close(): void;
}

/** Errors after which the same request may succeed: a slow watcher, a restarting server. */
const RETRIABLE = new Set(["ABORTED", "UNAVAILABLE", "RESOURCE_EXHAUSTED", "INTERNAL"]);

/**
 * Opens a server-sent event stream and keeps it open: after a dropped connection it reconnects
 * with Last-Event-ID set to the last id received, backing off up to 5 s between tries.
 */
export function stream(path: string, handlers: StreamHandlers, lastId?: string): Stream {
  let abort = new AbortController();
  let last = lastId;
  let closed = false;
  let backoff = 250;

  const run = async (): Promise<void> => {
    while (!closed) {
      let ended = false;
      abort = new AbortController();
      const connection = abort;
      open.add(connection);
      try {
        const response = await fetch(path, {
          headers: headers(last === undefined ? {} : { "Last-Event-ID": last }),
          cache: "no-store",
          signal: abort.signal,
        });
        if (!response.ok) {
          const error = await failure(response);
          if (response.status === 401) {
            onUnauthorized();
            return;
          }
          if (!RETRIABLE.has(error.code)) {
            handlers.onFailure?.(error);
            return;
          }
          throw error;
        }
        handlers.onState?.("open");
        backoff = 250;
        const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = "";
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let split: number;
          while ((split = buffer.indexOf("\n\n")) >= 0) {
            const frame = buffer.slice(0, split);
            buffer = buffer.slice(split + 2);
            const parsed = parse(frame);
            if (!parsed) continue;
            if (parsed.type === "end") {
              ended = true;
              handlers.onEnd?.();
              return;
            }
            if (parsed.type === "failure") {
              const body = JSON.parse(parsed.data) as { code: string; reason?: string; message: string };
              const error = new ApiError(0, body.code, body.reason ?? "", body.message);
              if (!RETRIABLE.has(body.code)) {
                ended = true;
                handlers.onFailure?.(error);
                return;
              }
              throw error;
            }
            if (parsed.id !== undefined) last = parsed.id;
            handlers.onFrame(parsed.type, parsed.data, parsed.id);
          }
        }
      } catch (error) {
        if (closed || ended) return;
        // Dropped, refused for now, or the server restarting: try again from the last id.
      } finally {
        open.delete(connection);
      }
      if (closed) return;
      handlers.onState?.("retrying");
      await new Promise((resolve) => setTimeout(resolve, backoff));
      backoff = Math.min(5000, backoff * 2);
    }
  };
  void run();
  return {
    close() {
      closed = true;
      abort.abort();
    },
  };
}

/** The connections of every open stream, so that a test can drop them all as a network would. */
const open = new Set<AbortController>();

/**
 * Drops every stream's connection, as a network failure would; each stream then reconnects from
 * the last id it saw. The browser test (ui/e2e) calls it to check that nothing is missed.
 */
export function dropConnections(): void {
  for (const connection of open) connection.abort();
}

function parse(frame: string): { type: string; data: string; id?: string } | null {
  let type = "message";
  let id: string | undefined;
  const data: string[] = [];
  for (const line of frame.split("\n")) {
    if (line.startsWith(":") || line === "") continue;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "event") type = value;
    else if (field === "data") data.push(value);
    else if (field === "id") id = value;
  }
  if (data.length === 0 && id === undefined) return null;
  return { type, data: data.join("\n"), id };
}
