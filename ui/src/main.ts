// The page's entry: signs in (a one-time code from `cairn ui`, else the token typed once and kept
// for this tab in sessionStorage), then shows the page the URL's fragment names.

import { ApiError, call, clearToken, dropConnections, setToken, token, whenUnauthorized } from "./api";
import { clear, h } from "./dom";
import { runPage } from "./run";
import { runsPage } from "./runs";
import { serverPage } from "./server";

/** What a page leaves running (streams, timers), stopped when another page is shown. */
export type Page = { dispose(): void };

const main = document.getElementById("main")!;
const signOut = document.getElementById("sign-out") as HTMLButtonElement;
let current: Page | null = null;

function show(page: (root: HTMLElement, params: URLSearchParams, id?: string) => Page,
  params: URLSearchParams, id?: string): void {
  current?.dispose();
  clear(main);
  current = page(main, params, id);
}

function route(): void {
  if (/^#code=/.test(location.hash)) {
    redeemCode().then(route, () => {});
    return;
  }
  if (!token()) {
    signIn();
    return;
  }
  signOut.hidden = false;
  const hash = location.hash.replace(/^#/, "") || "/runs";
  const [path, query] = hash.split("?", 2);
  const params = new URLSearchParams(query ?? "");
  const parts = path.split("/").filter(Boolean);
  for (const link of document.querySelectorAll<HTMLAnchorElement>("[data-nav]")) {
    if (link.dataset.nav === parts[0]) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  if (parts[0] === "runs" && parts[1]) show(runPage, params, decoded(parts[1]));
  else if (parts[0] === "server") show(serverPage, params);
  else show(runsPage, params);
}

/** A path segment decoded; as it is when it is not valid percent-encoding (the run is not found). */
function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function signIn(message?: string): void {
  current?.dispose();
  current = null;
  signOut.hidden = true;
  clear(main);
  const input = h("input", {
    type: "password", id: "token", name: "token", autocomplete: "off", required: true,
    "aria-describedby": "token-help",
  });
  const error = h("p", { class: "error", role: "alert", hidden: !message }, message ?? "");
  const form = h("form", {},
    h("label", { for: "token" }, "Bearer token"),
    input,
    h("p", { id: "token-help", class: "muted" },
      "The token is in the server's data directory (file ", h("code", {}, "token"),
      "). Or run ", h("code", {}, "cairn ui"), " to open this page signed in."),
    error,
    h("button", { type: "submit" }, "Sign in"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    setToken(input.value.trim());
    try {
      await call("GET", "/api/v1/server/stats");
      route();
    } catch (failure) {
      clearToken();
      error.hidden = false;
      error.textContent = failure instanceof ApiError && failure.status === 401
        ? "The server refused this token." : `Could not reach the server: ${String(failure)}`;
    }
  });
  main.appendChild(h("section", { class: "signin", "aria-labelledby": "signin-title" },
    h("h1", { id: "signin-title" }, "Sign in to Cairn"), form));
  input.focus();
}

/** `cairn ui` opens the page with #code=...: exchange it once, then drop it from the URL. */
async function redeemCode(): Promise<void> {
  const match = /^#code=([A-Za-z0-9_-]+)/.exec(location.hash);
  if (!match) return;
  history.replaceState(null, "", `${location.pathname}#/runs`);
  try {
    const answer = await call<{ token: string }>("POST", "/api/v1/ui-sessions", { code: match[1] });
    setToken(answer.token);
  } catch (failure) {
    // A tab already signed in stays signed in: a stale or made-up code must not sign it out.
    if (token()) return;
    const message = failure instanceof ApiError ? failure.message : String(failure);
    signIn(message);
    throw failure;
  }
}

whenUnauthorized(() => {
  clearToken();
  signIn("The server refused the token (was it changed?). Sign in again.");
});
signOut.addEventListener("click", () => {
  clearToken();
  signIn();
});
(window as unknown as { cairnDropConnections: () => void }).cairnDropConnections = dropConnections;
window.addEventListener("hashchange", route);
route();
