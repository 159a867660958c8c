// The server page: readiness and liveness (/q/health, which needs no token) and the main counters
// (GET /api/v1/server/stats), refreshed every two seconds.

import { call } from "./api";
import { badge, h } from "./dom";
import type { Page } from "./main";

interface Stats {
  commits?: string;
  eventsAppended?: string;
  runningAttempts?: number;
  liveRuns?: number;
  attemptsStarted?: string;
}

interface Health {
  status?: string;
  checks?: { name: string; status: string; data?: Record<string, unknown> }[];
}

export function serverPage(root: HTMLElement): Page {
  const health = h("div", { id: "health" }, "Loading…");
  const cards = h("div", { class: "cards", id: "stats" });
  const note = h("p", { class: "muted", role: "status" });
  root.append(h("h1", {}, "Server"), h("h2", {}, "Health"), health, h("h2", {}, "Counters"), cards, note);

  const card = (label: string, value: string | number | undefined): HTMLElement =>
    h("div", { class: "card" }, h("div", { class: "value" }, String(value ?? 0)), h("div", { class: "label" }, label));

  const load = async (): Promise<void> => {
    try {
      const stats = await call<Stats>("GET", "/api/v1/server/stats");
      cards.replaceChildren(
        card("Live runs", stats.liveRuns),
        card("Running attempts", stats.runningAttempts),
        card("Attempts started", stats.attemptsStarted),
        card("Events appended", stats.eventsAppended),
        card("Store commits", stats.commits),
      );
      note.textContent = `Updated ${new Date().toLocaleTimeString(undefined, { hour12: false })}. Since the server started; Prometheus metrics at /q/metrics.`;
    } catch (error) {
      note.textContent = `Could not load the counters: ${(error as Error).message}`;
    }
    try {
      const response = await fetch("/q/health", { cache: "no-store" });
      const body = (await response.json()) as Health;
      const up = body.status === "UP";
      health.replaceChildren(
        h("p", {}, badge(up ? "succeeded" : "failed", up ? "UP" : body.status ?? "DOWN")),
        h("ul", {}, ...(body.checks ?? []).map((check) =>
          h("li", {}, `${check.name}: ${check.status}`,
            check.data ? ` (${Object.entries(check.data).map(([key, value]) => `${key}: ${String(value)}`).join(", ")})` : ""))));
    } catch (error) {
      health.replaceChildren(h("p", {}, badge("failed", "UNREACHABLE"), ` ${(error as Error).message}`));
    }
  };
  void load();
  const timer = window.setInterval(() => void load(), 2000);
  return { dispose: () => clearInterval(timer) };
}
