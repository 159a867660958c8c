package dev.cairn.server.runtime;

import dev.cairn.server.engine.Trigger;

/**
 * The one way the process layer reports what became of an attempt: its start, its spawn error, its
 * exit. The engine's implementation queues each as an input for the engine thread; a test's fires
 * them when it chooses.
 */
interface AttemptEvents {
  /** The attempt's process runs. Always before its exit. */
  void started(String runId, Trigger.AttemptStarted started);

  /** The attempt did not start; nothing of it runs. */
  void spawnFailed(String runId, Trigger.AttemptSpawnFailed failed);

  /** The attempt's leader exited and no process of its group remains. */
  void exited(String runId, Trigger.AttemptExited exited);
}
