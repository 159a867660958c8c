package dev.cairn.cli;

import dev.cairn.cli.client.CairnClient;
import dev.cairn.cli.client.ServerAddress;
import dev.cairn.cli.client.Token;
import dev.cairn.cli.client.TokenDiscovery;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The connection options every subcommand takes. */
public final class GlobalOptions {
  @Option(
      names = "--server",
      paramLabel = "HOST:PORT",
      description = "Server address (env CAIRN_SERVER, default " + ServerAddress.DEFAULT + ").")
  String server;

  @Option(
      names = "--token",
      paramLabel = "TOKEN",
      description =
          "Bearer token (env CAIRN_TOKEN, else the file 'token' in $CAIRN_DATA_DIR or"
              + " ${XDG_DATA_HOME:-$HOME/.local/share}/cairn).")
  String token;

  @Option(names = "--tls", description = "Use TLS, trusting the system's certificate authorities.")
  boolean tls;

  /** The server address from the flag, else CAIRN_SERVER, else the default. */
  public ServerAddress address(Environment environment) {
    String text =
        server != null
            ? server
            : environment.variable("CAIRN_SERVER").orElse(ServerAddress.DEFAULT);
    return ServerAddress.parse(text.trim());
  }

  /** The token from the flag, else CAIRN_TOKEN, else the data directory's token file. */
  public Optional<Token> token(Environment environment) {
    return TokenDiscovery.discover(token, environment);
  }

  /** Whether to speak TLS to the server. */
  public boolean tls() {
    return tls;
  }

  /** Opens a client as configured; the caller closes it. */
  public CairnClient connect(CliContext context) {
    ServerAddress address = address(context.environment());
    Optional<Token> found = token(context.environment());
    return new CairnClient(context.channels().open(address, tls), address, found);
  }
}
