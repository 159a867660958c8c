package dev.cairn.server.runtime;

/**
 * A submit carried a request id that an earlier submit used with a different spec. Returning the
 * earlier run would silently run something other than what this client sent, so it is refused.
 */
public final class RequestIdReusedException extends RuntimeException {
  private final String runId;

  public RequestIdReusedException(String requestId, String runId) {
    super(
        "request id '"
            + requestId
            + "' was already used for run "
            + runId
            + " with a different workflow; submit the same workflow to get that run, or use a new"
            + " request id");
    this.runId = runId;
  }

  /** The run the request id belongs to. */
  public String runId() {
    return runId;
  }
}
