package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
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

  /** Commands that never talk to a server. */
  private static final Set<String> LOCAL = Set.of("server", "completion", "help");

  @Test
  void everySubcommandTakesTheConnectionOptions() {
    CommandLine root =
        CairnCommand.commandLine(new CliContext(Environment.of(Map.of()), null, null, null));
    for (String name : root.getSubcommands().keySet()) {
      if (LOCAL.contains(name)) {
        continue;
      }
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

  @Test
  void aMistypedCommandSuggestsTheCommandsItIsCloseTo() {
    assertThat(cli.execute("lsit").err())
        .isEqualTo("cairn: unknown command 'lsit'; did you mean list? (see 'cairn --help')\n");
    assertThat(cli.execute("cancle").err()).contains("did you mean cancel?");
    CliHarness.Result far = cli.execute("frobnicate");
    assertThat(far.exit()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(far.err()).doesNotContain("did you mean");
  }

  @Test
  void helpCommandShowsACommandsHelp() {
    CliHarness.Result result = cli.execute("help", "run");
    assertThat(result.exit()).isZero();
    assertThat(result.out()).startsWith("Usage: cairn run").contains("--request-id");
  }

  @Test
  void serverIsListedInTheHelp() {
    assertThat(cli.execute("--help").out()).containsPattern("(?m)^  server +Run the Cairn server");
  }

  @Test
  void completionPrintsAScriptForBashAndZsh() {
    CliHarness.Result bash = cli.execute("completion", "bash");
    CliHarness.Result zsh = cli.execute("completion", "zsh");
    assertThat(bash.exit()).isZero();
    assertThat(bash.out()).contains("complete -F", "cairn", "status", "--request-id");
    assertThat(zsh.exit()).isZero();
    assertThat(zsh.out()).startsWith("autoload -U +X compinit").contains("bashcompinit");
    assertThat(cli.execute("completion", "fish").exit()).isEqualTo(ExitCodes.BAD_INPUT);
  }
}
