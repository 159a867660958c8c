package dev.cairn.cli.command;

import dev.cairn.cli.CliException;
import dev.cairn.cli.ClientCommand;
import dev.cairn.cli.Environment;
import dev.cairn.cli.ExitCodes;
import dev.cairn.cli.OutputOptions;
import dev.cairn.cli.client.ServerAddress;
import dev.cairn.cli.client.Token;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code cairn ui}: opens the web UI in a browser, signed in. The token never goes into a URL: the
 * command asks the server for a one-time code (valid 60 s, good for one sign-in) and opens the page
 * with it in the URL's fragment, which browsers do not send to the server; the page exchanges it
 * for the token and keeps that for the tab only.
 *
 * <p>The code never goes on a command line either, where any local user could read it (in {@code
 * /proc/PID/cmdline}) and redeem it first: the browser is opened on a small page in a directory
 * only this user can read, which sends it on to the sign-in URL.
 */
@Command(
    name = "ui",
    mixinStandardHelpOptions = true,
    description = {
      "Open the web UI in a browser, signed in with a one-time code (the token is not put in the"
          + " URL).",
      "Without a browser, or with --print-url, print the URL to open within 60 seconds."
    })
public final class UiCommand extends ClientCommand {
  private static final Pattern CODE = Pattern.compile("\"code\"\\s*:\\s*\"([A-Za-z0-9_-]+)\"");

  @Option(
      names = "--print-url",
      description = "Print the sign-in URL instead of opening a browser.")
  boolean printUrl;

  @Mixin OutputOptions output;

  @Override
  public boolean jsonOutput() {
    return output.json();
  }

  @Override
  public Integer call() {
    ServerAddress address = globalOptions().address(context().environment());
    Token token =
        globalOptions()
            .token(context().environment())
            .orElseThrow(
                () ->
                    new CliException(
                        ExitCodes.NOT_AUTHENTICATED,
                        "no token: pass --token, set CAIRN_TOKEN, or run on the server's machine"
                            + " (the token is in its data directory)"));
    String base = (globalOptions().tls() ? "https://" : "http://") + address;
    String url = base + "/#code=" + signInCode(base, token);
    boolean opened = !printUrl && open(url, context().environment());
    if (output.json()) {
      // The URL is printed only when no browser took it: it signs in once, within 60 s.
      out().println(opened ? "{\"opened\":true}" : "{\"opened\":false,\"url\":\"" + url + "\"}");
    } else if (opened) {
      err().println("cairn: opened the web UI at " + base + "/");
    } else {
      out().println(url);
      if (!printUrl) {
        err().println("cairn: no browser could be opened; open the URL above within 60 seconds");
      }
    }
    return ExitCodes.OK;
  }

  private static String signInCode(String base, Token token) {
    HttpClient client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + "/api/v1/ui-codes"))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer " + token.value())
            .POST(HttpRequest.BodyPublishers.noBody())
            .build();
    HttpResponse<String> response;
    try {
      response = client.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      String reason =
          refused(e)
              ? "connection refused (is the server running?)"
              : e.getMessage() == null ? "no answer" : e.getMessage();
      throw new CliException(
          ExitCodes.UNREACHABLE, "cannot reach the server at " + base + ": " + reason);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(ExitCodes.OTHER, "interrupted");
    }
    if (response.statusCode() == 401) {
      throw new CliException(
          ExitCodes.NOT_AUTHENTICATED, "the server refused the token from " + token.source());
    }
    Matcher code = CODE.matcher(response.body());
    if (response.statusCode() != 200 || !code.find()) {
      throw new CliException(
          ExitCodes.OTHER,
          "the server gave no sign-in code (HTTP "
              + response.statusCode()
              + "): "
              + response.body().lines().findFirst().orElse(""));
    }
    return code.group(1);
  }

  /** The HTTP client reports a refused connection as a ConnectException, sometimes wrapped. */
  private static boolean refused(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof java.net.ConnectException) {
        return true;
      }
    }
    return false;
  }

  /**
   * Opens {@code url} with {@code $BROWSER} or the desktop's opener, through a redirect page only
   * this user can read; false when there is no opener, it failed, or the page cannot be written.
   */
  private static boolean open(String url, Environment environment) {
    Path page;
    try {
      page = SignInPage.write(url, environment);
    } catch (IOException | SecurityException e) {
      return false;
    }
    String pageUrl = page.toUri().toString();
    List<List<String>> openers =
        environment
            .variable("BROWSER")
            .filter(browser -> !browser.isBlank())
            .map(browser -> List.of(List.of(browser, pageUrl)))
            .orElse(List.of(List.of("xdg-open", pageUrl), List.of("open", pageUrl)));
    for (List<String> command : openers) {
      try {
        Process process =
            new ProcessBuilder(command)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (process.waitFor() == 0) {
          return true;
        }
      } catch (IOException notThere) {
        // Try the next opener.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return false;
  }
}
