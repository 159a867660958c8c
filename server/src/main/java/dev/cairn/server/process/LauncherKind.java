package dev.cairn.server.process;

/** Which {@link ProcessLauncher} a supervisor uses. */
public enum LauncherKind {
  /** The native helper when this build carries it and it runs, else the wrappers. */
  AUTO,
  /** The native {@code cairn-spawn} helper; the supervisor fails to start without it. */
  HELPER,
  /** The JDK and the util-linux wrappers {@code setpriv}, {@code setsid} and {@code prlimit}. */
  WRAPPERS
}
