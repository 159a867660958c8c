package dev.cairn.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.config.WithDefault;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code cairn server --help} lists every {@code cairn.*} setting with its default: this test reads
 * the settings from {@link CairnConfig} and the help from the launcher, so that a new setting or a
 * changed default cannot leave the help behind.
 */
class ServerHelpTest {
  @Test
  void theHelpListsEverySettingWithItsDefault() throws IOException {
    String launcher = Files.readString(Path.of("..", "bin", "cairn"));
    String help =
        launcher.substring(
            launcher.indexOf("server_usage() {"),
            launcher.indexOf("USAGE\n}", launcher.indexOf("server_usage() {")));
    List<String> lines = help.lines().toList();
    List<Setting> settings = settings(CairnConfig.class, "cairn.");
    assertThat(settings).hasSizeGreaterThan(10);
    for (Setting setting : settings) {
      String line =
          lines.stream()
              .filter(l -> l.trim().startsWith(setting.name() + " "))
              .findFirst()
              .orElseThrow(() -> new AssertionError(setting.name() + " is not in the help"));
      if (setting.defaultValue() != null) {
        assertThat(line).as(setting.name()).contains(" " + setting.defaultValue());
      }
    }
  }

  private record Setting(String name, String defaultValue) {}

  private static List<Setting> settings(Class<?> type, String prefix) {
    List<Setting> settings = new ArrayList<>();
    Method[] methods = type.getDeclaredMethods();
    Arrays.sort(methods, (a, b) -> a.getName().compareTo(b.getName()));
    for (Method method : methods) {
      String name = prefix + kebab(method.getName());
      if (method.getReturnType().isInterface()
          && method.getReturnType().getEnclosingClass() == type) {
        settings.addAll(settings(method.getReturnType(), name + "."));
        continue;
      }
      WithDefault value = method.getAnnotation(WithDefault.class);
      settings.add(new Setting(name, value == null ? null : value.value()));
    }
    return settings;
  }

  private static String kebab(String camel) {
    return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
  }
}
