package org.domainguard.db;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Instants as the {@code timestamptz} parameters the PostgreSQL client binds. */
public final class Timestamps {
  private Timestamps() {}

  /**
   * UTC without {@code Instant.atOffset}, which builds a new ZoneRules on every call: this runs
   * several times per checked domain.
   */
  public static OffsetDateTime utc(Instant instant) {
    if (instant == null) {
      return null;
    }
    return OffsetDateTime.of(LocalDateTime.ofEpochSecond(instant.getEpochSecond(), instant.getNano(), ZoneOffset.UTC), ZoneOffset.UTC);
  }
}
