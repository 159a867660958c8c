package dev.cairn.cli.command;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.cairn.cli.Environment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The page {@code cairn ui} opens the browser on: it sends the browser on to the sign-in URL, so
 * that the one-time code is in a file only this user can read rather than on the opener's and the
 * browser's command lines. It lives in {@code $XDG_RUNTIME_DIR/cairn} (or {@code
 * <tmpdir>/cairn-ui-<user>}), a directory this user owns and nobody else may enter, and is replaced
 * by each {@code cairn ui}; the code it holds is good for one sign-in within 60 s.
 */
final class SignInPage {
  static final String FILE = "sign-in.html";

  private static final Set<PosixFilePermission> PRIVATE =
      PosixFilePermissions.fromString("rwx------");

  private SignInPage() {}

  /** Writes the page for {@code url} and returns its path. */
  static Path write(String url, Environment environment) throws IOException {
    Path directory = directory(environment);
    Path page = directory.resolve(FILE);
    Path written = Files.createTempFile(directory, "sign-in-", ".html");
    try {
      Files.writeString(written, html(url), UTF_8);
      Files.move(
          written, page, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(written);
    }
    return page;
  }

  static String html(String url) {
    String attribute = escape(url);
    return "<!doctype html>\n<meta charset=\"utf-8\">\n<title>Cairn</title>\n"
        + "<meta name=\"referrer\" content=\"no-referrer\">\n"
        + "<meta http-equiv=\"refresh\" content=\"0;url="
        + attribute
        + "\">\n<p><a href=\""
        + attribute
        + "\">Open the Cairn web UI</a></p>\n";
  }

  private static Path directory(Environment environment) throws IOException {
    Path directory =
        environment
            .variable("XDG_RUNTIME_DIR")
            .filter(runtime -> !runtime.isBlank() && Path.of(runtime).isAbsolute())
            .filter(runtime -> Files.isDirectory(Path.of(runtime)))
            .map(runtime -> Path.of(runtime, "cairn"))
            .orElseGet(
                () ->
                    Path.of(
                        System.getProperty("java.io.tmpdir"),
                        "cairn-ui-" + System.getProperty("user.name")));
    if (!Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
      try {
        Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(PRIVATE));
      } catch (java.nio.file.FileAlreadyExistsException raced) {
        // Checked below like any existing directory.
      }
    }
    // Refuse a directory someone else made for us (or a link to one): they could read the page.
    PosixFileAttributes attributes =
        Files.readAttributes(directory, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (!attributes.isDirectory()
        || !attributes.owner().getName().equals(System.getProperty("user.name"))
        || !attributes.permissions().equals(PRIVATE)) {
      throw new IOException(directory + " is not a private directory of this user");
    }
    return directory;
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;")
        .replace("\"", "&quot;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("'", "&#39;");
  }
}
