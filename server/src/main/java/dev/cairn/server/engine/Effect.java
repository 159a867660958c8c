package dev.cairn.server.engine;

/**
 * Something a decision authorizes the shell to do to a process, beside recording its events. The
 * shell performs effects and decides none: whether a start is still wanted, and whether it must be
 * stopped at once, are rules of the core.
 */
public sealed interface Effect {

  /**
   * The started attempt is wanted by no step (its run ended, or the step was settled meanwhile):
   * kill its process group now. Nothing records it, so nothing would ever stop it otherwise.
   */
  record KillUnwantedStart(String stepId, int attempt) implements Effect {}

  /**
   * The started attempt is recorded but must not run on: the server is shutting down, or a cancel
   * or a fail-fast overtook its launch. Stop it now rather than after the commit window.
   */
  record StopStartedAttempt(String stepId, int attempt) implements Effect {}
}
