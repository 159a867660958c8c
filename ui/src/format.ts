// How times, durations and statuses read on the page.

export function time(iso: string | undefined): string {
  if (!iso) return "";
  const date = new Date(iso);
  const now = new Date();
  const sameDay = date.toDateString() === now.toDateString();
  const clock = date.toLocaleTimeString(undefined, { hour12: false });
  return sameDay ? clock : `${date.toLocaleDateString()} ${clock}`;
}

/** Milliseconds from a protobuf Duration in JSON ("1.500s"). */
export function durationMillis(json: string | undefined): number | undefined {
  if (!json) return undefined;
  const seconds = Number.parseFloat(json.replace(/s$/, ""));
  return Number.isFinite(seconds) ? seconds * 1000 : undefined;
}

export function duration(millis: number | undefined): string {
  if (millis === undefined || !Number.isFinite(millis)) return "";
  if (millis < 1000) return `${Math.round(millis)} ms`;
  const seconds = millis / 1000;
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 2 : 1)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${Math.floor(seconds % 60)}s`;
  return `${Math.floor(minutes / 60)}h ${minutes % 60}m`;
}

export function between(start: string | undefined, end: string | undefined): number | undefined {
  if (!start) return undefined;
  const from = Date.parse(start);
  const to = end ? Date.parse(end) : Date.now();
  return to - from;
}

/** "RUN_STATUS_SUCCEEDED" -> "succeeded"; "STEP_STATUS_RETRY_WAIT" -> "retry_wait". */
export function statusKey(status: string | undefined): string {
  if (!status) return "pending";
  return status.replace(/^(RUN|STEP)_STATUS_/, "").toLowerCase();
}

export function statusLabel(status: string | undefined): string {
  return statusKey(status).replace("_", " ").toUpperCase();
}

export function reason(failure: string | undefined): string {
  return failure ? failure.replace(/^FAILURE_REASON_/, "").replace(/_/g, " ").toLowerCase() : "";
}
