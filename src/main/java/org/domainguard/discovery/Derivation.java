package org.domainguard.discovery;

import static org.domainguard.db.Unnest.Type.BIGINT;
import static org.domainguard.db.Unnest.Type.TEXT;

import org.domainguard.db.Unnest;

/**
 * One address as discovery derives it (normalised form and registrable domain, or why it is
 * skipped), bound as the named columns of a set-based write. {@code oldDomainId} is where a moved
 * address was watched before (null for a newly discovered one).
 */
record Derivation(long emailId, ParsedAddress parsed, Long oldDomainId) {
  /** email_id, normalized, domain, skip_reason. */
  static Unnest<Derivation> columns() {
    return Unnest.<Derivation>of()
        .column("email_id", BIGINT, Derivation::emailId)
        .column("normalized", TEXT, d -> d.parsed().normalized())
        .column("domain", TEXT, d -> d.parsed().domain())
        .column("skip_reason", TEXT, d -> d.parsed().skipReason());
  }

  /** The registrable domains of {@code rows} (nulls for skipped addresses), for INSERT_DOMAINS. */
  static String[] domains(java.util.List<Derivation> rows) {
    return rows.stream().map(d -> d.parsed().domain()).toArray(String[]::new);
  }
}
