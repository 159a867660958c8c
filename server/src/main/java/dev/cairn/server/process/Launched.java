package dev.cairn.server.process;

/**
 * A started attempt.
 *
 * @param pid the process id of the step (the wrappers exec into it, so it is the step itself)
 * @param pgid its process group, equal to {@code pid} because the step leads its own session
 * @param startTicks its start time in clock ticks since boot ({@code /proc/PID/stat} field 22),
 *     which tells a reused pid from the original; 0 when the step had already ended and been reaped
 *     before it could be read
 */
public record Launched(long pid, long pgid, long startTicks) {}
