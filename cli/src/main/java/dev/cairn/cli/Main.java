package dev.cairn.cli;

import java.util.logging.Level;
import java.util.logging.Logger;

/** Entry point of the cairn command line. */
public final class Main {
  // Held so the level is not lost when the logger would otherwise be collected: gRPC logs
  // connection trouble through java.util.logging, which the error line already reports.
  private static final Logger GRPC_LOGGER = Logger.getLogger("io.grpc");

  private Main() {}

  /** Runs {@code cairn} with {@code args} and exits with the command's exit code. */
  public static void main(String[] args) {
    GRPC_LOGGER.setLevel(Level.OFF);
    System.exit(CairnCommand.commandLine(CliContext.system(), args).execute(args));
  }
}
