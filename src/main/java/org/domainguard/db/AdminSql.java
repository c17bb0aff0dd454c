package org.domainguard.db;

/** The admin API's own SQL: look-ups for operators and the admin_actions audit. Always {@code $n} parameters. */
public final class AdminSql {
  private AdminSql() {}

  /**
   * One watched domain with its check times, how many of its addresses are (still) verified, and
   * the evidence of its latest successful check (all null when that provider keeps none).
   */
  public static final String DOMAIN_DETAIL = """
      SELECT d.name, d.phase, d.statuses, d.last_checked_at, d.last_success_at, d.next_check_at,
             d.failure_count, d.last_error, a.total, a.verified,
             ev.server, ev.http_status, ev.registered_at, ev.expires_at, ev.transferred_at, ev.last_changed_at, ev.notices
      FROM domains d
      CROSS JOIN LATERAL (
          SELECT count(*) AS total, count(*) FILTER (WHERE e.verified) AS verified
          FROM watched_addresses w JOIN email_addresses e ON e.id = w.email_id
          WHERE w.domain_id = d.id) a
      LEFT JOIN LATERAL (
          SELECT c.server, c.http_status, c.registered_at, c.expires_at, c.transferred_at, c.last_changed_at, c.notices
          FROM domain_checks c
          WHERE c.domain_id = d.id AND c.outcome = 'ok'
          ORDER BY c.id DESC
          LIMIT 1) ev ON true
      WHERE d.name = $1""";

  /** The latest checks of one domain, newest first, each with its own evidence. */
  public static final String DOMAIN_HISTORY = """
      SELECT c.outcome, c.statuses, c.phase, c.error, c.started_at, c.finished_at, c.sweep_id,
             c.server, c.http_status, c.registered_at, c.expires_at, c.transferred_at, c.last_changed_at, c.notices
      FROM domain_checks c JOIN domains d ON d.id = c.domain_id
      WHERE d.name = $1
      ORDER BY c.id DESC
      LIMIT $2""";

  /** The host's rows for one address through its normalised form (indexed): the usual, fast path. */
  public static final String EMAIL_BY_NORMALIZED = """
      SELECT e.address, e.verified, e.unverify_reason, w.skip_reason, d.name AS domain, d.phase
      FROM watched_addresses w
      JOIN email_addresses e ON e.id = w.email_id
      LEFT JOIN domains d ON d.id = w.domain_id
      WHERE w.normalized = $1
      ORDER BY e.id
      LIMIT $2""";

  /**
   * The host's rows for one address matched case-insensitively (a scan of the host's table, for
   * addresses discovery has not reached or cannot parse), with the domain they are, or will be,
   * watched under: $2 is the registrable domain the address parses to, or null.
   */
  public static final String EMAIL_BY_ADDRESS = """
      SELECT e.address, e.verified, e.unverify_reason, w.skip_reason, d.name AS domain, d.phase
      FROM email_addresses e
      LEFT JOIN watched_addresses w ON w.email_id = e.id
      LEFT JOIN domains d ON d.id = COALESCE(w.domain_id, (SELECT id FROM domains WHERE name = $2))
      WHERE lower(e.address) = lower($1)
      ORDER BY e.id
      LIMIT $3""";

  public static final String INSERT_ADMIN_ACTION = """
      INSERT INTO admin_actions (token_name, client, action, target, params, status, outcome)
      VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7)""";
}
