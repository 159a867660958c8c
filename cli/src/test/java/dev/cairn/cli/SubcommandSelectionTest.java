package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** A call that names its subcommand gets only that one; any other call gets all of them. */
class SubcommandSelectionTest {
  private final CliContext context = new CliContext(Environment.of(Map.of()), null, null, null);

  @Test
  void aNamedSubcommandIsTheOnlyOneBuilt() {
    CommandLine list = CairnCommand.commandLine(context, new String[] {"list", "--limit", "3"});
    assertThat(list.getSubcommands().keySet()).containsExactly("list");
  }

  @Test
  void helpCompletionUsageAndTyposGetEverySubcommand() {
    for (String[] args :
        new String[][] {{}, {"--help"}, {"help", "list"}, {"completion", "bash"}, {"lsit"}}) {
      assertThat(CairnCommand.commandLine(context, args).getSubcommands().keySet())
          .as(String.join(" ", args))
          .containsExactly(
              "run",
              "rerun",
              "submit",
              "status",
              "list",
              "cancel",
              "delete",
              "schedule",
              "events",
              "logs",
              "validate",
              "ui",
              "server",
              "completion",
              "help");
    }
  }
}
