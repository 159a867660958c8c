package dev.cairn.workflow;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/** Reads a workflow file from disk into what a submit sends: its text and its directory. */
public final class WorkflowFiles {
  /** The most a workflow file may hold: what the parser reads at most. */
  public static final int MAX_FILE_BYTES = WorkflowParser.CODE_POINT_LIMIT;

  private WorkflowFiles() {}

  /**
   * A workflow file's content.
   *
   * @param text the file's text (UTF-8)
   * @param baseDir the file's absolute, normalized directory
   */
  public record Source(String text, String baseDir) {}

  /**
   * Reads {@code file}.
   *
   * @throws WorkflowFileException when the file is missing, unreadable or not UTF-8
   */
  public static Source read(Path file) throws WorkflowFileException {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      // Read no further than a file may hold: a device (/dev/zero) or a huge file by mistake would
      // otherwise be read whole into memory.
      bytes = in.readNBytes(MAX_FILE_BYTES + 1);
    } catch (NoSuchFileException e) {
      throw unreadable("no such file");
    } catch (IOException e) {
      throw unreadable("cannot read: " + e.getMessage());
    }
    if (bytes.length > MAX_FILE_BYTES) {
      throw new WorkflowFileException(
          List.of(
              new Problem(
                  0,
                  "",
                  "SPEC_TOO_LARGE",
                  "the file is larger than "
                      + MAX_FILE_BYTES
                      + " bytes; a workflow file is far smaller (a server takes 1 MiB by default,"
                      + " cairn.max-spec-bytes)")));
    }
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
    } catch (CharacterCodingException e) {
      throw unreadable("not valid UTF-8");
    }
    Path directory = file.toAbsolutePath().normalize().getParent();
    return new Source(text, directory.toString());
  }

  private static WorkflowFileException unreadable(String message) {
    return new WorkflowFileException(List.of(new Problem(0, "", "UNREADABLE", message)));
  }
}
