package dev.cairn.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.v1.Argv;
import dev.cairn.v1.Event;
import dev.cairn.v1.FailureReason;
import dev.cairn.v1.StepFailed;
import dev.cairn.v1.StepSpec;
import dev.cairn.v1.WorkflowSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The engine's second line of defence: a spec that validation should have refused, or an error
 * while deciding one run, fails that run alone, and the engine goes on serving the others.
 */
class EngineIsolationTest {
  @TempDir Path dir;
  private EngineHarness harness;

  @AfterEach
  void close() {
    System.clearProperty(InjectedFault.PROPERTY);
    if (harness != null) {
      harness.close();
    }
  }

  static Stream<Arguments> unlaunchable() {
    StepSpec echo = shell("a", "echo hi");
    return Stream.of(
        Arguments.of(
            workflow(echo).toBuilder().putEnv("CAIRN_MARKER", "x").build(), "CAIRN_MARKER"),
        Arguments.of(workflow(shell("a", "echo a\0b")), "NUL"),
        Arguments.of(
            workflow(
                StepSpec.newBuilder()
                    .setId("a")
                    .setArgv(Argv.newBuilder().addArgs("echo").addArgs("a\0"))
                    .build()),
            "NUL"),
        Arguments.of(workflow(echo).toBuilder().putEnv("A=B", "x").build(), "A=B"),
        Arguments.of(workflow(echo).toBuilder().setWorkingDir("/tmp\0x").build(), "Nul"));
  }

  @ParameterizedTest
  @MethodSource("unlaunchable")
  void aLaunchThatThrowsFailsItsStepAndTheNextRunSucceeds(WorkflowSpec spec, String mention)
      throws Exception {
    harness = new EngineHarness(dir);
    String poisoned = harness.engine.submitUnvalidated(spec, "", "test").get().runId();
    List<Event> events = harness.awaitEnd(poisoned);

    StepFailed failed =
        events.stream()
            .filter(Event::hasStepFailed)
            .map(Event::getStepFailed)
            .findFirst()
            .orElseThrow();
    assertThat(failed.getReason()).isEqualTo(FailureReason.FAILURE_REASON_SPAWN_ERROR);
    assertThat(failed.getMessage()).startsWith("cannot launch: ").contains(mention);
    assertThat(events.get(events.size() - 1).hasRunFailed()).isTrue();

    String normal = harness.engine.submit(workflow(shell("b", "true")), "", "test").get().runId();
    List<Event> after = harness.awaitEnd(normal);
    assertThat(after.get(after.size() - 1).hasRunSucceeded()).isTrue();
    assertThat(harness.fatal).isNotDone();
  }

  @Test
  void anErrorWhileDecidingSetsAsideOnlyThatRun() throws Exception {
    System.setProperty(InjectedFault.PROPERTY, "exception:poisoned");
    harness = new EngineHarness(dir);
    WorkflowSpec poisonedSpec =
        workflow(shell("long", "sleep 60")).toBuilder().setName("poisoned").build();
    String poisoned = harness.engine.submit(poisonedSpec, "", "test").get().runId();
    String normal = harness.engine.submit(workflow(shell("b", "true")), "", "test").get().runId();

    List<Event> events = harness.awaitEnd(normal);
    assertThat(events.get(events.size() - 1).hasRunSucceeded()).isTrue();
    // The poisoned run's start was never recorded, and its process is stopped, not left running.
    assertThat(harness.store.readRun(poisoned, 0, 100)).hasSize(1);
    awaitNoProcess(harness);
    assertThat(harness.fatal).isNotDone();
    // The count without the normal run is published before its end reaches watchers.
    assertThat(harness.engine.liveRuns()).isZero();
  }

  @Test
  void anErrorOnTheEngineThreadIsFatal() throws Exception {
    System.setProperty(InjectedFault.PROPERTY, "error:doomed");
    harness = new EngineHarness(dir);
    harness.engine.submit(
        workflow(shell("a", "true")).toBuilder().setName("doomed").build(), "", "t");

    Throwable cause = harness.fatal.get(10, TimeUnit.SECONDS);
    assertThat(cause).isInstanceOf(InjectedFault.InjectedError.class);
    // Nothing is taken any more: a client is told at once rather than left waiting.
    assertThatThrownBy(() -> harness.engine.submit(workflow(shell("b", "true")), "", "t").get())
        .satisfiesAnyOf(
            error -> assertThat(error).isInstanceOf(EngineStoppedException.class),
            error ->
                assertThat(error)
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(EngineStoppedException.class));
  }

  // The stop is SIGTERM to the group and its exit report comes from the supervisor's own threads.
  private static void awaitNoProcess(EngineHarness harness) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (harness.supervisor.liveCount() > 0) {
      assertThat(System.nanoTime() - deadline)
          .as("the set-aside run's process is stopped")
          .isNegative();
      TimeUnit.MILLISECONDS.sleep(10);
    }
  }

  private static StepSpec shell(String id, String command) {
    return StepSpec.newBuilder().setId(id).setRun(command).build();
  }

  private static WorkflowSpec workflow(StepSpec... steps) {
    return WorkflowSpec.newBuilder().setName("test").addAllSteps(List.of(steps)).build();
  }
}
