package org.domainguard.check;

import java.time.Instant;
import java.util.List;

/**
 * What a registry's own record (RDAP) says of a domain, kept as the evidence of a check: which
 * server answered and how, the phase its statuses and events map to, and the dates it carries.
 * Dates are null when absent or unreadable; {@code notices} are the notices' titles.
 */
public record RegistryRecord(
    String server,
    int httpStatus,
    Phase phase,
    Instant registeredAt,
    Instant expiresAt,
    Instant transferredAt,
    Instant lastChangedAt,
    List<String> notices) {

  public RegistryRecord {
    notices = List.copyOf(notices);
  }
}
