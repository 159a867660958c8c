// A run's page: the DAG coloured by step status, the step table, the output of any attempt, the
// event history, and the cancel button. One event stream (from the run's first event, resumed from
// the last one seen after a dropped connection) drives it all: each event colours its step at
// once, and the run's state is fetched again (at most every 300 ms) for attempts and exit codes.

import { ApiError, call, stream } from "./api";
import { Dag, layoutSteps } from "./dag";
import { badge, clear, connection, h } from "./dom";
import { between, duration, durationMillis, reason, statusKey, statusLabel, time } from "./format";
import type { Page } from "./main";
import type { Attempt, CairnEvent, Run, StepRun } from "./model";
import { describe, statusAfter, terminal } from "./model";
import { OutputView } from "./output";

const REFRESH_MILLIS = 300;

export function runPage(root: HTMLElement, _params: URLSearchParams, runId?: string): Page {
  const id = runId!;
  let disposed = false;
  let run: Run | null = null;
  let dag: Dag | null = null;
  let laidOut: Promise<void> | null = null;
  let events: ReturnType<typeof stream> | null = null;
  let refreshTimer: number | undefined;
  let refreshing = false;
  let refreshAgain = false;
  let selected: string | null = null;
  let outputOpenFor: string | null = null;
  // Step statuses as of the run's event `statusSeq`: from a fetched state or from events after it.
  const statuses = new Map<string, string>();
  let statusSeq = 0;
  let runStatus = "";
  const rows = new Map<string, HTMLTableRowElement>();
  const queue: CairnEvent[] = [];
  let flushScheduled = false;

  const title = h("h1", { id: "run-title" }, "Run");
  const runBadge = h("span", { id: "run-status" });
  const cancel = h("button", { type: "button", id: "cancel", class: "danger", disabled: true }, "Cancel run");
  // Shown once the run has ended: runs again what did not succeed, as a new run, and opens it.
  const rerun = h("button", { type: "button", id: "rerun", hidden: true }, "Rerun");
  const facts = h("div", { class: "facts" });
  const message = h("p", { class: "error", role: "alert", hidden: true });
  const stepBody = h("tbody");
  const stepSelect = h("select", { id: "output-step" });
  const attemptSelect = h("select", { id: "output-attempt" });
  const follow = h("input", { type: "checkbox", id: "output-follow", checked: true });
  const outputNote = h("span", { class: "muted", id: "output-note", role: "status" });
  const output = new OutputView();
  const history = h("tbody");
  const dagSlot = h("div", { class: "muted", role: "status" });

  root.append(
    h("p", {}, h("a", { href: "#/runs" }, "← Runs")),
    h("div", { class: "run-head" }, title, runBadge, cancel, rerun),
    facts,
    message,
    h("div", { class: "grid" },
      h("section", { "aria-labelledby": "dag-title" },
        h("h2", { id: "dag-title" }, "Graph"),
        h("div", { class: "legend", "aria-hidden": "true" },
          ...["pending", "running", "retry_wait", "succeeded", "failed", "skipped", "cancelled"].map(
            (key) => badge(key, key.replace("_", " ")))),
        dagSlot),
      h("section", { "aria-labelledby": "steps-title" },
        h("h2", { id: "steps-title" }, "Steps"),
        h("div", { class: "steps-wrap" },
          h("table", { id: "steps" },
            h("thead", {}, h("tr", {},
              h("th", { scope: "col" }, "Step"), h("th", { scope: "col" }, "Status"),
              h("th", { scope: "col" }, "Attempts"), h("th", { scope: "col", class: "num" }, "Exit"),
              h("th", { scope: "col" }, "Failure"), h("th", { scope: "col", class: "num" }, "Duration"))),
            stepBody)))),
    h("section", { "aria-labelledby": "output-title" },
      h("h2", { id: "output-title" }, "Output"),
      h("div", { class: "output-head" },
        h("label", { for: "output-step" }, "Step", stepSelect),
        h("label", { for: "output-attempt" }, "Attempt", attemptSelect),
        h("label", { for: "output-follow" }, "Follow", follow),
        outputNote),
      output.element),
    h("section", { "aria-labelledby": "history-title" },
      h("h2", { id: "history-title" }, "Events"),
      h("div", { class: "history" },
        h("table", { id: "history" },
          h("thead", {}, h("tr", {},
            h("th", { scope: "col", class: "num" }, "#"), h("th", { scope: "col" }, "Time"),
            h("th", { scope: "col" }, "Event"))),
          history))));

  const showError = (text: string): void => {
    message.hidden = false;
    message.textContent = text;
  };

  const setRunStatus = (status: string): void => {
    runStatus = status;
    clear(runBadge);
    runBadge.append(badge(statusKey(status), statusLabel(status)));
    cancel.disabled = status !== "RUN_STATUS_RUNNING";
    rerun.hidden = !terminal(status);
  };

  const runLink = (runId: string): HTMLElement =>
    h("a", { href: `#/runs/${encodeURIComponent(runId)}`, class: "mono" }, runId);

  const setStepStatus = (stepId: string, status: string): void => {
    statuses.set(stepId, status);
    const key = statusKey(status);
    dag?.setStatus(stepId, key);
    const row = rows.get(stepId);
    if (row) {
      row.dataset.status = key;
      const cell = row.cells[1];
      clear(cell);
      cell.append(badge(key, statusLabel(status)));
    }
    // A selected step that starts now: show its output as it is written.
    if (stepId === selected && key === "running" && outputOpenFor !== stepId) openOutput();
  };

  const render = (state: Run): void => {
    run = state;
    title.textContent = state.name || state.spec?.name || "Run";
    facts.replaceChildren(
      h("span", {}, "Run ", h("code", {}, state.runId)),
      h("span", {}, `Submitted ${time(state.createTime)}`),
      ...(state.endTime ? [h("span", {}, `Ended ${time(state.endTime)}`)] : []),
      h("span", { id: "run-duration" }, `Duration ${duration(between(state.createTime, state.endTime))}`),
      ...(state.cancelReason ? [h("span", {}, `Cancel reason: ${state.cancelReason}`)] : []),
      ...(state.rerunOf ? [h("span", { id: "rerun-of" }, "Rerun of ", runLink(state.rerunOf))] : []),
      ...(state.rerunRunIds?.length
        ? [h("span", { id: "reruns" }, "Rerun as ",
          ...state.rerunRunIds.flatMap((other, index) => index ? [", ", runLink(other)] : [runLink(other)]))]
        : []),
    );
    if (!laidOut) {
      const steps = state.spec?.steps ?? [];
      dagSlot.textContent = "Laying out the graph…";
      laidOut = layoutSteps(steps).then((layout) => {
        if (disposed) return;
        dag = new Dag(steps, layout, select);
        for (const [stepId, status] of statuses) dag.setStatus(stepId, statusKey(status));
        dag.select(selected);
        dagSlot.replaceWith(dag.element);
      }).catch((error: unknown) => {
        if (!disposed) dagSlot.textContent = `The graph could not be laid out: ${(error as Error)?.message ?? error}`;
      });
      for (const step of steps) {
        stepSelect.append(h("option", { value: step.id }, step.id));
      }
      stepSelect.value = "";
    }
    const seq = Number(state.lastSeq ?? 0);
    if (seq > statusSeq) {
      statusSeq = seq;
      setRunStatus(state.status ?? "");
      for (const step of state.steps ?? []) setStepStatus(step.stepId, step.status ?? "");
    }
    for (const step of state.steps ?? []) renderRow(step);
    if (selected) renderAttempts(false);
  };

  const renderRow = (step: StepRun): void => {
    let row = rows.get(step.stepId);
    if (!row) {
      row = h("tr", { "data-step": step.stepId },
        h("td", {}, h("button", { type: "button", class: "link mono", onclick: () => select(step.stepId) }, step.stepId)),
        h("td"), h("td"), h("td", { class: "num" }), h("td"), h("td", { class: "num" }));
      rows.set(step.stepId, row);
      stepBody.append(row);
      const status = statuses.get(step.stepId) ?? step.status ?? "";
      row.dataset.status = statusKey(status);
      row.cells[1].append(badge(statusKey(status), statusLabel(status)));
    }
    const attempts = step.attempts ?? [];
    const last: Attempt | undefined = attempts[attempts.length - 1];
    row.cells[2].textContent = attempts.map((attempt) => attemptText(attempt)).join(", ");
    row.cells[3].textContent = last?.finished ? String(last.signal ? `signal ${last.signal}` : (last.exitCode ?? 0)) : "";
    row.cells[4].textContent = last?.failureReason
      ? `${reason(last.failureReason)}${last.message ? `: ${last.message}` : ""}`
      : step.skipCauseStepId ? `upstream ${step.skipCauseStepId}` : "";
    row.cells[5].textContent = last ? duration(attemptMillis(last)) : "";
  };

  const renderAttempts = (reset: boolean): void => {
    const step = run?.steps?.find((candidate) => candidate.stepId === selected);
    const previous = attemptSelect.value;
    clear(attemptSelect);
    attemptSelect.append(h("option", { value: "0" }, "latest"));
    for (const attempt of step?.attempts ?? []) {
      attemptSelect.append(h("option", { value: String(attempt.number) }, attemptText(attempt)));
    }
    attemptSelect.value = reset ? "0" : previous || "0";
  };

  function select(stepId: string): void {
    selected = stepId;
    dag?.select(stepId);
    for (const [idOf, row] of rows) row.classList.toggle("selected", idOf === stepId);
    stepSelect.value = stepId;
    renderAttempts(true);
    openOutput();
  }

  const openOutput = (): void => {
    if (!selected) return;
    const hasAttempt = (run?.steps?.find((step) => step.stepId === selected)?.attempts ?? []).length > 0
      || statusKey(statuses.get(selected)) !== "pending";
    if (!hasAttempt) {
      output.close();
      outputOpenFor = null;
      output.element.textContent = "";
      outputNote.textContent = "The step has not started yet.";
      return;
    }
    outputOpenFor = selected;
    outputNote.textContent = follow.checked ? "Following…" : "";
    output.open(id, selected, Number(attemptSelect.value || "0"), follow.checked, (note) => {
      outputNote.textContent = note;
    });
  };

  stepSelect.addEventListener("change", () => select(stepSelect.value));
  attemptSelect.addEventListener("change", openOutput);
  follow.addEventListener("change", openOutput);

  cancel.addEventListener("click", async () => {
    if (!confirm(`Cancel run ${id}? Its running steps are stopped and pending ones will not start.`)) return;
    cancel.disabled = true;
    try {
      const answer = await call<{ status?: string }>("POST", `/api/v1/runs/${encodeURIComponent(id)}/cancel`, { reason: "cancelled from the web UI" });
      if (answer.status && !terminal(runStatus)) setRunStatus(answer.status);
    } catch (error) {
      showError(`Cancel failed: ${(error as Error).message}`);
      cancel.disabled = runStatus !== "RUN_STATUS_RUNNING";
    }
  });

  rerun.addEventListener("click", async () => {
    rerun.disabled = true;
    try {
      // A run that succeeded runs again whole; otherwise the steps that did not succeed run again
      // (the server's default, which refuses a rerun of a run with nothing left to run).
      const body = runStatus === "RUN_STATUS_SUCCEEDED"
        ? { steps: (run?.spec?.steps ?? []).map((step) => step.id) }
        : {};
      const answer = await call<{ runId: string }>("POST", `/api/v1/runs/${encodeURIComponent(id)}/rerun`, body);
      location.hash = `#/runs/${encodeURIComponent(answer.runId)}`;
    } catch (error) {
      showError(`Rerun failed: ${(error as Error).message}`);
    } finally {
      rerun.disabled = false;
    }
  });

  const refresh = async (): Promise<void> => {
    if (refreshing) {
      refreshAgain = true;
      return;
    }
    refreshing = true;
    try {
      const answer = await call<{ run: Run }>("GET", `/api/v1/runs/${encodeURIComponent(id)}`);
      if (!disposed) render(answer.run);
    } catch (error) {
      if (!disposed) showError(error instanceof ApiError && error.status === 404
        ? `No run ${id}.` : `Could not load the run: ${(error as Error).message}`);
    } finally {
      refreshing = false;
      if (refreshAgain && !disposed) {
        refreshAgain = false;
        scheduleRefresh();
      }
    }
  };

  const scheduleRefresh = (): void => {
    if (refreshTimer !== undefined || disposed) return;
    refreshTimer = window.setTimeout(() => {
      refreshTimer = undefined;
      void refresh();
    }, REFRESH_MILLIS);
  };

  // Events are applied in batches, once per frame, so a burst (a 500-step run's history) costs
  // one layout rather than one per event.
  const flush = (): void => {
    flushScheduled = false;
    const rowsToAdd = document.createDocumentFragment();
    for (const event of queue.splice(0)) {
      const seq = Number(event.runSeq ?? 0);
      rowsToAdd.append(h("tr", { "data-seq": seq },
        h("td", { class: "num" }, seq), h("td", {}, time(event.time)), h("td", {}, describe(event))));
      if (seq <= statusSeq) continue;
      statusSeq = seq;
      const change = statusAfter(event);
      if (change.stepId && change.step) setStepStatus(change.stepId, change.step);
      if (change.run) setRunStatus(change.run);
    }
    history.append(rowsToAdd);
    if (run) facts.querySelector("#run-duration")!.textContent
      = `Duration ${duration(between(run.createTime, terminal(runStatus) ? run.endTime ?? new Date().toISOString() : undefined))}`;
    scheduleRefresh();
  };

  const start = async (): Promise<void> => {
    await refresh();
    if (disposed || !run) return;
    events = stream(`/api/v1/runs/${encodeURIComponent(id)}/events?after_seq=0`, {
      onFrame(type, data) {
        if (type !== "event") return;
        queue.push(JSON.parse(data) as CairnEvent);
        if (!flushScheduled) {
          flushScheduled = true;
          requestAnimationFrame(flush);
        }
      },
      onEnd() {
        connection("closed");
        scheduleRefresh();
      },
      onFailure(error) {
        connection("closed");
        showError(error.message);
      },
      onState: connection,
    });
  };
  void start();

  return {
    dispose() {
      disposed = true;
      events?.close();
      output.close();
      connection("closed");
      if (refreshTimer !== undefined) clearTimeout(refreshTimer);
    },
  };
}

function attemptMillis(attempt: Attempt): number | undefined {
  return attempt.duration ? durationMillis(attempt.duration) : between(attempt.startTime, attempt.endTime);
}

function attemptText(attempt: Attempt): string {
  const number = `#${attempt.number ?? 1}`;
  if (!attempt.finished) return `${number} running`;
  const end = attempt.failureReason ? reason(attempt.failureReason) : "ok";
  const code = attempt.signal ? `signal ${attempt.signal}` : `exit ${attempt.exitCode ?? 0}`;
  return `${number} ${end} (${code}, ${duration(attemptMillis(attempt))})`;
}
