// The API's JSON shapes (proto3 JSON of cairn.v1 messages: lowerCamelCase fields, 64-bit
// integers as strings, enums by name, defaults omitted) and the step statuses a run's events imply.

export interface RunSummary {
  runId: string;
  name?: string;
  status?: string;
  createTime?: string;
  endTime?: string;
}

export interface ListRunsResponse {
  runs?: RunSummary[];
  nextPageToken?: string;
}

export interface StepSpec {
  id: string;
  run?: string;
  argv?: { args?: string[] };
  dependsOn?: string[];
}

export interface Attempt {
  number?: number;
  startTime?: string;
  endTime?: string;
  pid?: string;
  exitCode?: number;
  failureReason?: string;
  message?: string;
  outputBytes?: string;
  duration?: string;
  finished?: boolean;
  signal?: number;
}

export interface StepRun {
  stepId: string;
  status?: string;
  attempts?: Attempt[];
  nextAttemptTime?: string;
  skipCauseStepId?: string;
  carriedFromRunId?: string;
}

export interface Run {
  runId: string;
  name?: string;
  status?: string;
  spec?: { name?: string; steps?: StepSpec[] };
  createTime?: string;
  endTime?: string;
  steps?: StepRun[];
  lastSeq?: string;
  cancelReason?: string;
  rerunOf?: string;
  rerunRunIds?: string[];
}

export interface CairnEvent {
  globalSeq?: string;
  runId?: string;
  runSeq?: string;
  time?: string;
  [payload: string]: unknown;
}

export const PAYLOADS = [
  "runSubmitted", "stepStarted", "stepSucceeded", "stepFailed", "stepRetryScheduled",
  "stepSkipped", "stepCancelled", "runCancelRequested", "runSucceeded", "runFailed",
  "runCancelled", "stepTimedOut",
] as const;

export function payloadOf(event: CairnEvent): { kind: string; body: Record<string, unknown> } {
  for (const kind of PAYLOADS) {
    const body = event[kind];
    if (body !== undefined) return { kind, body: body as Record<string, unknown> };
  }
  return { kind: "unknown", body: {} };
}

/**
 * The status a step or the run has after an event, as the server's evolver decides it: enough to
 * colour the graph the moment an event arrives (the step table is fetched again for the details).
 */
export function statusAfter(event: CairnEvent): { stepId?: string; step?: string; run?: string } {
  const { kind, body } = payloadOf(event);
  const stepId = body.stepId as string | undefined;
  switch (kind) {
    case "stepStarted": return { stepId, step: "STEP_STATUS_RUNNING" };
    case "stepSucceeded": return { stepId, step: "STEP_STATUS_SUCCEEDED" };
    case "stepFailed": return { stepId, step: "STEP_STATUS_FAILED" };
    case "stepRetryScheduled": return { stepId, step: "STEP_STATUS_RETRY_WAIT" };
    case "stepSkipped": return { stepId, step: "STEP_STATUS_SKIPPED" };
    case "stepCancelled": return { stepId, step: "STEP_STATUS_CANCELLED" };
    case "runCancelRequested": return { run: "RUN_STATUS_CANCELLING" };
    case "runSucceeded": return { run: "RUN_STATUS_SUCCEEDED" };
    case "runFailed": return { run: "RUN_STATUS_FAILED" };
    case "runCancelled": return { run: "RUN_STATUS_CANCELLED" };
    case "runSubmitted": return { run: "RUN_STATUS_RUNNING" };
    default: return {};
  }
}

export function terminal(status: string | undefined): boolean {
  return status === "RUN_STATUS_SUCCEEDED" || status === "RUN_STATUS_FAILED"
    || status === "RUN_STATUS_CANCELLED";
}

/** One line of the event history. */
export function describe(event: CairnEvent): string {
  const { kind, body } = payloadOf(event);
  const step = body.stepId ? `${body.stepId as string}` : "";
  const attempt = body.attempt ? ` #${body.attempt as number}` : "";
  switch (kind) {
    case "runSubmitted": return `run submitted${body.principal ? ` by ${body.principal as string}` : ""}`;
    case "stepStarted": return `${step}${attempt} started (pid ${body.pid as string})`;
    case "stepSucceeded": return `${step}${attempt} succeeded`;
    case "stepFailed": {
      const why = String(body.reason ?? "").replace(/^FAILURE_REASON_/, "").toLowerCase();
      const code = body.exitCode !== undefined ? `, exit ${body.exitCode as number}` : "";
      const message = body.message ? `: ${body.message as string}` : "";
      return `${step}${attempt} failed (${why}${code})${message}`;
    }
    case "stepRetryScheduled": return `${step} retry #${body.nextAttempt as number} due ${body.dueTime as string}`;
    case "stepSkipped": return `${step} skipped (upstream ${body.causeStepId as string})`;
    case "stepCancelled": return `${step}${attempt} cancelled`;
    case "stepTimedOut": return `${step}${attempt} timed out after ${body.timeout as string}`;
    case "runCancelRequested": return `cancel requested${body.reason ? `: ${body.reason as string}` : ""}`;
    case "runSucceeded": return "run succeeded";
    case "runFailed": return `run failed (${((body.failedStepIds as string[]) ?? []).join(", ")})`;
    case "runCancelled": return "run cancelled";
    default: return kind;
  }
}
