package dev.cairn.server.process;

/**
 * The fields of {@code /proc/PID/stat} the supervisor relies on.
 *
 * @param pid the process id
 * @param state the one-letter state ({@code R}, {@code S}, {@code D}, {@code Z}, ...)
 * @param ppid the parent's pid
 * @param pgid the process group
 * @param session the session id
 * @param startTicks the start time in clock ticks since boot (field 22)
 */
public record ProcStat(long pid, char state, long ppid, long pgid, long session, long startTicks) {

  /** Whether the process has ended and only waits to be reaped ({@code Z} or {@code X}). */
  public boolean isDead() {
    return state == 'Z' || state == 'X';
  }
}
