package dev.cairn.server.process;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SpawnerThreadTest {

  @Test
  void vforkIsChosenWhenNoMechanismIsSet() {
    String before = System.getProperty(SpawnerThread.LAUNCH_MECHANISM);
    try {
      System.clearProperty(SpawnerThread.LAUNCH_MECHANISM);
      SpawnerThread.preferVfork();
      assertThat(System.getProperty(SpawnerThread.LAUNCH_MECHANISM)).isEqualTo("VFORK");
    } finally {
      restore(before);
    }
  }

  @Test
  void anOperatorsChoiceOfMechanismIsKept() {
    String before = System.getProperty(SpawnerThread.LAUNCH_MECHANISM);
    try {
      System.setProperty(SpawnerThread.LAUNCH_MECHANISM, "POSIX_SPAWN");
      SpawnerThread.preferVfork();
      assertThat(System.getProperty(SpawnerThread.LAUNCH_MECHANISM)).isEqualTo("POSIX_SPAWN");
    } finally {
      restore(before);
    }
  }

  private static void restore(String value) {
    if (value == null) {
      System.clearProperty(SpawnerThread.LAUNCH_MECHANISM);
    } else {
      System.setProperty(SpawnerThread.LAUNCH_MECHANISM, value);
    }
  }
}
