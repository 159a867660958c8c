package dev.cairn.server.process;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Starts steps through {@code cairn-spawn}, a small native helper (server/src/main/c): the server
 * writes a request to its stdin, the helper forks an attempt shim, a child subreaper that every
 * process of the attempt stays a descendant of, and the shim's child sets up its session,
 * parent-death signal, file-size cap, descriptors and directory, and execs the step. Starts,
 * failures and the raw wait status of each leader come back on its stdout. One exec per step, and
 * no JVM fork. The step's stdout and stderr are a pipe that the helper splices into the output
 * file, which it creates at the first byte.
 *
 * <p>A leader's exit is reported only once nothing the attempt started is left: the shim gives what
 * the leader left behind SIGTERM and, after the grace period, SIGKILL (SIGKILL at once when the
 * leader itself died of SIGKILL), including processes that left the step's session and dropped its
 * marker; and once the attempt's output is in the file.
 *
 * <p>The helper is started by the supervisor's long-lived spawner thread, which its own
 * parent-death signal is tied to; each shim's parent-death signal (SIGTERM) is tied to the helper,
 * and each step's (SIGKILL) to its shim. If the helper ends, every shim kills its whole attempt,
 * those steps are reported ended by SIGKILL once their shims are gone, and the next start runs a
 * new helper.
 */
final class SpawnHelperLauncher implements ProcessLauncher {
  private static final System.Logger LOG = System.getLogger(SpawnHelperLauncher.class.getName());
  // The protocol of cairn-spawn.c; SpawnProtocolTest keeps these in step with the C source.
  static final int RECORD_BYTES = 32;
  static final int HEADER_BYTES = 28;
  static final int KIND_STARTED = 1;
  static final int KIND_FAILED = 2;
  static final int KIND_EXITED = 3;
  private static final int SIGKILL_STATUS = PosixSignals.SIGKILL;
  // How long the reader waits for the shims of a helper that died to finish their attempts.
  private static final long SHIMS_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final Path binary;
  private final SpawnerThread owner;
  private final int graceMillis;
  private final Optional<RunAsUser> runAs;
  private Helper helper; // guarded by this
  private long nextId; // guarded by this
  private boolean closed; // guarded by this

  /**
   * @param binary the installed helper (see {@link SpawnHelperBinary})
   * @param owner the thread that starts the helper and lives as long as the supervisor
   * @param stopGrace how long what a step leaves behind has between SIGTERM and SIGKILL
   * @param runAs the user the helper switches every step to, if any
   */
  SpawnHelperLauncher(
      Path binary, SpawnerThread owner, Duration stopGrace, Optional<RunAsUser> runAs) {
    this.binary = binary;
    this.runAs = runAs;
    this.owner = owner;
    this.graceMillis = (int) Math.min(Integer.MAX_VALUE, stopGrace.toMillis());
  }

  @Override
  public String name() {
    return "cairn-spawn helper";
  }

  /** Starts the helper now rather than at the first step, so a broken one shows at once. */
  void startHelper() throws IOException {
    synchronized (this) {
      running();
    }
  }

  @Override
  public void start(LaunchRequest request, Listener listener) {
    byte[] frame = encode(request, graceMillis);
    synchronized (this) {
      if (closed) {
        listener.failed(new SpawnException("the process supervisor closed"));
        return;
      }
      long id = ++nextId;
      Helper current;
      try {
        current = running();
      } catch (IOException e) {
        listener.failed(new SpawnException("cannot run the process launcher: " + e.getMessage()));
        return;
      }
      current.pending.put(id, new Pending(request, listener));
      try {
        current.send(id, frame);
      } catch (IOException e) {
        // The helper is gone; its reader fails this start with every other pending one, unless it
        // finished before this start was registered.
        LOG.log(System.Logger.Level.ERROR, "cannot write to the process launcher: {0}", e);
      }
      if (!current.alive && current.pending.remove(id) != null) {
        listener.failed(new SpawnException("the process launcher ended"));
      }
    }
  }

  @Override
  public void close() {
    Helper last;
    synchronized (this) {
      closed = true;
      last = helper;
      helper = null;
    }
    if (last != null) {
      last.close();
    }
  }

  // Guarded by this.
  private Helper running() throws IOException {
    if (helper == null || !helper.alive) {
      List<String> command = new ArrayList<>();
      command.add(binary.toString());
      command.add(Long.toString(ProcessHandle.current().pid()));
      runAs.ifPresent(user -> command.addAll(List.of("--run-as", user.helperArgument())));
      ProcessBuilder builder = new ProcessBuilder(command);
      builder.environment().clear();
      builder.redirectError(ProcessBuilder.Redirect.INHERIT);
      helper =
          new Helper(
              owner.start(builder), runAs.map(RunAsUser::name).orElse("of cairn.run-as-user"));
      LOG.log(System.Logger.Level.DEBUG, "process launcher started, pid {0}", helper.process.pid());
    }
    return helper;
  }

