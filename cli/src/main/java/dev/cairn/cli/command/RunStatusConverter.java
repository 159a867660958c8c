package dev.cairn.cli.command;

import dev.cairn.v1.RunStatus;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads a run status as {@code failed}, {@code FAILED} or {@code RUN_STATUS_FAILED}. */
final class RunStatusConverter implements ITypeConverter<RunStatus> {
  @Override
  public RunStatus convert(String value) {
    String name = value.trim().toUpperCase(Locale.ROOT);
    if (!name.startsWith("RUN_STATUS_")) {
      name = "RUN_STATUS_" + name;
    }
    for (RunStatus status : RunStatus.values()) {
      if (status != RunStatus.UNRECOGNIZED
          && status != RunStatus.RUN_STATUS_UNSPECIFIED
          && status.name().equals(name)) {
        return status;
      }
    }
    throw new TypeConversionException("unknown status '" + value + "' (one of: " + choices() + ")");
  }

  private static String choices() {
    return Arrays.stream(RunStatus.values())
        .filter(s -> s != RunStatus.UNRECOGNIZED && s != RunStatus.RUN_STATUS_UNSPECIFIED)
        .map(s -> s.name().substring("RUN_STATUS_".length()).toLowerCase(Locale.ROOT))
        .collect(Collectors.joining(", "));
  }
}
