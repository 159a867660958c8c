package dev.cairn.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.cairn.cli.CliHarness;
import dev.cairn.cli.ExitCodes;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cairn ui} against a loopback HTTP endpoint that answers as the server's POST
 * /api/v1/ui-codes does (it/UiBrowserIT runs it against the real server and a browser).
 */
class UiCommandTest {
  @TempDir Path emptyDataDir;
  private HttpServer http;
  private final List<String> authorizations = new CopyOnWriteArrayList<>();
  private volatile int status = 200;

  @BeforeEach
  void start() throws IOException {
    http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    http.createContext(
        "/api/v1/ui-codes",
        exchange -> {
          authorizations.add(
              exchange.getRequestMethod()
                  + " "
                  + exchange.getRequestHeaders().getFirst("Authorization"));
          byte[] body =
              (status == 200
                      ? "{\"code\":\"Zm9vYmFy_-0123456789\",\"expiresInSeconds\":60}"
                      : "{\"code\":\"UNAUTHENTICATED\",\"message\":\"invalid bearer token\"}")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(status, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    http.start();
  }

  @AfterEach
  void stop() {
    http.stop(0);
  }

  private CliHarness cli(Map<String, String> variables) {
    return new CliHarness(variables);
  }

  private String server() {
    return "127.0.0.1:" + http.getAddress().getPort();
  }

  @Test
  void printsASignInUrlWithTheCodeInItsFragmentAndNotTheToken() {
    CliHarness.Result result =
        cli(Map.of("CAIRN_SERVER", server(), "CAIRN_TOKEN", "secret-token"))
            .execute("ui", "--print-url");
    assertThat(result.exit()).as(result.err()).isEqualTo(ExitCodes.OK);
    assertThat(result.out().trim())
        .isEqualTo("http://" + server() + "/#code=Zm9vYmFy_-0123456789")
        .doesNotContain("secret-token");
    assertThat(authorizations).containsExactly("POST Bearer secret-token");
  }

  /**
   * The browser is opened on a private page that sends it on: the code is on no command line, where
   * any local user could read it and redeem it first.
   */
  @Test
  void theBrowserIsOpenedOnAPrivatePageAndTheCodeIsOnNoCommandLine() throws Exception {
    Path runtime = Files.createDirectories(emptyDataDir.resolve("runtime"));
    Path argsLog = emptyDataDir.resolve("browser-args");

    CliHarness.Result result =
        uiWithBrowser("secret-token", "printf '%s\\n' \"$@\" > '" + argsLog + "'", runtime);

    assertThat(result.exit()).as(result.err()).isEqualTo(ExitCodes.OK);
    assertThat(result.out()).isEmpty();
    assertThat(result.err()).isEqualTo("cairn: opened the web UI at http://" + server() + "/\n");
    Path page = runtime.resolve("cairn").resolve("sign-in.html");
    assertThat(Files.readAllLines(argsLog)).containsExactly(page.toUri().toString());
    assertThat(Files.getPosixFilePermissions(page.getParent()))
        .isEqualTo(PosixFilePermissions.fromString("rwx------"));
    assertThat(Files.getPosixFilePermissions(page))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(Files.readString(page))
        .contains("url=http://" + server() + "/#code=Zm9vYmFy_-0123456789\"")
        .doesNotContain("secret-token");
  }

  /** A directory for the page that others can enter is not used: the URL is printed instead. */
  @Test
  void aPageDirectoryOthersCanEnterIsRefused() throws Exception {
    Path runtime = Files.createDirectories(emptyDataDir.resolve("runtime"));
    Path shared = Files.createDirectories(runtime.resolve("cairn"));
    Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-xr-x"));

    CliHarness.Result result = uiWithBrowser("t", "exit 0", runtime);

    assertThat(result.exit()).as(result.err()).isEqualTo(ExitCodes.OK);
    assertThat(result.out().trim()).isEqualTo("http://" + server() + "/#code=Zm9vYmFy_-0123456789");
    assertThat(result.err()).contains("no browser could be opened");
    assertThat(shared.resolve("sign-in.html")).doesNotExist();
  }

  /** {@code cairn ui} with $BROWSER a script running {@code command}, and the runtime directory. */
  private CliHarness.Result uiWithBrowser(String token, String command, Path runtime)
      throws IOException {
    Path browser = emptyDataDir.resolve("browser");
    Files.writeString(browser, "#!/bin/sh\n" + command + "\n");
    Files.setPosixFilePermissions(browser, PosixFilePermissions.fromString("rwx------"));
    return cli(Map.of(
            "CAIRN_SERVER",
            server(),
            "CAIRN_TOKEN",
            token,
            "BROWSER",
            browser.toString(),
            "XDG_RUNTIME_DIR",
            runtime.toString()))
        .execute("ui");
  }

  @Test
  void jsonOutputNamesTheUrl() {
    CliHarness.Result result =
        cli(Map.of("CAIRN_SERVER", server(), "CAIRN_TOKEN", "t"))
            .execute("ui", "--print-url", "-o", "json");
    assertThat(result.exit()).as(result.err()).isEqualTo(ExitCodes.OK);
    assertThat(result.out().trim())
        .isEqualTo(
            "{\"opened\":false,\"url\":\"http://" + server() + "/#code=Zm9vYmFy_-0123456789\"}");
  }

  @Test
  void aRefusedTokenIsNotAuthenticated() {
    status = 401;
    CliHarness.Result result =
        cli(Map.of("CAIRN_SERVER", server(), "CAIRN_TOKEN", "wrong")).execute("ui", "--print-url");
    assertThat(result.exit()).isEqualTo(ExitCodes.NOT_AUTHENTICATED);
    assertThat(result.err()).contains("refused the token from CAIRN_TOKEN");
    assertThat(result.out()).isEmpty();
  }

  @Test
  void noTokenIsNotAuthenticated() {
    CliHarness.Result result =
        cli(Map.of("CAIRN_SERVER", server(), "CAIRN_DATA_DIR", emptyDataDir.toString()))
            .execute("ui", "--print-url");
    assertThat(result.exit()).isEqualTo(ExitCodes.NOT_AUTHENTICATED);
    assertThat(result.err()).contains("no token");
    assertThat(authorizations).isEmpty();
  }

  @Test
  void anUnreachableServerSaysSo() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    CliHarness.Result result =
        cli(Map.of("CAIRN_SERVER", "127.0.0.1:" + port, "CAIRN_TOKEN", "t"))
            .execute("ui", "--print-url");
    assertThat(result.exit()).isEqualTo(ExitCodes.UNREACHABLE);
    assertThat(result.err()).contains("cannot reach the server").doesNotContain("Exception");
  }
}
