package dev.cairn.server.runtime;

/** Identifies one attempt of one step of one run. */
record AttemptKey(String runId, String stepId, int attempt) {}
