package org.domainguard.check;

/** Where a domain is in its expiry lifecycle (SPEC §2). */
public enum Phase {
  ACTIVE,
  GRACE,
  REDEMPTION,
  PENDING_DELETE,
  RELEASED,
  REREGISTERED,
  UNKNOWN;

  /** Phases in which the registrant may lose (or has lost) the name: redemption and later. */
  public boolean isLapsed() {
    return this == REDEMPTION || this == PENDING_DELETE || this == RELEASED;
  }

  /** Lifecycle severity, so the worst phase seen during one lapse can be kept. */
  public int severity() {
    return switch (this) {
      case GRACE -> 1;
      case REDEMPTION -> 2;
      case PENDING_DELETE -> 3;
      case RELEASED -> 4;
      default -> 0;
    };
  }

  public static Phase parse(String name) {
    return name == null ? null : Phase.valueOf(name);
  }
}
