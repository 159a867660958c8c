package dev.cairn.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What the results were measured on. */
record MachineInfo(String cpu, int cores, String kernel, String disk, String jdk) {

  static MachineInfo probe(Path workDir) {
    return new MachineInfo(
        cpuModel(),
        Runtime.getRuntime().availableProcessors(),
        read("/proc/sys/kernel/osrelease"),
        disk(workDir),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
  }

  private static String cpuModel() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
          .filter(line -> line.startsWith("model name"))
          .map(line -> line.substring(line.indexOf(':') + 1).trim())
          .findFirst()
          .orElse("unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }

  // The device and file system under the work directory, and whether the kernel calls it
  // rotational.
  private static String disk(Path workDir) {
    String mount = command(List.of("findmnt", "-no", "SOURCE,FSTYPE", "-T", workDir.toString()));
    String source = mount.split("\\s+")[0];
    String device = source.replaceFirst("^/dev/", "").replaceFirst("p?[0-9]+$", "");
    String rotational = read("/sys/block/" + device + "/queue/rotational");
    String kind =
        rotational.equals("0")
            ? "non-rotational"
            : rotational.equals("1") ? "rotational" : "kind unknown";
    return mount + " (" + kind + ")";
  }

  private static String read(String file) {
    try {
      return Files.readString(Path.of(file)).trim();
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static String command(List<String> argv) {
    try {
      Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
      String out = new String(process.getInputStream().readAllBytes()).trim();
      return process.waitFor() == 0 ? out : "unknown";
    } catch (IOException e) {
      return "unknown";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown";
    }
  }
}
