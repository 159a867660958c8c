package dev.cairn.server.api;

import dev.cairn.workflow.ControlCharacters;

/**
 * Limits on the free-text fields of requests, checked before anything is recorded: each is stored
 * in an event and sent to every client that reads the run, so one unbounded field would grow the
 * store and make the run unreadable to clients with the usual 4 MiB message limit. An answer over
 * the limit is INVALID_ARGUMENT naming the field and the limit.
 */
final class RequestLimits {
  /** Request ids (idempotency keys): a UUID is 36 characters. */
  static final int MAX_REQUEST_ID = 256;

  /** A cancel's reason and a pause's note. */
  static final int MAX_NOTE = 1024;

  private RequestLimits() {}

  static void requestId(String requestId) {
    atMost("request_id", requestId, MAX_REQUEST_ID);
  }

  /**
   * A free-text note, printed as it is by clients: no control character but a tab (no ESC, no line
   * break), no bidirectional formatting character.
   */
  static void note(String field, String text) {
    atMost(field, text, MAX_NOTE);
    if (ControlCharacters.present(text)) {
      throw new IllegalArgumentException(
          field
              + " contains a control character (such as ESC or a newline) or a bidirectional"
              + " override");
    }
  }

  private static void atMost(String field, String text, int limit) {
    if (text.length() > limit) {
      throw new IllegalArgumentException(
          field + " is " + text.length() + " characters; the limit is " + limit);
    }
  }
}