  /** One request frame: see the protocol at the top of cairn-spawn.c. */
  static byte[] encode(LaunchRequest request, int graceMillis) {
    ByteArrayOutputStream strings = new ByteArrayOutputStream(256);
    putString(strings, request.argv().get(0));
    putString(strings, request.workingDir().toAbsolutePath().toString());
    putString(strings, request.outputFile().toAbsolutePath().toString());
    List<String> argv = request.argv();
    for (String argument : argv) {
      putString(strings, argument);
    }
    Map<String, String> environment = request.environment();
    for (Map.Entry<String, String> variable : environment.entrySet()) {
      putString(strings, variable.getKey() + "=" + variable.getValue());
    }
    putString(strings, LaunchRequest.MARKER_VARIABLE + "=" + request.marker());
    int length = HEADER_BYTES + strings.size();
    ByteBuffer frame = ByteBuffer.allocate(4 + length).order(ByteOrder.nativeOrder());
    frame.putInt(length);
    frame.putLong(0); // the id, set by send
    frame.putLong(request.outputLimitBytes());
    frame.putInt(argv.size());
    frame.putInt(environment.size() + 1);
    frame.putInt(graceMillis);
    frame.put(strings.toByteArray());
    return frame.array();
  }

  private static void putString(ByteArrayOutputStream out, String value) {
    out.writeBytes(value.getBytes(StandardCharsets.UTF_8));
    out.write(0);
  }

  /** A start waiting for its reply. */
  private record Pending(LaunchRequest request, Listener listener) {}

  /** One running helper process and the thread that reads its replies. */
  private static final class Helper {
    final Process process;
    final OutputStream requests;
    final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    // Touched only by the reader thread.
    final Map<Long, CompletableFuture<LeaderExit>> leaders = new ConcurrentHashMap<>();
    // The shim of each leader in leaders, by the leader's pid; touched only by the reader thread.
    final Map<Long, Long> shims = new ConcurrentHashMap<>();
    // The user steps switch to, named when a switch fails.
    final String user;
    volatile boolean alive = true;

    Helper(Process process, String user) {
      this.process = process;
      this.user = user;
      this.requests = new BufferedOutputStream(process.getOutputStream(), 64 * 1024);
      Thread reader = new Thread(this::read, "cairn-spawn-reader-" + process.pid());
      reader.setDaemon(true);
      reader.start();
    }

    void send(long id, byte[] frame) throws IOException {
      ByteBuffer.wrap(frame).order(ByteOrder.nativeOrder()).putLong(4, id);
      requests.write(frame);
      requests.flush();
    }

    void close() {
      try {
        // End of input: the helper exits, and any step still alive gets its parent-death signal.
        requests.close();
      } catch (IOException e) {
        // Already gone.
      }
      try {
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }

    private void read() {
      byte[] bytes = new byte[RECORD_BYTES];
      ByteBuffer record = ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
      try (InputStream stream = process.getInputStream();
          DataInputStream replies = new DataInputStream(stream)) {
        while (true) {
          replies.readFully(bytes);
          dispatch(
              record.getInt(0),
              record.getInt(4),
              record.getLong(8),
              record.getLong(16),
              record.getLong(24));
        }
      } catch (IOException e) {
        // End of stream: the helper ended.
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.ERROR, "the process launcher's reader failed", e);
      } finally {
        ended();
      }
    }

    private void dispatch(int kind, int value, long id, long pid, long extra) {
      switch (kind) {
        case KIND_STARTED -> {
          Pending start = pending.remove(id);
          CompletableFuture<LeaderExit> exit = new CompletableFuture<>();
          leaders.put(pid, exit);
          shims.put(pid, (long) value);
          if (start != null) {
            start.listener().started(pid, extra, exit);
          }
        }
        case KIND_FAILED -> {
          Pending start = pending.remove(id);
          if (start != null) {
            start
                .listener()
                .failed(SpawnFailures.describe(start.request(), (int) extra, value, user));
          }
        }
        case KIND_EXITED -> {
          CompletableFuture<LeaderExit> exit = leaders.remove(pid);
          shims.remove(pid);
          if (exit != null) {
            // The shim reports only once it has no process of the attempt left.
            exit.complete(LeaderExit.ofEndedAttempt(value));
          }
        }
        default -> throw new IllegalStateException("unknown reply kind " + kind);
      }
    }

    private void ended() {
      alive = false;
      int status = -1;
      try {
        if (process.waitFor(1, TimeUnit.SECONDS)) {
          status = process.exitValue();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (!pending.isEmpty() || !leaders.isEmpty()) {
        LOG.log(
            System.Logger.Level.ERROR,
            "the process launcher ended (status {0}) with {1} steps running and {2} starting; the"
                + " running ones were killed with it",
            status,
            leaders.size(),
            pending.size());
      }
      for (Pending start : List.copyOf(pending.values())) {
        start.listener().failed(new SpawnException("the process launcher ended"));
      }
      pending.clear();
      awaitShims();
      for (CompletableFuture<LeaderExit> exit : List.copyOf(leaders.values())) {
        exit.complete(LeaderExit.fromWaitStatus(SIGKILL_STATUS));
      }
      leaders.clear();
    }

    // The helper's death sent each shim its parent-death signal, on which the shim kills its whole
    // attempt, including processes that left the step's group; an attempt is reported ended only
    // once its shim is gone. A shim is reaped by init now, so its pid could in principle be reused
    // by the time it is looked at: the wait is bounded.
    private void awaitShims() {
      ProcTable procTable = new ProcTable();
      long deadline = System.nanoTime() + SHIMS_TIMEOUT_NANOS;
      for (long shim : List.copyOf(shims.values())) {
        while (shim > 0
            && procTable.stat(shim).filter(stat -> !stat.isDead()).isPresent()
            && System.nanoTime() - deadline < 0) {
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
      }
      shims.clear();
    }
  }
}
