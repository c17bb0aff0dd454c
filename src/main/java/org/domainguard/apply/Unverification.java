package org.domainguard.apply;

import org.domainguard.events.EventOutbox;

/**
 * The statement parts that unverify addresses, shared by a batch's decisions and an operator's
 * approval of held ones: the addresses the stale-evidence rule allows ({@link VerifiedBefore}),
 * each with its audit row and its {@code address.unverified} event, in the same statement.
 */
final class Unverification {
  private Unverification() {}

  /**
   * The CTEs {@code changed} (the unverified addresses) and {@code events} (their audit rows,
   * returning domain_id and reason), then the outbox's; the statement's own query follows. {@code source} names a
   * relation with columns domain_id, reason, phase, cutoff, check_id, sweep_id; {@code actor} is
   * the audit rows' actor as SQL, or null for the column's default (domain-guard itself).
   */
  static String ctes(String source, String actor) {
    String actorColumn = actor == null ? "" : ", actor";
    String actorValue = actor == null ? "" : ", " + actor;
    return """
        changed AS (
            UPDATE email_addresses e SET verified = false, unverify_reason = s.reason
            FROM watched_addresses w, %1$s s
            WHERE w.domain_id = s.domain_id AND e.id = w.email_id AND %2$s
            RETURNING e.id, e.address, e.verified_at, s.domain_id, s.reason, s.phase, s.check_id, s.sweep_id),
        events AS (
            INSERT INTO verification_events (email_id, address, domain_id, old_verified, new_verified, old_verified_at, reason, phase, check_id, sweep_id%3$s)
            SELECT id, address, domain_id, true, false, verified_at, reason, phase, check_id, sweep_id%4$s FROM changed
            RETURNING domain_id, reason),
        """.formatted(source, VerifiedBefore.sql("e", "s.cutoff"), actorColumn, actorValue) + EventOutbox.addressUnverified("changed u");
  }
}
