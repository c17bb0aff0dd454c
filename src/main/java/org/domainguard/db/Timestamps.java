package org.domainguard.db;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Instants as the {@code timestamptz} parameters the PostgreSQL client binds, and back (null stays null). */
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

  /** A {@code timestamptz} column's value as an instant. */
  public static Instant instant(OffsetDateTime t) {
    return t == null ? null : t.toInstant();
  }

  /** A {@code timestamptz} column's value as ISO-8601 text in UTC, as the admin API shows times. */
  public static String iso(OffsetDateTime t) {
    return t == null ? null : t.toInstant().toString();
  }
}
