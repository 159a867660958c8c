package dev.cairn.server.process;

/** Every supervisor test again with the fallback launcher: the JDK and the util-linux wrappers. */
class WrapperLauncherSupervisorTest extends ProcessSupervisorTest {
  @Override
  LauncherKind launcherKind() {
    return LauncherKind.WRAPPERS;
  }
}
