package org.domainguard.bench;

/** The {@code bench} command's statements: its generated population and what it reads back. */
final class BenchSql {
  private BenchSql() {}

  /**
   * Inserts addresses {@code $1..$2} (inclusive) of a population of {@code $3}, built inside
   * PostgreSQL. Address i takes slot {@code s = (i - 1) * $4 mod $3} ({@code $4} coprime to
   * {@code $3}, so slots are a permutation and the kinds are interleaved over the ids):
   * <ul>
   *   <li>slots {@code [0, $5)}: tail domain {@code s}, one address each, so every one of the
   *       {@code $5} tail domains exists;
   *   <li>slots {@code [$5, $5 + $6)}: one of ten huge mailbox providers, skewed (r² picks the index,
   *       so the first has ~32% of them and the last ~5%);
   *   <li>the rest: tail domain {@code floor($5 * r²)}, a Zipf-like skew (a few company domains with
   *       hundreds of addresses, a long tail with one or two).
   * </ul>
   * r is a uniform hash of i in [0, 1). {@code $7} per mille of tail addresses use a {@code mail.}
   * subdomain host, which maps to the same registrable domain. So the population has exactly
   * {@code $5 + 10} distinct registrable domains.
   */
  static final String SEED = """
      INSERT INTO email_addresses (user_id, address, verified, verified_at)
      SELECT 'user' || i,
             'user' || i || '@' || CASE
               WHEN k < 0 THEN (ARRAY['gmail.com','outlook.com','yahoo.com','hotmail.com','icloud.com',
                                      'aol.com','gmx.de','yandex.ru','proton.me','mail.ru'])[1 + floor(10 * r * r)::int]
               ELSE sub || 'site' || k || (ARRAY['.com','.net','.org','.io','.co.uk','.de','.dev','.app'])[1 + k % 8]
             END,
             true,
             now() - (i % 1000) * interval '1 hour'
      FROM generate_series($1::bigint, $2::bigint) AS i,
           LATERAL (SELECT (i - 1) * $4::bigint % $3::bigint AS s,
                           (hashint8extended(i, 1) & 4294967295)::float8 / 4294967296 AS r,
                           CASE WHEN (hashint8extended(i, 2) & 1023) * 1000 / 1024 < $7::int THEN 'mail.' ELSE '' END AS sub) AS h,
           LATERAL (SELECT CASE WHEN s < $5::bigint THEN s
                                WHEN s < $5::bigint + $6::bigint THEN -1
                                ELSE floor($5::bigint * r * r)::bigint END AS k) AS t""";

  static final String COUNT_ADDRESSES = "SELECT count(*) FROM email_addresses";

  static final String COUNT_DOMAINS = "SELECT count(*) FROM domains";

  /** Addresses under watch, on a subdomain host, and skipped as invalid. */
  static final String WATCHED_SUMMARY = """
      SELECT count(*) FILTER (WHERE domain_id IS NOT NULL) AS watched,
             count(*) FILTER (WHERE skip_reason IS NOT NULL) AS skipped
      FROM watched_addresses""";

  /** How skewed the population is: addresses on the largest domain, the top 10, and domains with one address. */
  static final String SKEW = """
      WITH per AS (SELECT domain_id, count(*) AS n FROM watched_addresses WHERE domain_id IS NOT NULL GROUP BY domain_id)
      SELECT (SELECT max(n) FROM per) AS largest,
             (SELECT COALESCE(sum(n), 0) FROM (SELECT n FROM per ORDER BY n DESC LIMIT 10) top) AS top10,
             (SELECT count(*) FROM per WHERE n = 1) AS singletons""";

  /** Checks written during the sweep: one per domain when nothing failed. */
  static final String CHECKS_OF_SWEEP = "SELECT count(*) FROM domain_checks WHERE sweep_id = $1";

  /**
   * Puts the population back as it was before its first sweep, for a second provider's pass: no
   * check, decision, hold or event; every domain never checked and due; every address unverified
   * by the first pass verified again (its verification time becomes now: a few dozen addresses).
   */
  static final String UNSWEEP = """
      TRUNCATE domain_checks, verification_events, held_changes, webhook_deliveries, events, guard_windows;
      UPDATE domains SET phase = NULL, statuses = NULL, lapse_phase = NULL, lapse_seen_at = NULL, recheck_requested_at = NULL,
          last_checked_at = NULL, last_success_at = NULL, failure_count = 0, last_error = NULL, last_seen = NULL, next_check_at = now()
      WHERE next_check_at < 'infinity';
      UPDATE email_addresses SET verified = true, unverify_reason = NULL WHERE NOT verified""";

  /** Every watched domain due now, as the passing days make them in production, for a scheduled-style sweep. */
  static final String MAKE_ALL_DUE = "UPDATE domains SET next_check_at = now() WHERE next_check_at < 'infinity'";

  /**
   * After the bulk load and discovery: reclaim the drained queue and give the planner statistics
   * now, rather than have autovacuum do it in the middle of a measurement.
   */
  static final String SETTLE = "VACUUM (ANALYZE) email_addresses, address_changes, watched_addresses, domains";

  static final String CHECKPOINT = "CHECKPOINT";

  static final String DROP_SCHEMA = "DROP SCHEMA IF EXISTS domainguard_bench CASCADE";
}
