package dev.cairn.server.process;

/** Every supervisor test again with the fallback launcher: the JDK and the util-linux wrappers. */
class WrapperLauncherSupervisorTest extends ProcessSupervisorTest {
  @Override
  LauncherKind launcherKind() {
    return LauncherKind.WRAPPERS;
  }

  /** The wrappers point stdout and stderr straight at the output file. */
  @Override
  String outputDescriptor(Started started) {
    try {
      return java.util.regex.Pattern.quote(started.output().toRealPath().toString());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** RLIMIT_FSIZE ends a step that writes past the limit with SIGXFSZ. */
  @Override
  int outputLimitSignal() {
    return 25;
  }
}
