package dev.cairn.server.process;

import java.time.Duration;

/**
 * How an attempt ended, reported once its leader has exited and no process of its group remains.
 *
 * @param pid the pid of the attempt's leader
 * @param exitCode the leader's exit status, or {@code 128 + signal} when a signal ended it
 * @param signal the signal that ended the leader, 0 when it exited (exact with the native helper;
 *     the wrapper launcher reads an exit status of 129 to 192 as a signal, as the JDK reports one)
 * @param outputBytes the size of the output file when the attempt ended
 * @param outputLimitExceeded whether the output reached the limit or the leader died of {@code
 *     SIGXFSZ}
 * @param duration from the launch to the report of the leader's exit; with the native helper that
 *     report waits for what the leader left behind to end, up to the grace period when it ignores
 *     SIGTERM
 */
public record Exited(
    long pid,
    int exitCode,
    int signal,
    long outputBytes,
    boolean outputLimitExceeded,
    Duration duration) {}
