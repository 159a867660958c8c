package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class HelpTest {
  private final CliHarness cli = new CliHarness(Map.of());

  @Test
  void helpListsEverySubcommandAndTheExitCodes() {
    CliHarness.Result result = cli.execute("--help");

    assertThat(result.exit()).isZero();
    assertThat(result.out())
        .contains("run", "submit", "status", "list", "cancel", "events", "logs", "validate");
    assertThat(
            CairnCommand.commandLine(new CliContext(Environment.of(Map.of()), null, null, null))
                .getSubcommands()
                .keySet())
        .allSatisfy(name -> assertThat(result.out()).containsPattern("(?m)^  " + name + " "));
    assertThat(result.out()).contains("Exit codes:");
    for (int code : List.of(0, 1, 2, 3, 4, 5, 6, 10)) {
      assertThat(result.out()).containsPattern("(?m)^  " + code + " +\\S");
    }
  }

  @Test
  void everySubcommandTakesTheConnectionOptions() {
    CommandLine root =
        CairnCommand.commandLine(new CliContext(Environment.of(Map.of()), null, null, null));
    for (String name : root.getSubcommands().keySet()) {
      CliHarness.Result result = cli.execute(name, "--help");
      assertThat(result.exit()).as(name).isZero();
      assertThat(result.out()).as(name).contains("--server=HOST:PORT", "--token=TOKEN", "--tls");
      if (!name.equals("logs")) {
        assertThat(result.out()).as(name).contains("-o, --output=FORMAT");
      }
    }
  }

  @Test
  void aUsageErrorIsOneLineAndExitsTwo() {
    CliHarness.Result missing = cli.execute("status");
    CliHarness.Result unknown = cli.execute("frobnicate");
    CliHarness.Result badFormat = cli.execute("status", "r1", "-o", "yaml");

    for (CliHarness.Result result : List.of(missing, unknown, badFormat)) {
      assertThat(result.exit()).isEqualTo(ExitCodes.BAD_INPUT);
      assertThat(result.err()).startsWith("cairn: ").hasLineCount(1);
    }
  }
}
