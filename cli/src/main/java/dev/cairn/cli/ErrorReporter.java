package dev.cairn.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.ErrorInfo;
import dev.cairn.cli.client.ServerAddress;
import dev.cairn.cli.client.Token;
import dev.cairn.cli.client.TokenDiscovery;
import dev.cairn.cli.render.Json;
import dev.cairn.cli.workflow.InvalidWorkflowFile;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Turns every failure into one line on standard error and an exit code: usage errors, local errors
 * phrased by the commands, and gRPC errors (through {@link ExitCodes#forStatus}). A workflow file
 * gets one line per problem. Users never see a stack trace.
 */
public final class ErrorReporter implements IExecutionExceptionHandler, IParameterExceptionHandler {
  @Override
  public int handleParseException(ParameterException ex, String[] args) {
    CommandLine command = ex.getCommandLine();
    String name = command.getCommandSpec().qualifiedName();
    command.getErr().println("cairn: " + describe(ex) + " (see '" + name + " --help')");
    command.getErr().flush();
    return ExitCodes.BAD_INPUT;
  }

  /** The parse error in one line; for a mistyped command, the commands it may have meant. */
  private static String describe(ParameterException ex) {
    if (ex instanceof CommandLine.UnmatchedArgumentException unmatched
        && !unmatched.getUnmatched().isEmpty()
        && !unmatched.getCommandLine().getSubcommands().isEmpty()
        && !unmatched.getUnmatched().get(0).startsWith("-")) {
      String typed = unmatched.getUnmatched().get(0);
      List<String> close =
          unmatched.getCommandLine().getSubcommands().keySet().stream()
              .filter(name -> Typos.distance(typed, name) <= Math.max(1, name.length() / 3))
              .toList();
      String known = close.isEmpty() ? "" : "; did you mean " + String.join(" or ", close) + "?";
      return "unknown command '" + typed + "'" + known;
    }
    return firstLine(ex.getMessage());
  }

  @Override
  public int handleExecutionException(Exception ex, CommandLine command, ParseResult parseResult) {
    if (ex instanceof CliException closed && closed.exitCode() == ExitCodes.OUTPUT_CLOSED) {
      // Nobody reads the output any more: nothing to say, in text or JSON.
      return ExitCodes.OUTPUT_CLOSED;
    }
    Report report = report(ex, command.getCommand());
    PrintWriter err = command.getErr();
    if (command.getCommand() instanceof ClientCommand client && client.jsonOutput()) {
      err.println(
          Json.error(
              report.grpcCode(),
              report.reason(),
              report.message().replace("\n", "; "),
              report.exit()));
    } else {
      report.message().lines().forEach(line -> err.println("cairn: " + line));
    }
    err.flush();
    return report.exit();
  }

  /** What to tell the user about a failure. */
  record Report(int exit, String message, String grpcCode, String reason) {}

  static Report report(Exception ex, Object command) {
    if (ex instanceof CliException cli) {
      return new Report(cli.exitCode(), cli.getMessage(), "", "");
    }
    if (ex instanceof InvalidWorkflowFile file) {
      // One line per problem, so that every problem of the file is fixed in one pass.
      return new Report(
          ExitCodes.BAD_INPUT, file.getMessage(), "", file.problems().get(0).reason());
    }
    if (ex instanceof StatusRuntimeException status) {
      GlobalOptions options =
          command instanceof ClientCommand client ? client.globalOptions() : null;
      CliContext context =
          command instanceof ClientCommand client ? client.context() : CliContext.system();
      return statusReport(status, options, context.environment());
    }
    return new Report(ExitCodes.OTHER, "unexpected error: " + firstLine(ex.toString()), "", "");
  }

  /** Phrases a gRPC error, with a hint where the cause is likely on the user's side. */
  static Report statusReport(
      StatusRuntimeException ex, GlobalOptions options, Environment environment) {
    Status status = ex.getStatus();
    String description = status.getDescription();
    if ((description == null || description.equals("io exception")) && status.getCause() != null) {
      description = status.getCause().getMessage();
    }
    if (description != null && description.contains("Connection refused")) {
      // Netty's wording carries the syscall and errno, which say nothing more to a user.
      description = "connection refused";
    }
    if (description == null || description.isBlank()) {
      description = status.getCode().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }
    String address = addressOf(options, environment);
    String message =
        switch (status.getCode()) {
          // The server answered: another node of its cluster, named in the description, did not.
          case UNAVAILABLE ->
              reason(ex).filter("NODE_UNAVAILABLE"::equals).isPresent()
                  ? description
                  : "cannot reach the server at " + address + ": " + description;
          case DEADLINE_EXCEEDED -> "the server at " + address + " did not answer in time";
          case UNAUTHENTICATED -> description + "; " + tokenHint(options, environment);
          default -> description;
        };
    Optional<String> reason = reason(ex);
    boolean described = status.getDescription() != null && !status.getDescription().isBlank();
    if (status.getCode() == Status.Code.RESOURCE_EXHAUSTED && reason.isEmpty() && !described) {
      // The server's transport refused the message before any Cairn code saw it, saying nothing
      // (the server's own refusals carry a reason, the client's own limit a description): the
      // request itself is too large, which is the user's to fix.
      return new Report(
          ExitCodes.BAD_INPUT,
          "the request is larger than the server at "
              + address
              + " takes in one message (twice its workflow limit cairn.max-spec-bytes, and at"
              + " least 4 MiB; a workflow file may be 1 MiB by default)",
          status.getCode().name(),
          "MESSAGE_TOO_LARGE");
    }
    return new Report(
        ExitCodes.forStatus(status.getCode()),
        firstLine(message),
        status.getCode().name(),
        reason.orElse(""));
  }

  /** The machine-readable reason the server attached as a google.rpc.ErrorInfo, if any. */
  static Optional<String> reason(StatusRuntimeException ex) {
    com.google.rpc.Status details = StatusProto.fromThrowable(ex);
    if (details == null) {
      return Optional.empty();
    }
    for (com.google.protobuf.Any any : details.getDetailsList()) {
      if (any.is(ErrorInfo.class)) {
        try {
          return Optional.of(any.unpack(ErrorInfo.class).getReason());
        } catch (InvalidProtocolBufferException e) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }

  private static String addressOf(GlobalOptions options, Environment environment) {
    if (options == null) {
      return "the configured address";
    }
    try {
      return options.address(environment).toString();
    } catch (CliException e) {
      return ServerAddress.DEFAULT;
    }
  }

  private static String tokenHint(GlobalOptions options, Environment environment) {
    Optional<Token> token;
    try {
      token = options == null ? Optional.empty() : options.token(environment);
    } catch (CliException e) {
      token = Optional.empty();
    }
    return token
        .map(found -> "the token from " + found.source() + " was refused")
        .orElseGet(
            () ->
                "no token given: use --token, CAIRN_TOKEN or the file "
                    + TokenDiscovery.tokenFile(environment));
  }

  private static String firstLine(String text) {
    if (text == null) {
      return "";
    }
    String trimmed = text.strip();
    int newline = trimmed.indexOf('\n');
    return newline < 0 ? trimmed : trimmed.substring(0, newline).strip();
  }
}
