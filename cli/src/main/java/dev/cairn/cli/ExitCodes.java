package dev.cairn.cli;

import io.grpc.Status;

/** The exit codes of {@code cairn}, and the one mapping from gRPC status codes to them. */
public final class ExitCodes {
  /** The command did what was asked; for {@code run}, the run succeeded. */
  public static final int OK = 0;

  /** The run ended FAILED. */
  public static final int RUN_FAILED = 1;

  /** Bad input: a usage error, an unreadable workflow file, or a spec the server rejected. */
  public static final int BAD_INPUT = 2;

  /** The run ended CANCELLED. */
  public static final int RUN_CANCELLED = 3;

  /** The run (or step, or attempt) does not exist. */
  public static final int NOT_FOUND = 4;

  /** No valid token, or the token may not do this. */
  public static final int NOT_AUTHENTICATED = 5;

  /** The server could not be reached, or did not answer in time. */
  public static final int UNREACHABLE = 6;

  /** Any other error. */
  public static final int OTHER = 10;

  /** Standard output was closed while following a stream (its reader, such as head, exited). */
  public static final int OUTPUT_CLOSED = 141;

  /** Ctrl-C while following a run: the client detached and the run goes on. */
  public static final int DETACHED = 130;

  /** The exit code table shown at the end of {@code cairn --help}. */
  public static final String HELP_FOOTER =
      "%nExit codes:%n"
          + "  0    ok (for run: the run succeeded)%n"
          + "  1    the run failed%n"
          + "  2    bad input: usage error, invalid workflow file, spec refused by server%n"
          + "  3    the run was cancelled%n"
          + "  4    not found%n"
          + "  5    not authenticated or permission denied%n"
          + "  6    server unreachable%n"
          + "  10   other errors%n"
          + "  130  detached with Ctrl-C (the run goes on)%n"
          + "  141  output closed while following (as with SIGPIPE)%n";

  private ExitCodes() {}

  /** The exit code for a call that ended with {@code code}. */
  public static int forStatus(Status.Code code) {
    return switch (code) {
      case OK -> OK;
      case INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE, ALREADY_EXISTS -> BAD_INPUT;
      case NOT_FOUND -> NOT_FOUND;
      case UNAUTHENTICATED, PERMISSION_DENIED -> NOT_AUTHENTICATED;
      case UNAVAILABLE, DEADLINE_EXCEEDED -> UNREACHABLE;
      default -> OTHER;
    };
  }
}
