package dev.cairn.server.process;

import java.nio.file.Path;

/**
 * The user every step runs as when the server runs as root ({@code cairn.run-as-user}): the helper
 * switches each step to this uid and gid, with no supplementary groups, before it enters the step's
 * directory.
 *
 * @param name the user's name, for USER and LOGNAME
 * @param uid the user's id
 * @param gid the user's primary group
 * @param home the user's home directory, for HOME
 */
public record RunAsUser(String name, int uid, int gid, Path home) {
  public RunAsUser {
    if (uid < 0 || gid < 0) {
      throw new IllegalArgumentException("uid and gid must not be negative");
    }
  }

  /** The helper's command-line argument that carries this user. */
  String helperArgument() {
    return uid + ":" + gid;
  }
}
