package dev.cairn.cli.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.cli.Environment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenDiscoveryTest {
  @TempDir Path dataDir;

  private Environment environment(Map<String, String> variables) {
    return Environment.of(variables);
  }

  private void writeTokenFile(Path directory, String content) throws IOException {
    Files.createDirectories(directory);
    Files.writeString(directory.resolve("token"), content);
  }

  @Test
  void theFlagWinsOverTheVariableAndTheFile() throws IOException {
    writeTokenFile(dataDir, "from-file\n");
    Environment env =
        environment(Map.of("CAIRN_TOKEN", "from-env", "CAIRN_DATA_DIR", dataDir.toString()));

    assertThat(TokenDiscovery.discover("from-flag", env))
        .contains(new Token("from-flag", "--token"));
  }

  @Test
  void theVariableWinsOverTheFile() throws IOException {
    writeTokenFile(dataDir, "from-file\n");
    Environment env =
        environment(Map.of("CAIRN_TOKEN", "from-env", "CAIRN_DATA_DIR", dataDir.toString()));

    assertThat(TokenDiscovery.discover(null, env)).contains(new Token("from-env", "CAIRN_TOKEN"));
  }

  @Test
  void theDataDirFileIsReadAndTrimmed() throws IOException {
    writeTokenFile(dataDir, "  secret-token \n\n");
    Environment env = environment(Map.of("CAIRN_DATA_DIR", dataDir.toString()));

    assertThat(TokenDiscovery.discover(null, env))
        .contains(new Token("secret-token", dataDir.resolve("token").toString()));
  }

  @Test
  void theDataDirFallsBackToXdgDataHomeThenHome() throws IOException {
    Path xdg = dataDir.resolve("xdg");
    Path home = dataDir.resolve("home");
    writeTokenFile(xdg.resolve("cairn"), "xdg-token");
    writeTokenFile(home.resolve(".local/share/cairn"), "home-token");

    Environment withXdg =
        environment(Map.of("XDG_DATA_HOME", xdg.toString(), "HOME", home.toString()));
    Environment homeOnly = environment(Map.of("HOME", home.toString()));

    assertThat(TokenDiscovery.discover(null, withXdg).map(Token::value)).contains("xdg-token");
    assertThat(TokenDiscovery.discover(null, homeOnly).map(Token::value)).contains("home-token");
    assertThat(TokenDiscovery.dataDirectory(homeOnly))
        .isEqualTo(home.resolve(".local/share/cairn"));
  }

  @Test
  void cairnDataDirWinsOverXdgDataHome() throws IOException {
    writeTokenFile(dataDir.resolve("explicit"), "explicit-token");
    writeTokenFile(dataDir.resolve("xdg/cairn"), "xdg-token");
    Environment env =
        environment(
            Map.of(
                "CAIRN_DATA_DIR", dataDir.resolve("explicit").toString(),
                "XDG_DATA_HOME", dataDir.resolve("xdg").toString()));

    assertThat(TokenDiscovery.discover(null, env).map(Token::value)).contains("explicit-token");
  }

  @Test
  void noTokenAnywhereIsEmpty() throws IOException {
    Environment env = environment(Map.of("CAIRN_DATA_DIR", dataDir.toString()));
    assertThat(TokenDiscovery.discover(null, env)).isEmpty();

    writeTokenFile(dataDir, "   \n");
    assertThat(TokenDiscovery.discover("", env)).isEmpty();
  }
}
