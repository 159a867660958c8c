package dev.cairn.cli.command;

import dev.cairn.cli.ClientCommand;
import dev.cairn.cli.ExitCodes;
import dev.cairn.cli.OutputOptions;
import dev.cairn.cli.client.CairnClient;
import dev.cairn.cli.client.CtrlC;
import dev.cairn.cli.client.EventFollower;
import dev.cairn.cli.render.AnsiScreen;
import dev.cairn.cli.render.EventText;
import dev.cairn.cli.render.Json;
import dev.cairn.cli.render.StepTable;
import dev.cairn.v1.Event;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import picocli.CommandLine.Mixin;

/**
 * A command that follows a run live until it ends, as {@code run} and {@code rerun} do: the step
 * table on a terminal, one line per event otherwise, JSON lines with {@code -o json}. Exits 0 if
 * the run succeeded, 1 if it failed, 3 if it was cancelled.
 */
abstract class FollowingCommand extends ClientCommand {
  @Mixin OutputOptions output;

  @Override
  public boolean jsonOutput() {
    return output.json();
  }

  /**
   * Prints that the run was submitted (or is followed again), follows it until it ends, and returns
   * the exit code its end calls for.
   */
  protected int followRun(CairnClient client, String runId, String announcement) {
    if (!output.json()) {
      out().println(announcement + runId);
      out().flush();
    }
    // On a terminal the table shows the connection in its title; a line printed beside it
    // would be erased by the next redraw and leave the cursor arithmetic off by one.
    LiveTable live = liveTable() ? new LiveTable(new StepTable(), new AnsiScreen(out())) : null;
    EventFollower follower =
        live != null
            ? new EventFollower(client, runId, true, live)
            : new EventFollower(client, runId, true, notice -> err().println("cairn: " + notice));
    EventFollower.Outcome outcome;
    try (CtrlC ignored = CtrlC.onInterrupt(follower::detach)) {
      outcome = follow(follower, live);
    }
    if (outcome.detached()) {
      err().println();
      err()
          .println(
              "cairn: detached; run " + runId + " goes on. Cancel it with: cairn cancel " + runId);
      return ExitCodes.DETACHED;
    }
    int exit = finish(runId, outcome.terminal());
    if (exit == ExitCodes.RUN_FAILED && !output.json()) {
      FailedOutput.print(
          client, runId, outcome.terminal().getRunFailed().getFailedStepIdsList(), out());
    }
    return exit;
  }

  private boolean liveTable() {
    return !output.json() && context().environment().interactiveTerminal();
  }

  private EventFollower.Outcome follow(EventFollower follower, LiveTable live) {
    if (output.json()) {
      return follower.stream(0, true, event -> printLine(Json.line(event)));
    }
    if (live == null) {
      return follower.stream(
          0, true, event -> printLine(EventText.line(event, context().zone(), false)));
    }
    // Redraws once a second so the durations of running steps count up between events.
    ScheduledExecutorService ticker =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "cairn-table-redraw");
              thread.setDaemon(true);
              return thread;
            });
    try {
      ticker.scheduleAtFixedRate(live::redraw, 1, 1, TimeUnit.SECONDS);
      return follower.stream(0, true, live);
    } finally {
      ticker.shutdownNow();
    }
  }

  private void printLine(String line) {
    out().println(line);
    out().flush();
    stopIfOutputClosed();
  }

  private int finish(String runId, Event terminal) {
    int exit =
        switch (terminal.getPayloadCase()) {
          case RUN_SUCCEEDED -> ExitCodes.OK;
          case RUN_FAILED -> ExitCodes.RUN_FAILED;
          default -> ExitCodes.RUN_CANCELLED;
        };
    if (!output.json()) {
      String status =
          switch (exit) {
            case ExitCodes.OK -> "SUCCEEDED";
            case ExitCodes.RUN_FAILED -> "FAILED";
            default -> "CANCELLED";
          };
      out().println("run " + runId + " " + status);
    }
    return exit;
  }

  /**
   * The step table and its screen, updated by events, by the connection's state and by the ticker
   * under one lock.
   */
  private record LiveTable(StepTable table, AnsiScreen screen)
      implements Consumer<Event>, EventFollower.ConnectionListener {
    @Override
    public void accept(Event event) {
      synchronized (this) {
        table.apply(event);
        screen.draw(table.lines(Instant.now()));
      }
    }

    @Override
    public void lost(int attempt, Duration retryIn, boolean behind, long lastSeq) {
      synchronized (this) {
        table.connection(
            behind
                ? "fell behind the server's events, resuming (attempt " + attempt + ")..."
                : "connection lost, reconnecting (attempt " + attempt + ")...");
        screen.draw(table.lines(Instant.now()));
      }
    }

    @Override
    public void restored() {
      synchronized (this) {
        table.connection("");
        screen.draw(table.lines(Instant.now()));
      }
    }

    void redraw() {
      synchronized (this) {
        screen.draw(table.lines(Instant.now()));
      }
    }
  }
}
