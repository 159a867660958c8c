package dev.cairn.server.runtime;

import static dev.cairn.server.runtime.ShellSpecs.spec;
import static dev.cairn.server.runtime.ShellSpecs.step;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.server.store.ClusterAccess;
import dev.cairn.server.store.postgres.FreshPostgresDatabase;
import dev.cairn.server.store.postgres.PostgresEventStore;
import dev.cairn.v1.Event;
import dev.cairn.v1.RunStatus;
import dev.cairn.workflow.spec.SpecLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Cancels through the database between two nodes of one real PostgreSQL, each an engine shell over
 * its store (scripted processes, driven by the test thread): the owner applies a cancel recorded on
 * another node and the caller gets its answer; a cancel of a run that ends before its owner took it
 * is withdrawn and answered with the run's status; an owner that does not answer in time is named.
 */
class ClusterCommandsTest {
  private static final Duration LEASE = Duration.ofMinutes(5);

  @RegisterExtension static final FreshPostgresDatabase postgres = new FreshPostgresDatabase();

  /** A node: its store, an engine the test drives, and its commands, listening or not. */
  private final class Node {
    final PostgresEventStore store;
    final ScriptedRunner runner;
    final Engine engine;
    final ClusterCommands commands;

    Node(String id, Duration answerTime, boolean listening) {
      store = postgres.node(id, LEASE);
      EngineSettings settings =
          new EngineSettings(
              Path.of("/nonexistent/cairn-data"),
              Path.of("/nonexistent/cairn-runs"),
              id,
              4,
              1 << 20,
              Duration.ofSeconds(1),
              SpecLimits.DEFAULT,
              Map.of(),
              Duration.ZERO);
      runner = new ScriptedRunner(settings);
      engine =
          new Engine(
              store,
              runner,
              new ManualTimers(),
              new SettableClock(),
              settings,
              new EventBroadcaster(),
              fatal -> {});
      assertThat(engine.loop().recovered()).isTrue();
      engine.enqueue(new Input.Wakeup());
      engine.loop().drain();
      ClusterAccess access = store.cluster().orElseThrow();
      commands = new ClusterCommands(access, engine, answerTime);
      postgres.closeAfter(commands);
      if (listening) {
        postgres.closeAfter(
            access.listen(
                new ClusterAccess.Signals() {
                  @Override
                  public void eventsCommitted() {}

                  @Override
                  public void commandsWaiting() {
                    commands.commandsWaiting();
                  }

                  @Override
                  public void commandAnswered(long commandId) {
                    commands.commandAnswered(commandId);
                  }

                  @Override
                  public void tick() {
                    commands.tick();
                  }
                },
                Duration.ofMillis(100)));
      }
    }

    /** Submits a one-step run and starts its step. */
    String runningRun() {
      CompletableFuture<Engine.Submitted> submitted = engine.submit(spec(step("a")), "", "t");
      engine.loop().drain();
      String runId = submitted.join().runId();
      runner.launch(runId, "a").started();
      engine.loop().drain();
      return runId;
    }
  }

  /** Drives the nodes' engines until the future completes, within 20 s. */
  private static <T> T await(CompletableFuture<T> future, Node... nodes) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!future.isDone()) {
      assertThat(System.nanoTime() - deadline).as("answered within 20 s").isNegative();
      for (Node node : nodes) {
        node.engine.loop().drain();
      }
      Thread.sleep(5);
    }
    return future.get();
  }

  @Test
  void aCancelOnANodeThatDoesNotOwnTheRunIsAppliedByTheOwnerAndAnswered() throws Exception {
    Node a = new Node("node-a", Duration.ofSeconds(20), true);
    Node b = new Node("node-b", Duration.ofSeconds(20), true);
    String runId = a.runningRun();

    RunStatus answered = await(b.commands.cancel(runId, "from b", "tester"), a, b);

    assertThat(answered).isEqualTo(RunStatus.RUN_STATUS_CANCELLING);
    List<Event> history = a.store.readRun(runId, 0, 100);
    assertThat(history)
        .anyMatch(event -> event.getRunCancelRequested().getReason().equals("from b"));
    // b's engine never held the run, and wrote nothing to it.
    assertThat(b.runner.launches).isEmpty();
    assertThat(b.store.stats().eventsAppended()).isZero();
  }

  @Test
  void aCancelOfARunThatEndsBeforeItsOwnerTookItIsWithdrawnAndAnsweredWithItsStatus()
      throws Exception {
    // a does not listen: it never takes the command.
    Node a = new Node("node-a", Duration.ofSeconds(20), false);
    Node b = new Node("node-b", Duration.ofSeconds(20), true);
    String runId = a.runningRun();
    CompletableFuture<RunStatus> cancel = b.commands.cancel(runId, "", "tester");

    a.runner.launch(runId, "a").exited(0, 0);
    a.engine.loop().drain();

    assertThat(await(cancel, b)).isEqualTo(RunStatus.RUN_STATUS_SUCCEEDED);
    assertThat(a.store.cluster().orElseThrow().waitingCommands(10)).isEmpty();
  }

  @Test
  void anOwnerThatDoesNotAnswerInTimeIsNamedAndTheCommandStaysForIt() throws Exception {
    Node a = new Node("node-a", Duration.ofSeconds(20), false);
    Node b = new Node("node-b", Duration.ofMillis(300), true);
    String runId = a.runningRun();

    CompletableFuture<RunStatus> cancel = b.commands.cancel(runId, "late", "tester");
    try {
      await(cancel, b);
      throw new AssertionError("the cancel was answered without its owner");
    } catch (ExecutionException e) {
      assertThat(e.getCause())
          .isInstanceOf(NodeUnavailableException.class)
          .hasMessageContaining("node node-a owns run " + runId)
          .hasMessageContaining("stays recorded");
    }
    // Whenever a looks, it applies it.
    assertThat(a.store.cluster().orElseThrow().waitingCommands(10))
        .extracting(ClusterAccess.RunCommand::reason)
        .containsExactly("late");
  }
}
