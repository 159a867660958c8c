package dev.cairn.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;

/**
 * The sizes RetentionIT saw over its run, as a Markdown section: printed always, and written to the
 * file {@code cairn.it.retention-report} names (bench/soak-retention sets it), which bench/run then
 * appends to bench/RESULTS.md.
 */
final class SoakReport {
  private SoakReport() {}

  static void write(long seconds, int submitted, List<String> rows) {
    StringBuilder section = new StringBuilder();
    section
        .append("## Retention soak\n\n")
        .append(
            String.format(
                Locale.ROOT,
                "Written by `bench/soak-retention` on %s at commit %s, not by `bench/run`: RetentionIT"
                    + " run for %d s with `cairn.retention=2s` and `cairn.retention-tombstones=8s`,"
                    + " one run submitted about every 20 ms (%,d runs), while a run that sleeps"
                    + " stays live throughout. Sizes over time (bytes of `cairn.db` and of its"
                    + " write-ahead log, entries of `logs/`, runs the server still lists):%n%n",
                LocalDate.now(ZoneOffset.UTC),
                System.getProperty("cairn.it.commit", "unknown"),
                seconds,
                submitted))
        .append("| time | cairn.db | cairn.db-wal | logs/ | runs kept |\n")
        .append("|---:|---:|---:|---:|---:|\n");
    // At most about a dozen rows: every n-th sample, and always the last.
    int step = Math.max(1, rows.size() / 12);
    for (int i = 0; i < rows.size(); i++) {
      if (i % step == 0 || i == rows.size() - 1) {
        section.append(rows.get(i)).append('\n');
      }
    }
    System.out.println(section);
    String file = System.getProperty("cairn.it.retention-report", "");
    if (!file.isEmpty()) {
      try {
        Files.writeString(Path.of(file), section);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
