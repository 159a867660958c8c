package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The boundaries of the server's packages, checked on its main sources: the engine core stays pure,
 * and only the SQLite adapter knows that the store is SQLite. Source scanning is enough here (no
 * extra dependency): imports and qualified names are what crosses a boundary in this code base.
 */
class ArchitectureTest {
  private static final Path MAIN = Path.of("src/main/java/dev/cairn/server");
  private static final Path ENGINE = MAIN.resolve("engine");
  private static final Path SQLITE_ADAPTER = MAIN.resolve("store/sqlite");

  /** The one file outside the adapter allowed to name SQLite: the default of cairn.store. */
  private static final Path DEFAULT_SETTING = MAIN.resolve("api/StoreSetting.java");

  private static final Pattern FRAMEWORKS =
      Pattern.compile(
          "\\b(io\\.quarkus|jakarta|org\\.jboss|io\\.grpc|org\\.jdbi|java\\.sql|javax\\.sql)\\.");

  @Test
  void theEngineCoreUsesNoFrameworkTransportOrDatabase() {
    List<String> found = new ArrayList<>();
    for (Path file : javaFiles(ENGINE)) {
      Matcher matcher = FRAMEWORKS.matcher(code(file));
      while (matcher.find()) {
        found.add(file.getFileName() + " uses " + matcher.group(1));
      }
    }
    assertThat(javaFiles(ENGINE)).isNotEmpty();
    assertThat(found).as("the engine core must stay pure").isEmpty();
  }

  @Test
  void nothingOutsideTheSqliteAdapterUsesSqliteOrNamesTheAdaptersClasses() {
    Set<String> adapterClasses =
        javaFiles(SQLITE_ADAPTER).stream()
            .map(file -> file.getFileName().toString().replace(".java", ""))
            .collect(Collectors.toSet());
    assertThat(adapterClasses).contains("SqliteEventStore");
    Pattern adapter =
        Pattern.compile(
            "\\borg\\.sqlite\\b|\\bdev\\.cairn\\.server\\.store\\.sqlite\\b|\\b("
                + String.join("|", adapterClasses)
                + ")\\b");
    List<String> found = new ArrayList<>();
    for (Path file : javaFiles(MAIN)) {
      if (file.startsWith(SQLITE_ADAPTER)) {
        continue;
      }
      Matcher matcher = adapter.matcher(code(file));
      while (matcher.find()) {
        found.add(MAIN.relativize(file) + " names " + matcher.group());
      }
    }
    assertThat(found).as("only the adapter may know the store is SQLite").isEmpty();
  }

  @Test
  void onlyThePostgresAdapterUsesItsDriverAndMigrationTool() {
    Path adapterPackage = MAIN.resolve("store/postgres");
    Pattern postgres = Pattern.compile("\\b(org\\.postgresql|org\\.flywaydb)\\b");
    List<String> found = new ArrayList<>();
    for (Path file : javaFiles(MAIN)) {
      if (file.startsWith(adapterPackage)) {
        continue;
      }
      Matcher matcher = postgres.matcher(code(file));
      while (matcher.find()) {
        found.add(MAIN.relativize(file) + " uses " + matcher.group());
      }
    }
    assertThat(javaFiles(adapterPackage)).isNotEmpty();
    assertThat(found).as("only the adapter may know the store is PostgreSQL").isEmpty();
  }

  @Test
  void noFileOutsideTheAdapterMentionsSqliteEvenInComments() throws IOException {
    List<String> found = new ArrayList<>();
    for (Path file : javaFiles(MAIN)) {
      if (file.startsWith(SQLITE_ADAPTER) || file.equals(DEFAULT_SETTING)) {
        continue;
      }
      if (Files.readString(file).toLowerCase(Locale.ROOT).contains("sqlite")) {
        found.add(MAIN.relativize(file).toString());
      }
    }
    assertThat(found).isEmpty();
  }

  private static List<Path> javaFiles(Path root) {
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(file -> file.toString().endsWith(".java")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The file's text without its comments, so that prose may name what code must not use. */
  private static String code(Path file) {
    try {
      return Files.readString(file)
          .replaceAll("(?s)/\\*.*?\\*/", " ")
          .replaceAll("(?m)^\\s*//.*$", " ");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
