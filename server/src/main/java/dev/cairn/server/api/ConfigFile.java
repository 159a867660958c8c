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
    Properties properties = new Properties();
    try (Reader in = Files.newBufferedReader(Path.of(named.getValue()), StandardCharsets.UTF_8)) {
      properties.load(in);
    } catch (IOException | RuntimeException e) {
      return Map.of();
    }
    Map<String, String> values = new HashMap<>();
    properties.forEach((key, value) -> values.put(key.toString(), value.toString()));
    return values;
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
