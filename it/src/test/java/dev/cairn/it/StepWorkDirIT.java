package dev.cairn.it;

import static dev.cairn.it.Specs.shell;
import static dev.cairn.it.Specs.workflow;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.v1.Event;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A spec without working_dir runs in a directory of its own run, outside the data directory: a step
 * cannot read the server's token or database by a relative path.
 */
class StepWorkDirIT extends SharedServer {

  @Test
  void aStepWithoutWorkingDirRunsInItsRunsOwnDirectory() throws Exception {
    String runId =
        runs.submit(
            workflow("where", shell("look", "pwd; test ! -e token && test ! -e cairn.db; ls -a")));
    List<Event> events = runs.follow(runId);
    Path output = dataDir.resolve("logs").resolve(runId).resolve("look.1.log");
    List<String> lines = Files.readAllLines(output);
    Path workingDir = Path.of(lines.get(0));
    try {
      assertThat(events).last().matches(Event::hasRunSucceeded, "the step found no token");
      assertThat(workingDir.getFileName().toString()).isEqualTo(runId);
      assertThat(workingDir.toRealPath().startsWith(dataDir.toRealPath())).isFalse();
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(workingDir)))
          .isEqualTo("rwx------");
      // Nothing but the step's own doing: the directory started empty.
      assertThat(lines.subList(1, lines.size())).containsExactly(".", "..");
    } finally {
      Files.deleteIfExists(workingDir);
    }
  }
}
