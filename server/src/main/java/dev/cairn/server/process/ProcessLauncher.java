package dev.cairn.server.process;

import java.util.concurrent.CompletionStage;

/**
 * Starts the leader of an attempt's process group: in its own session and process group, with the
 * parent-death signal, stdin from {@code /dev/null}, stdout and stderr into the output file, the
 * size caps and exactly the requested environment plus the marker.
 *
 * <p>Two launchers exist. {@link SpawnHelperLauncher} asks a small native helper to fork and exec
 * the step: one exec per step. {@link WrapperLauncher} starts it through the JDK and the util-linux
 * wrappers {@code setpriv}, {@code setsid} and {@code prlimit}: up to four execs per step, for a
 * build without a C compiler.
 */
interface ProcessLauncher extends AutoCloseable {

  /** What becomes of one start; exactly one method is called, once, on a launcher thread. */
  interface Listener {
    /**
     * The leader runs in its own session.
     *
     * @param startTicks its start time from {@code /proc/PID/stat}, 0 when it had already ended
     * @param exit completes when the leader has exited; with the native helper, only once every
     *     other process the attempt started is gone too
     */
    void started(long pid, long startTicks, CompletionStage<LeaderExit> exit);

    /** Nothing was started, or what was started never became the step and is gone. */
    void failed(SpawnException failure);
  }

  /**
   * Starts the request without waiting for it to run. A program without a slash is looked up in the
   * {@code PATH} of the request's environment; a missing program or working directory is reported
   * to {@link Listener#failed} with the messages of {@link LaunchCheck}.
   */
  void start(LaunchRequest request, Listener listener);

  /** A short name for logs: which launcher the server uses. */
  String name();

  /** Stops the launcher's threads; live steps must have been killed before. */
  @Override
  void close();
}
