package dev.cairn.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where a setting comes from: {@code -D} over the environment over the file named by {@code
 * cairn.config-file} over the packaged defaults; and the listener settings Cairn derives for
 * Quarkus from its own.
 */
class ConfigSourcesTest {
  @TempDir Path dir;

  @Test
  void systemPropertiesBeatTheEnvironmentWhichBeatsTheConfigFile() throws Exception {
    Path file = Files.writeString(dir.resolve("cairn.properties"), "cairn.max-parallel=3\n");
    assertThat(config(Map.of(), Map.of(), file).getValue("cairn.max-parallel", Integer.class))
        .isEqualTo(3);
    assertThat(
            config(Map.of(), Map.of("CAIRN_MAX_PARALLEL", "5"), file)
                .getValue("cairn.max-parallel", Integer.class))
        .isEqualTo(5);
    assertThat(
            config(Map.of("cairn.max-parallel", "9"), Map.of("CAIRN_MAX_PARALLEL", "5"), file)
                .getValue("cairn.max-parallel", Integer.class))
        .isEqualTo(9);
  }

  @Test
  void anUnreadableConfigFileIsNamedInTheRefusal() {
    assertThat(ConfigFile.problem(java.util.Optional.of(dir.resolve("nope").toString())))
        .hasValueSatisfying(problem -> assertThat(problem).contains("cannot read"));
  }

  @Test
  void tlsFromTheFileMakesThePortTlsOnlyAndTheSpecLimitSizesMessages() throws Exception {
    Path file =
        Files.writeString(dir.resolve("cairn.properties"), "cairn.max-spec-bytes=67108864\n");
    SmallRyeConfig config = config(Map.of(), Map.of(), file);
    assertThat(config.getValue("quarkus.grpc.server.max-inbound-message-size", Integer.class))
        .isEqualTo(128 << 20);
    assertThat(config.getOptionalValue("quarkus.http.insecure-requests", String.class)).isEmpty();
  }

  @Test
  void relativePathsInTheFileAreRelativeToItsDirectory() throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("cairn.properties"),
            "cairn.data-dir=data\ncairn.store=sqlite:db/x.db\ncairn.tls.key=/etc/k.pem\n"
                + "cairn.work-root=../work\n");
    SmallRyeConfig config = config(Map.of(), Map.of(), file);
    Path base = dir.toAbsolutePath();
    assertThat(config.getValue("cairn.data-dir", String.class))
        .isEqualTo(base.resolve("data").toString());
    assertThat(config.getValue("cairn.store", String.class))
        .isEqualTo("sqlite:" + base.resolve("db/x.db"));
    assertThat(config.getValue("cairn.tls.key", String.class)).isEqualTo("/etc/k.pem");
    assertThat(config.getValue("cairn.work-root", String.class))
        .isEqualTo(base.getParent().resolve("work").toString());
  }

  @Test
  void theLargestMessageIsTwiceTheSpecLimitAndAtLeastFourMebibytes() {
    assertThat(ListenerSettings.maxInboundMessageBytes(1 << 20)).isEqualTo(4 << 20);
    assertThat(ListenerSettings.maxInboundMessageBytes(3 << 20)).isEqualTo(6 << 20);
    assertThat(ListenerSettings.maxInboundMessageBytes(Integer.MAX_VALUE))
        .isEqualTo(Integer.MAX_VALUE);
  }

  private static SmallRyeConfig config(
      Map<String, String> system, Map<String, String> environment, Path file) {
    Map<String, String> properties = new HashMap<>(system);
    properties.put(ConfigFile.PROPERTY, file.toString());
    return new SmallRyeConfigBuilder()
        .withSources(new PropertiesConfigSource(properties, "system", 400))
        .withSources(new EnvConfigSource(environment, 300))
        .withSources(new ConfigFile(), new ListenerSettings())
        .build();
  }
}
