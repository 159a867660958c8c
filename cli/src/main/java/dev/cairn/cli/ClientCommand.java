package dev.cairn.cli;

import dev.cairn.cli.client.CairnClient;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Common ground of the subcommands: the connection options, the context, and the writers of the
 * {@code CommandLine} the command runs in (so tests capture everything a command prints).
 */
public abstract class ClientCommand implements Callable<Integer> {
  @Mixin GlobalOptions global;

  @Spec CommandSpec spec;

  /** The connection options as parsed. */
  public GlobalOptions globalOptions() {
    return global;
  }

  /** True when this command was asked for JSON output; errors are then reported as JSON too. */
  public boolean jsonOutput() {
    return false;
  }

  /** The context the root command was created with. */
  protected CliContext context() {
    return ((CairnCommand) spec.root().userObject()).context();
  }

  /** Opens a client to the server named by the options; the caller closes it. */
  protected CairnClient connect() {
    return global.connect(context());
  }

  /** Where data goes. */
  protected PrintWriter out() {
    return spec.commandLine().getOut();
  }

  /** Where diagnostics go. */
  protected PrintWriter err() {
    return spec.commandLine().getErr();
  }

  /**
   * Ends a command that follows a stream once its reader has gone ({@code cairn events --follow |
   * head}): the JVM ignores SIGPIPE and print streams keep write errors to themselves, so without
   * asking, the command would go on following for nobody. Ends quietly with 141, as a process
   * killed by SIGPIPE would.
   */
  protected void stopIfOutputClosed() {
    boolean closed =
        out().checkError()
            || (context().rawOut() instanceof java.io.PrintStream raw && raw.checkError());
    if (closed) {
      throw new CliException(ExitCodes.OUTPUT_CLOSED, "");
    }
  }
}
