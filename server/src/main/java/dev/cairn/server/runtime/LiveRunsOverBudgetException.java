package dev.cairn.server.runtime;

/**
 * A submit or rerun refused because the runs not yet ended already hold as much spec as the server
 * keeps in memory (a quarter of its heap): the client should retry once runs have ended.
 */
public final class LiveRunsOverBudgetException extends RuntimeException {
  public LiveRunsOverBudgetException(long liveBytes, long specBytes, long budget) {
    super(
        "the runs not yet ended hold about "
            + liveBytes
            + " bytes of memory (their specs and steps), and this one's "
            + specBytes
            + " more would pass the server's "
            + budget
            + " (a quarter of its heap); retry once runs have ended, or give the server more heap"
            + " (CAIRN_SERVER_OPTS=-Xmx...)");
  }
}
