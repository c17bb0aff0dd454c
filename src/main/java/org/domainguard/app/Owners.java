package org.domainguard.app;

import java.util.UUID;

/** The lease owner name of this process: readable in the database, unique across restarts. */
final class Owners {
  private Owners() {}

  static String thisProcess() {
    String host = System.getenv().getOrDefault("HOSTNAME", "host");
    return host + "/" + ProcessHandle.current().pid() + "/" + UUID.randomUUID().toString().substring(0, 8);
  }
}
