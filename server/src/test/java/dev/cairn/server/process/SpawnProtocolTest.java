package dev.cairn.server.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The constants of the helper's wire protocol are the same in cairn-spawn.c and in Java. */
class SpawnProtocolTest {
  private static final Path SOURCE = Path.of("src/main/c/cairn-spawn.c");

  private static String source() throws IOException {
    return Files.readString(SOURCE);
  }

  private static int constant(String source, String name) {
    Matcher matcher = Pattern.compile("\\b" + name + "\\s*=\\s*(\\d+)").matcher(source);
    assertThat(matcher.find()).as("%s in %s", name, SOURCE).isTrue();
    return Integer.parseInt(matcher.group(1));
  }

  @Test
  void replyKindsMatch() throws IOException {
    String source = source();
    assertThat(constant(source, "KIND_STARTED")).isEqualTo(SpawnHelperLauncher.KIND_STARTED);
    assertThat(constant(source, "KIND_FAILED")).isEqualTo(SpawnHelperLauncher.KIND_FAILED);
    assertThat(constant(source, "KIND_EXITED")).isEqualTo(SpawnHelperLauncher.KIND_EXITED);
  }

  @Test
  void stagesMatch() throws IOException {
    String source = source();
    Map<String, Integer> java =
        Map.of(
            "STAGE_FORK", SpawnFailures.STAGE_FORK,
            "STAGE_RLIMIT", SpawnFailures.STAGE_RLIMIT,
            "STAGE_OUTPUT", SpawnFailures.STAGE_OUTPUT,
            "STAGE_CHDIR", SpawnFailures.STAGE_CHDIR,
            "STAGE_EXEC", SpawnFailures.STAGE_EXEC,
            "STAGE_REQUEST", SpawnFailures.STAGE_REQUEST,
            "STAGE_SUBREAPER", SpawnFailures.STAGE_SUBREAPER,
            "STAGE_USER", SpawnFailures.STAGE_USER);
    java.forEach((name, value) -> assertThat(constant(source, name)).as(name).isEqualTo(value));
  }

  @Test
  void recordAndHeaderSizesMatch() throws IOException {
    String source = source();
    Matcher header = Pattern.compile("#define HEADER_BYTES (\\d+)u").matcher(source);
    assertThat(header.find()).isTrue();
    assertThat(Integer.parseInt(header.group(1))).isEqualTo(SpawnHelperLauncher.HEADER_BYTES);
    assertThat(source).contains(SpawnHelperLauncher.RECORD_BYTES + "-byte records");
  }

  @Test
  void aFrameIsItsHeaderAndItsStrings() {
    LaunchRequest request =
        new LaunchRequest("m", java.util.List.of("p"), Map.of(), Path.of("/"), Path.of("/o"), 1);
    byte[] frame = SpawnHelperLauncher.encode(request, 250);
    // Strings: program, working directory, output file, argv, the marker variable, each + NUL.
    int strings = 2 + 2 + 3 + 2 + "CAIRN_MARKER=m".length() + 1;
    assertThat(frame.length).isEqualTo(4 + SpawnHelperLauncher.HEADER_BYTES + strings);
    java.nio.ByteBuffer buffer =
        java.nio.ByteBuffer.wrap(frame).order(java.nio.ByteOrder.nativeOrder());
    assertThat(buffer.getInt(0)).isEqualTo(SpawnHelperLauncher.HEADER_BYTES + strings);
    assertThat(buffer.getInt(4 + 24)).as("the grace in milliseconds").isEqualTo(250);
  }
}
