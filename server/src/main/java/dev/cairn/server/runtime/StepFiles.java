package dev.cairn.server.runtime;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.cairn.server.engine.RunState;
import dev.cairn.server.engine.StepOutputs;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The files through which steps hand values on: each attempt writes its outputs to {@code
 * $CAIRN_OUTPUT} and reads those of every step upstream of it from {@code $CAIRN_INPUTS} (and from
 * {@code CAIRN_OUT_<step>_<key>} variables). Both live in the run's own directory beside its work
 * directory, {@code <work root>/<run id>.io}, owned by the user the steps run as.
 */
final class StepFiles {
  /** The one inputs file of every attempt with no upstream outputs, in the work root. */
  static final String NO_INPUTS = "no-inputs.json";

  private static final String IO_SUFFIX = ".io";

  /** The name of a run's directory of outputs and inputs files, beside its work directory. */
  static String ioDirectoryName(String runId) {
    return runId + IO_SUFFIX;
  }

  /** The run whose outputs directory has this name, if it is one. */
  static Optional<String> runOfIoDirectory(String name) {
    return name.endsWith(IO_SUFFIX) && name.length() > IO_SUFFIX.length()
        ? Optional.of(name.substring(0, name.length() - IO_SUFFIX.length()))
        : Optional.empty();
  }

  private StepFiles() {}

  /**
   * Prepares an attempt's files and adds their variables, and the upstream outputs, to {@code env}.
   *
   * @return the path the attempt's outputs are read from after it exits
   */
  static Path prepare(
      EngineSettings settings, RunState state, String stepId, int attempt, Map<String, String> env)
      throws IOException {
    Path directory =
        RunDirectory.prepare(settings.workRoot(), ioDirectoryName(state.runId()), settings.runAs());
    Path outputs = directory.resolve(stepId + "." + attempt + ".outputs");
    Map<String, Map<String, String>> upstream = StepOutputs.upstreamOf(state, stepId);
    Path inputs;
    if (upstream.isEmpty()) {
      // Most steps have no upstream outputs: they all read one empty file, made once in the work
      // root and read-only, rather than one more file made for every run.
      inputs = settings.workRoot().resolve(NO_INPUTS);
      if (!Files.exists(inputs, LinkOption.NOFOLLOW_LINKS)) {
        Path written = settings.workRoot().resolve(NO_INPUTS + ".new");
        Files.deleteIfExists(written);
        Files.writeString(written, StepOutputs.inputsJson(upstream), UTF_8);
        Files.setPosixFilePermissions(written, PosixFilePermissions.fromString("r--r--r--"));
        Files.move(written, inputs, StandardCopyOption.ATOMIC_MOVE);
      }
    } else {
      inputs = directory.resolve(stepId + "." + attempt + ".inputs.json");
      Files.writeString(inputs, StepOutputs.inputsJson(upstream), UTF_8);
    }
    for (Map.Entry<String, Map<String, String>> step : upstream.entrySet()) {
      for (Map.Entry<String, String> output : step.getValue().entrySet()) {
        env.put(StepOutputs.variable(step.getKey(), output.getKey()), output.getValue());
      }
    }
    env.put(StepOutputs.FILE_VARIABLE, outputs.toString());
    env.put(StepOutputs.INPUTS_VARIABLE, inputs.toString());
    return outputs;
  }

  /**
   * Reads an attempt's outputs file, if it wrote one. A symbolic link is not followed: a step that
   * runs as another user must not have the server read a file for it that it cannot read itself.
   */
  static StepOutputs.Parsed readOutputs(Path file) {
    if (!file.toFile().exists()) {
      // Most steps write no outputs: answered without the exception java.nio would build for it.
      return new StepOutputs.Parsed(Map.of(), "");
    }
    // Looked at before it is opened: opening a FIFO the step left there would wait for a writer
    // that never comes, and hold up every other attempt's exit with this thread. The attempt's
    // processes are all gone by now, so nothing swaps it in between.
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      return new StepOutputs.Parsed(Map.of(), "the outputs file ($CAIRN_OUTPUT) is not a file");
    }
    try (SeekableByteChannel channel =
        Files.newByteChannel(file, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))) {
      long size = channel.size();
      if (size > StepOutputs.MAX_BYTES) {
        return StepOutputs.parse(new byte[0], size);
      }
      try (InputStream in = Channels.newInputStream(channel)) {
        byte[] bytes = in.readNBytes(StepOutputs.MAX_BYTES + 1);
        return StepOutputs.parse(bytes, bytes.length);
      }
    } catch (NoSuchFileException e) {
      return new StepOutputs.Parsed(Map.of(), "");
    } catch (IOException e) {
      return new StepOutputs.Parsed(
          Map.of(), "cannot read the outputs file ($CAIRN_OUTPUT): " + e.getMessage());
    }
  }
}
