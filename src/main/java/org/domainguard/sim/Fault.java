package org.domainguard.sim;

import java.util.Arrays;
import java.util.Optional;

/** How the simulator misbehaves on one status request; {@link #NONE} answers normally. */
enum Fault {
  NONE("none"),
  ERROR("error"),
  RATE_LIMITED("rate_limited"),
  TIMEOUT("timeout"),
  MALFORMED("malformed"),
  ERRORS_BODY("errors_body");

  private final String wireName;

  Fault(String wireName) {
    this.wireName = wireName;
  }

  /** The fault named in a {@code PUT /_sim/domains/{name}} body; "none" is not accepted there. */
  static Optional<Fault> named(String name) {
    return Arrays.stream(values()).filter(f -> f != NONE && f.wireName.equals(name)).findFirst();
  }
}
