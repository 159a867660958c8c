package dev.cairn.server.process;

/** Every stop test again with the fallback launcher: the JDK and the util-linux wrappers. */
class WrapperLauncherStopTest extends ProcessSupervisorStopTest {
  @Override
  LauncherKind launcherKind() {
    return LauncherKind.WRAPPERS;
  }
}
