package dev.cairn.cli.command;

import dev.cairn.cli.ExitCodes;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cairn completion bash|zsh}: prints a completion script for the shell. */
@Command(
    name = "completion",
    mixinStandardHelpOptions = true,
    description = {
      "Print a shell completion script for cairn's commands and options.",
      "",
      "bash:  source <(cairn completion bash)      (or save it under"
          + " /etc/bash_completion.d/cairn)",
      "zsh:   source <(cairn completion zsh)       (add it to ~/.zshrc)"
    })
public final class CompletionCommand implements Callable<Integer> {
  /** The shells a script can be printed for. */
  public enum Shell {
    bash,
    zsh
  }

  @Parameters(index = "0", paramLabel = "SHELL", description = "bash or zsh")
  Shell shell;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    CommandLine root = spec.root().commandLine();
    String script = AutoComplete.bash(root.getCommandName(), root);
    if (shell == Shell.zsh) {
      // picocli's script runs under zsh through its bash-completion emulation.
      script =
          "autoload -U +X compinit && compinit\nautoload -U +X bashcompinit && bashcompinit\n"
              + script;
    }
    spec.commandLine().getOut().print(script);
    spec.commandLine().getOut().flush();
    return ExitCodes.OK;
  }
}
