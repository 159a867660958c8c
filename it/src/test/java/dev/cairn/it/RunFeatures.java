package dev.cairn.it;

import dev.cairn.cli.CairnCommand;
import dev.cairn.cli.CliContext;
import dev.cairn.cli.Environment;
import dev.cairn.cli.client.ChannelFactory;
import dev.cairn.v1.Event;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/** The CLI in this JVM against one server, and what the run feature tests read from events. */
final class RunFeatures {
  private RunFeatures() {}

  record Result(int exitCode, String out, String err) {}

  static Result cli(ServerProcess server, Path dataDir, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CliContext context =
        new CliContext(
            Environment.of(
                Map.of("CAIRN_SERVER", server.target(), "CAIRN_DATA_DIR", dataDir.toString())),
            ChannelFactory.netty(),
            new ByteArrayOutputStream(),
            ZoneOffset.UTC);
    CommandLine commandLine = CairnCommand.commandLine(context);
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    int code = commandLine.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  static Path file(Path dir, String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text);
  }

  /** The run id the CLI printed on its first line ("submitted run ID", "... as run ID"). */
  static String runId(Result result) {
    String first = result.out().lines().findFirst().orElseThrow();
    return first.substring(first.lastIndexOf(' ') + 1);
  }

  /** The steps that started a process in these events. */
  static List<String> started(List<Event> events) {
    return events.stream()
        .filter(Event::hasStepStarted)
        .map(event -> event.getStepStarted().getStepId())
        .toList();
  }
}
