package dev.cairn.server.process;

import java.time.Duration;

/**
 * How an attempt ended, reported once its leader has exited and no process of its group remains.
 *
 * @param pid the pid of the attempt's leader
 * @param exitCode the exit status as the JVM reports it: {@code 128 + signal} for a leader killed
 *     by a signal (which a plain {@code exit 137} cannot be told apart from)
 * @param signal the signal that ended the leader, derived from {@code exitCode}; 0 when it exited
 * @param outputBytes the size of the output file when the attempt ended
 * @param outputLimitExceeded whether the output reached the limit or the leader died of {@code
 *     SIGXFSZ}
 * @param duration from the launch to the leader's exit
 */
public record Exited(
    long pid,
    int exitCode,
    int signal,
    long outputBytes,
    boolean outputLimitExceeded,
    Duration duration) {}
