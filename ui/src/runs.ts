// The runs list: newest first, filtered by status and workflow name, paged with the API's page
// tokens, and refreshed when the all-runs event stream says a run started or ended.

import { call, stream } from "./api";
import { badge, clear, connection, h } from "./dom";
import { between, duration, statusKey, statusLabel, time } from "./format";
import type { Page } from "./main";
import type { CairnEvent, ListRunsResponse } from "./model";
import { payloadOf } from "./model";

const STATUSES = ["RUNNING", "CANCELLING", "SUCCEEDED", "FAILED", "CANCELLED"];
const PAGE_SIZE = 50;

export function runsPage(root: HTMLElement, params: URLSearchParams): Page {
  const status = params.get("status") ?? "";
  const name = params.get("name") ?? "";
  const pageToken = params.get("page") ?? "";
  const previous = params.getAll("prev");

  const statusSelect = h("select", { id: "filter-status", name: "status" },
    h("option", { value: "" }, "All"),
    ...STATUSES.map((value) => h("option", { value, selected: value === status }, value.toLowerCase())));
  const nameInput = h("input", { id: "filter-name", name: "name", value: name, placeholder: "exact name", size: 18 });
  const filters = h("form", { class: "filters", role: "search", "aria-label": "Filter runs" },
    h("label", { for: "filter-status" }, "Status", statusSelect),
    h("label", { for: "filter-name" }, "Workflow", nameInput),
    h("button", { type: "submit" }, "Filter"));
  filters.addEventListener("submit", (event) => {
    event.preventDefault();
    navigate({ status: statusSelect.value, name: nameInput.value.trim() });
  });
  statusSelect.addEventListener("change", () => navigate({ status: statusSelect.value, name: nameInput.value.trim() }));

  const body = h("tbody");
  const note = h("p", { class: "muted", role: "status" }, "Loading…");
  const pager = h("nav", { class: "pager", "aria-label": "Pages" });
  root.append(
    h("h1", {}, "Runs"),
    filters,
    h("div", { class: "table-wrap" },
      h("table", { id: "runs" },
        h("thead", {}, h("tr", {},
          h("th", { scope: "col" }, "Status"), h("th", { scope: "col" }, "Workflow"),
          h("th", { scope: "col" }, "Run"), h("th", { scope: "col" }, "Submitted"),
          h("th", { scope: "col" }, "Ended"), h("th", { scope: "col", class: "num" }, "Duration"))),
        body)),
    note,
    pager);

  let disposed = false;
  let reloadTimer: number | undefined;

  const load = async (): Promise<void> => {
    const query = new URLSearchParams({ page_size: String(PAGE_SIZE) });
    if (status) query.set("status", status);
    if (name) query.set("name", name);
    if (pageToken) query.set("page_token", pageToken);
    try {
      const page = await call<ListRunsResponse>("GET", `/api/v1/runs?${query}`);
      if (disposed) return;
      render(page);
    } catch (error) {
      if (!disposed) note.textContent = `Could not load runs: ${(error as Error).message}`;
    }
  };

  const render = (page: ListRunsResponse): void => {
    clear(body);
    for (const run of page.runs ?? []) {
      const key = statusKey(run.status);
      body.append(h("tr", { "data-run": run.runId, "data-status": key },
        h("td", {}, badge(key, statusLabel(run.status))),
        h("td", {}, run.name ?? ""),
        h("td", {}, h("a", { href: `#/runs/${encodeURIComponent(run.runId)}`, class: "mono" }, run.runId)),
        h("td", {}, time(run.createTime)),
        h("td", {}, time(run.endTime)),
        h("td", { class: "num" }, duration(between(run.createTime, run.endTime)))));
    }
    note.textContent = (page.runs ?? []).length === 0 ? "No runs." : "";
    clear(pager);
    if (previous.length > 0) {
      pager.append(h("button", { type: "button", onclick: () => navigate(
        { status, name, page: previous[previous.length - 1], prev: previous.slice(0, -1) }) }, "← Newer"));
    }
    if (page.nextPageToken) {
      pager.append(h("button", { type: "button", onclick: () => navigate(
        { status, name, page: page.nextPageToken!, prev: [...previous, pageToken] }) }, "Older →"));
    }
  };

  // Any run submitted, cancelled or ended changes some row or the first page: reload, at most
  // every half second however many runs end at once.
  const events = stream("/api/v1/events?after_seq=now", {
    onFrame(type, data) {
      if (type !== "event") return;
      const { kind } = payloadOf(JSON.parse(data) as CairnEvent);
      if (!kind.startsWith("run")) return;
      if (reloadTimer === undefined) {
        reloadTimer = window.setTimeout(() => {
          reloadTimer = undefined;
          void load();
        }, 500);
      }
    },
    onState(state) {
      connection(state);
      // Whatever happened while the stream was down is in the list now.
      if (state === "retrying") retried = true;
      else if (retried) {
        retried = false;
        void load();
      }
    },
  });
  let retried = false;
  void load();

  return {
    dispose() {
      disposed = true;
      events.close();
      connection("closed");
      if (reloadTimer !== undefined) clearTimeout(reloadTimer);
    },
  };
}

function navigate(query: { status: string; name: string; page?: string; prev?: string[] }): void {
  const params = new URLSearchParams();
  if (query.status) params.set("status", query.status);
  if (query.name) params.set("name", query.name);
  if (query.page) params.set("page", query.page);
  for (const token of query.prev ?? []) params.append("prev", token);
  const text = params.toString();
  location.hash = `#/runs${text ? `?${text}` : ""}`;
}
