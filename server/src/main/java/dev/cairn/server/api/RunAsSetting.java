package dev.cairn.server.api;

import dev.cairn.server.process.LauncherKind;
import dev.cairn.server.process.RunAsUser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Resolves {@code cairn.run-as-user} at start. The switch needs root, and the cairn-spawn helper
 * (the wrappers cannot change user); anything else is a one-line refusal naming the setting.
 */
final class RunAsSetting {
  private RunAsSetting() {}

  static Optional<RunAsUser> resolve(Optional<String> setting, LauncherKind launcher) {
    if (setting.isEmpty()) {
      return Optional.empty();
    }
    String name = setting.get().trim();
    if (name.isEmpty() || name.contains(":") || name.contains("\n")) {
      throw new StartRefused("cairn.run-as-user '" + setting.get() + "' is not a user name");
    }
    if (launcher == LauncherKind.WRAPPERS) {
      throw new StartRefused(
          "cairn.run-as-user needs the cairn-spawn helper: unset cairn.process-launcher=wrappers");
    }
    int serverUid = serverUid();
    if (serverUid != 0) {
      throw new StartRefused(
          "cairn.run-as-user="
              + name
              + " needs a server running as root (it runs as uid "
              + serverUid
              + "); unset cairn.run-as-user, or start the server as "
              + name
              + " itself");
    }
    String entry = passwdEntry(name);
    // name:password:uid:gid:gecos:home:shell
    String[] fields = entry.split(":", -1);
    if (fields.length < 7 || !fields[0].equals(name)) {
      throw new StartRefused(
          "cairn.run-as-user=" + name + ": cannot read the user's entry '" + entry + "'");
    }
    try {
      return Optional.of(
          new RunAsUser(
              name, Integer.parseInt(fields[2]), Integer.parseInt(fields[3]), Path.of(fields[5])));
    } catch (IllegalArgumentException e) {
      throw new StartRefused(
          "cairn.run-as-user=" + name + ": cannot read the user's entry '" + entry + "'");
    }
  }

  private static int serverUid() {
    try {
      return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    } catch (IOException | RuntimeException e) {
      throw new StartRefused(
          "cairn.run-as-user: cannot tell which user the server runs as: " + e.getMessage());
    }
  }

  /** The user's line from the system's user database (NSS, so not only /etc/passwd). */
  private static String passwdEntry(String name) {
    String output;
    int status;
    try {
      Process getent =
          new ProcessBuilder("getent", "passwd", "--", name)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      getent.getOutputStream().close();
      output = new String(getent.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!getent.waitFor(10, TimeUnit.SECONDS)) {
        getent.destroyForcibly();
        throw new StartRefused("cairn.run-as-user=" + name + ": getent passwd did not answer");
      }
      status = getent.exitValue();
    } catch (IOException e) {
      throw new StartRefused(
          "cairn.run-as-user=" + name + ": cannot look the user up: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StartRefused("cairn.run-as-user=" + name + ": interrupted looking the user up");
    }
    if (status != 0 || output.isEmpty()) {
      throw new StartRefused("cairn.run-as-user=" + name + ": no such user");
    }
    return output.lines().findFirst().orElse("");
  }
}
