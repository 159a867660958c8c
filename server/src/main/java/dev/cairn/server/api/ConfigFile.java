package dev.cairn.server.api;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Properties;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * The settings file named by {@code cairn.config-file} ({@code cairn server --config FILE}), a
 * properties file of {@code NAME=VALUE} lines. It ranks below {@code -D} (400) and the environment
 * (300), above the packaged defaults (250): a file for what is set once, the environment and {@code
 * -D} for what one start changes. (Quarkus's own {@code quarkus.config.locations} ranks a file as
 * high as the source that named it, so a file named with {@code -D} would beat every other {@code
 * -D}.) A file that cannot be read refuses the start in one line (CairnServer).
 */
public final class ConfigFile implements ConfigSourceFactory {
  static final String PROPERTY = "cairn.config-file";
  private static final int ORDINAL = 260;

  @Override
  public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
    Map<String, String> values = read(context);
    return values.isEmpty()
        ? List.of()
        : List.of(new PropertiesConfigSource(values, "cairn-config-file", ORDINAL));
  }

  /** The named file's settings; none when no file is named or it cannot be read. */
  static Map<String, String> read(ConfigSourceContext context) {
    ConfigValue named = context.getValue(PROPERTY);
    if (named == null || named.getValue() == null || named.getValue().isBlank()) {
      return Map.of();
    }
    Path file = Path.of(named.getValue()).toAbsolutePath();
    Properties properties = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(in);
    } catch (IOException | RuntimeException e) {
      return Map.of();
    }
    Map<String, String> values = new HashMap<>();
    properties.forEach(
        (key, value) -> values.put(key.toString(), besideTheFile(file, key.toString(), value)));
    return values;
  }

  /** The settings that name a file or directory. */
  private static final java.util.Set<String> PATHS =
      java.util.Set.of(
          "cairn.data-dir", "cairn.work-root", "cairn.tls.certificate", "cairn.tls.key");

  /**
   * A relative path in the file is relative to the file's directory, as a reader of the file takes
   * it: the server runs from its installation's directory (where its class data archive is), so
   * left relative it would name a directory inside the installation. So is the path of a file store
   * in {@code cairn.store} (see {@link StoreSetting#besideFile}).
   */
  private static String besideTheFile(Path file, String key, Object value) {
    String text = value.toString().trim();
    Path directory = file.getParent();
    if (directory == null || text.isEmpty()) {
      return value.toString();
    }
    try {
      if (PATHS.contains(key) && !Path.of(text).isAbsolute()) {
        return directory.resolve(text).normalize().toString();
      }
      if (key.equals(StoreSetting.PROPERTY)) {
        return StoreSetting.besideFile(directory, text);
      }
    } catch (java.nio.file.InvalidPathException e) {
      // Refused in the setting's own words when it is used.
    }
    return value.toString();
  }

  @Override
  public OptionalInt getPriority() {
    return OptionalInt.of(ORDINAL + 100);
  }

  /** Why the named file cannot be read, if it is named and cannot. */
  static java.util.Optional<String> problem(java.util.Optional<String> named) {
    if (named.isEmpty() || named.get().isBlank()) {
      return java.util.Optional.empty();
    }
    Path file = Path.of(named.get());
    return Files.isReadable(file) && Files.isRegularFile(file)
        ? java.util.Optional.empty()
        : java.util.Optional.of("cannot read the settings file " + file + " (cairn.config-file)");
  }
}
